package dev.hearth.worker;

import static dev.hearth.worker.TestFunctions.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.AccountContext;
import dev.hearth.runtimes.RuntimeCatalog;
import dev.hearth.sandbox.gvisor.GvisorSandboxBackend;
import dev.hearth.sandbox.gvisor.GvisorSandboxSettings;
import dev.hearth.sandbox.namespace.NamespaceSandboxBackend;
import dev.hearth.sandbox.namespace.NamespaceSandboxSettings;
import dev.hearth.sandbox.process.ProcessSandboxBackend;
import dev.hearth.sandbox.spi.SandboxBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A function's layers at {@code /opt} through the whole worker, on the {@code process} backend (the
 * layers seen at their host path, search paths rewritten), the {@code namespace} backend (a
 * read-only bind at {@code /opt}, through stem cells from the second sandbox on) and the
 * {@code gvisor} backend (an OCI bind mount); each skipped where the host cannot run it. The
 * {@code microvm} backend's {@code /opt} is checked by the SPI's contract tests: a python handler imports modules only a layer has (from {@code python} and
 * from {@code python/lib/python3.12/site-packages}), a node handler requires a package only a layer
 * has, a {@code provided.al2023} bootstrap runs a program from the layers' {@code bin} through
 * {@code PATH}; the later layer overrides the earlier one's files; sandboxes of one layer list share
 * one merged tree, kept while unused until the housekeeping finds it unused for 10 minutes.
 */
final class TestWorkerLayers {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    private static ProcessSandboxBackend process;
    private static NamespaceSandboxBackend namespace;
    private static GvisorSandboxBackend gvisor;
    private static RuntimeCatalog runtimes;
    private static Path firstLayer;
    private static Path secondLayer;
    private static Path pythonCode;
    private static Path nodeCode;
    private static Path providedCode;

    @BeforeAll
    static void prepare() throws Exception {
        TestFunctions.openUp(root);
        process = new ProcessSandboxBackend();
        namespace = new NamespaceSandboxBackend(NamespaceSandboxSettings.defaults(root.resolve("namespace-state")));
        gvisor = new GvisorSandboxBackend(GvisorSandboxSettings.defaults(root.resolve("gvisor-state")));
        runtimes = RuntimeCatalog.open(root.resolve("runtimes"));
        firstLayer = directory("layers/first");
        write(firstLayer, "python/layermod.py", "VALUE = 'layermod from the first layer'\n");
        write(firstLayer, "python/lib/python3.12/site-packages/sitemod.py", "VALUE = 'sitemod from site-packages'\n");
        write(firstLayer, "python/shared.py", "VALUE = 'shared from the first layer'\n");
        write(firstLayer, "nodejs/node_modules/layerlib/index.js", "module.exports = { value: 'layerlib from a layer' };\n");
        write(firstLayer, "bin/layer-tool", "#!/bin/sh\necho \"layer-tool of the first layer\"\n");
        Files.setPosixFilePermissions(firstLayer.resolve("bin/layer-tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
        secondLayer = directory("layers/second");
        write(secondLayer, "python/shared.py", "VALUE = 'shared from the second layer'\n");
        write(secondLayer, "bin/second-tool", "#!/bin/sh\necho \"second-tool: $(layer-tool)\"\n");
        Files.setPosixFilePermissions(secondLayer.resolve("bin/second-tool"), PosixFilePermissions.fromString("rwxr-xr-x"));

        pythonCode = directory("functions/python");
        write(pythonCode, "app.py", """
                import layermod, shared, sitemod
                def handler(event, context):
                    return {'layermod': layermod.VALUE, 'shared': shared.VALUE, 'sitemod': sitemod.VALUE}
                """);
        nodeCode = directory("functions/node");
        write(nodeCode, "index.js", """
                const layerlib = require('layerlib');
                exports.handler = async () => ({ layerlib: layerlib.value });
                """);
        providedCode = directory("functions/provided");
        write(providedCode, "bootstrap", """
                #!/usr/bin/python3
                import http.client, json, os, subprocess
                host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
                conn = http.client.HTTPConnection(host, int(port))
                while True:
                    conn.request("GET", "/2018-06-01/runtime/invocation/next")
                    r = conn.getresponse()
                    r.read()
                    request_id = r.getheader("Lambda-Runtime-Aws-Request-Id")
                    tool = subprocess.run(["second-tool"], capture_output=True, text=True)
                    body = json.dumps({"tool": tool.stdout.strip(), "status": tool.returncode})
                    conn.request("POST", "/2018-06-01/runtime/invocation/%s/response" % request_id, body)
                    conn.getresponse().read()
                """);
        Files.setPosixFilePermissions(providedCode.resolve("bootstrap"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void close() {
        process.close();
        namespace.close();
        gvisor.close();
    }

    private static Path directory(String relative) throws IOException {
        Path dir = Files.createDirectories(root.resolve(relative));
        TestFunctions.openUp(dir);
        return dir;
    }

    private static void write(Path dir, String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static SandboxBackend backend(String name) {
        SandboxBackend backend = switch (name) {
            case "namespace" -> namespace;
            case "gvisor" -> gvisor;
            default -> process;
        };
        assumeThat(backend.probe().usable()).as("%s backend usable here: %s", name, backend.probe()).isTrue();
        return backend;
    }

    private Path workDir;
    private final ManualClock clock = new ManualClock();

    private Worker worker(String backend) throws IOException {
        SandboxBackend chosen = backend(backend);
        workDir = directory("work-" + backend + "-" + System.nanoTime());
        return new Worker(chosen, runtimes, new RecordingLogSink(), WorkerConfig.defaults(workDir), clock);
    }


    private static FunctionRevision function(String name, String runtime, String handler, Path code, List<Path> layers) {
        return new FunctionRevision(AccountContext.DEFAULT, name, "$LATEST", AccountContext.DEFAULT.functionArn(name),
                "rev-1", runtime, handler, 128, 30, 512, Map.of(), code, "sha", false, TracingMode.PASS_THROUGH, layers);
    }

    private static JsonNode invoke(Worker worker, FunctionRevision f) throws IOException {
        InvocationResult result = worker.invoke(f, request(f, "{}"));
        assertThat(result.functionError()).as(() -> new String(result.payload())).isEmpty();
        return JSON.readTree(result.payload());
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "namespace", "gvisor"})
    void pythonImportsModulesOnlyALayerHasAndTheLaterLayerWins(String backend) throws Exception {
        try (Worker worker = worker(backend)) {
            FunctionRevision f = function("py-layers", "python3.12", "app.handler", pythonCode,
                    List.of(firstLayer, secondLayer));

            JsonNode cold = invoke(worker, f);
            // a second sandbox of the same function (on the namespace backend: from a stem cell)
            FunctionRevision again = function("py-layers-again", "python3.12", "app.handler", pythonCode,
                    List.of(firstLayer, secondLayer));
            JsonNode other = invoke(worker, again);

            assertThat(cold.get("layermod").asText()).isEqualTo("layermod from the first layer");
            assertThat(cold.get("sitemod").asText()).isEqualTo("sitemod from site-packages");
            assertThat(cold.get("shared").asText()).isEqualTo("shared from the second layer");
            assertThat(other).isEqualTo(cold);
            Path trees = workDir.resolve("layers");
            try (Stream<Path> built = Files.list(trees)) {
                assertThat(built).as("two functions with one layer list share one tree").hasSize(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "namespace", "gvisor"})
    void nodeRequiresAPackageOnlyALayerHas(String backend) throws Exception {
        try (Worker worker = worker(backend)) {
            FunctionRevision f = function("node-layers", "nodejs20.x", "index.handler", nodeCode, List.of(firstLayer));

            assertThat(invoke(worker, f).get("layerlib").asText()).isEqualTo("layerlib from a layer");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "namespace", "gvisor"})
    void aCustomRuntimeRunsProgramsFromTheLayersBinThroughPath(String backend) throws Exception {
        try (Worker worker = worker(backend)) {
            FunctionRevision f = function("provided-layers", "provided.al2023", "unused", providedCode,
                    List.of(firstLayer, secondLayer));

            JsonNode result = invoke(worker, f);

            assertThat(result.get("tool").asText()).isEqualTo("second-tool: layer-tool of the first layer");
            assertThat(result.get("status").asInt()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "namespace", "gvisor"})
    void withoutLayersNothingIsBuiltAndAnUnusedTreeGoesAfterTenMinutes(String backend) throws Exception {
        Path trees;
        try (Worker worker = worker(backend)) {
            trees = workDir.resolve("layers");
            FunctionRevision plain = function("py-plain", "python3.12", "app.handler", directory("functions/plain-" + backend),
                    List.of());
            write(plain.taskRoot(), "app.py", """
                    import os, sys
                    def handler(event, context):
                        opt = os.environ['PATH'].rsplit(':', 1)[1][:-len('/bin')]
                        return {'layer_paths': [p for p in sys.path if p.startswith(opt)], 'path': os.environ['PATH']}
                    """);

            JsonNode result = invoke(worker, plain);

            assertThat(result.get("path").asText()).endsWith("/opt/bin");
            assertThat(result.get("layer_paths")).as("no layer directories on sys.path").isEmpty();
            try (Stream<Path> built = Files.list(trees)) {
                assertThat(built).isEmpty();
            }
            invoke(worker, function("py-layered", "python3.12", "app.handler", pythonCode, List.of(firstLayer, secondLayer)));
            try (Stream<Path> built = Files.list(trees)) {
                assertThat(built).hasSize(1);
            }

            clock.advance(WorkerConfig.DEFAULT_IDLE_TIMEOUT.plusMinutes(1));
            worker.runHousekeeping();
            await("the idle sandboxes to be reaped").atMost(Duration.ofSeconds(30)).until(() -> worker.sandboxes().isEmpty());
            try (Stream<Path> built = Files.list(trees)) {
                assertThat(built).as("kept while unused, for the next cold start").hasSize(1);
            }
            clock.advance(OptTrees.KEPT_UNUSED);
            worker.runHousekeeping();
            assertThat(trees).as("unused for 10 minutes: deleted").isEmptyDirectory();
            invoke(worker, function("py-layered-later", "python3.12", "app.handler", pythonCode,
                    List.of(firstLayer, secondLayer)));
            try (Stream<Path> built = Files.list(trees)) {
                assertThat(built).as("built again when needed again").hasSize(1);
            }
        }
        assertThat(trees).as("the worker's close ends the sandboxes and deletes their trees").isEmptyDirectory();
        assertThat(firstLayer.resolve("python/layermod.py")).as("the layers themselves stay").isRegularFile();
    }

}
