package dev.hearth.worker;

import dev.hearth.core.AccountContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The test functions under {@code src/test/resources/functions}, copied out of the class path into
 * world-readable directories (the process backend runs sandboxes as {@code nobody} when tests run as
 * root), and function revisions and requests for them.
 */
final class TestFunctions {
    private TestFunctions() {}

    /** Copies {@code functions/<name>/<files>} into {@code root/<name>}, readable (and bootstraps executable) by all. */
    static Path install(Path root, String name, List<String> files) {
        try {
            openUp(root);
            Path dir = root.resolve(name);
            Files.createDirectories(dir);
            openUp(dir);
            for (String file : files) {
                try (InputStream in = TestFunctions.class.getResourceAsStream("/functions/" + name + "/" + file)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no test resource functions/" + name + "/" + file);
                    }
                    Path target = dir.resolve(file);
                    Files.copy(in, target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                            file.equals("bootstrap") ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes {@code dir} and its parents up to the root world-searchable (JUnit's temp dirs are 0700). */
    static void openUp(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null && !p.equals(p.getRoot()); p = p.getParent()) {
            if (Files.isDirectory(p) && p.startsWith(Path.of(System.getProperty("java.io.tmpdir")))
                    && !p.equals(Path.of(System.getProperty("java.io.tmpdir")))) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    static FunctionRevision revision(String name, String runtime, String handler, Path taskRoot, int timeoutSeconds) {
        return revision(name, runtime, handler, taskRoot, timeoutSeconds, "rev-1", Map.of());
    }

    static FunctionRevision revision(String name, String runtime, String handler, Path taskRoot, int timeoutSeconds,
            String revisionId, Map<String, String> environment) {
        return new FunctionRevision(AccountContext.DEFAULT, name, "$LATEST", AccountContext.DEFAULT.functionArn(name),
                revisionId, runtime, handler, 128, timeoutSeconds, 512, environment, taskRoot, "sha-" + revisionId, false,
                TracingMode.PASS_THROUGH, List.of());
    }

    /** {@code f} with another {@code TracingConfig.Mode}. */
    static FunctionRevision withTracing(FunctionRevision f, TracingMode mode) {
        return new FunctionRevision(f.account(), f.functionName(), f.version(), f.functionArn(), f.revisionId(), f.runtime(),
                f.handler(), f.memoryMb(), f.timeoutSeconds(), f.ephemeralStorageMb(), f.environment(), f.taskRoot(),
                f.codeSha256(), f.snapStart(), mode, List.of());
    }

    /** A request whose caller sent {@code X-Amzn-Trace-Id: traceHeader}. */
    static InvocationRequest tracedRequest(FunctionRevision function, String json, String traceHeader) {
        return new InvocationRequest(UUID.randomUUID().toString(), json.getBytes(StandardCharsets.UTF_8),
                Optional.empty(), function.functionArn(), false, Optional.of(traceHeader));
    }

    static InvocationRequest request(FunctionRevision function, String json) {
        return request(function, json, false);
    }

    static InvocationRequest request(FunctionRevision function, String json, boolean tail) {
        return new InvocationRequest(UUID.randomUUID().toString(), json.getBytes(StandardCharsets.UTF_8),
                Optional.empty(), function.functionArn(), tail);
    }

    static String text(InvocationResult result) {
        return new String(result.payload(), StandardCharsets.UTF_8);
    }
}
