package dev.hearth.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Python functions for the asynchronous tests, which report what they ran by writing files into a
 * directory named by their {@code OUT_DIR} environment variable (world-writable: sandboxes may run
 * function code as an unprivileged user).
 */
final class AsyncFunctions {
    /** Appends "REQUEST_ID EPOCH_SECONDS" to a file of its own process; fails when the event says so. */
    static final String RECORDER = """
            import os, time
            def handler(event, context):
                with open(os.path.join(os.environ["OUT_DIR"], "ids-%d.txt" % os.getpid()), "a") as f:
                    f.write("%s %.6f\\n" % (context.aws_request_id, time.time()))
                if isinstance(event, dict) and event.get("fail"):
                    raise ValueError("asked to fail")
                return {"ok": True}
            """;

    /** Fails on its first two attempts of each request id, succeeds on the third. */
    static final String FAILS_TWICE = """
            import os
            def handler(event, context):
                path = os.path.join(os.environ["OUT_DIR"], "attempts-" + context.aws_request_id)
                with open(path, "a") as f:
                    f.write("x")
                attempts = os.path.getsize(path)
                if attempts < 3:
                    raise ValueError("failing attempt %d" % attempts)
                return {"attempts": attempts}
            """;

    /** Writes each invocation record it receives to record-REQUEST_ID.json. */
    static final String RECORD_SINK = """
            import json, os
            def handler(event, context):
                rid = event["requestContext"]["requestId"]
                with open(os.path.join(os.environ["OUT_DIR"], "record-" + rid + ".json"), "w") as f:
                    json.dump(event, f)
            """;

    private AsyncFunctions() {}

    static Path outputDirectory() {
        try {
            Path dir = Files.createTempDirectory("hearth-async-out");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every "REQUEST_ID SECONDS" line the recorder wrote so far. */
    static List<String[]> recorded(Path dir) {
        List<String[]> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("ids-")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    String[] parts = line.split(" ");
                    if (parts.length == 2) {
                        lines.add(parts);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }
}
