package dev.hearth.runtimes;

import static dev.hearth.runtimes.FunctionFixtures.json;
import static dev.hearth.runtimes.FunctionFixtures.result;
import static dev.hearth.runtimes.FunctionFixtures.successBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A custom runtime: the package's own shell-script {@code bootstrap} talks to the Runtime API with curl. */
final class TestProvidedRuntime {

    private static final String BOOTSTRAP = """
            #!/bin/sh
            set -eu
            api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
            headers="${TMPDIR}/headers"
            count=0
            while true; do
              event=$(curl -sS -D "$headers" "$api/invocation/next")
              id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | tr -d '\\r' | cut -d' ' -f2)
              count=$((count + 1))
              echo "handled $id"
              curl -sS -o /dev/null -X POST -d "{\\"echo\\":$event,\\"count\\":$count,\\"handler\\":\\"$_HANDLER\\"}" \\
                "$api/invocation/$id/response"
            done
            """;

    @TempDir
    Path cache;

    @TempDir
    Path taskRoot;

    @TempDir
    Path work;

    @Test
    void runsThePackagesOwnBootstrap() throws Exception {
        Path bootstrap = Files.writeString(taskRoot.resolve("bootstrap"), BOOTSTRAP);
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        RuntimeCatalog catalog = RuntimeCatalog.open(cache);
        try (RuntimeApiTestServer api = RuntimeApiTestServer.start();
                RuntimeProcess runtime = RuntimeProcess.start(catalog, "provided.al2023", "function.handler", taskRoot, work, api)) {
            assertThat(successBody(result(api.invoke("{\"n\":1}"))))
                    .isEqualTo(json("{\"echo\":{\"n\":1},\"count\":1,\"handler\":\"function.handler\"}"));
            assertThat(successBody(result(api.invoke("{\"n\":2}"))).get("count").asInt()).isEqualTo(2);
            assertThat(runtime.output()).contains("handled ");
        }
    }
}
