package dev.hearth.worker;

import static dev.hearth.worker.FakeWorkers.eventually;
import static dev.hearth.worker.FakeWorkers.request;
import static dev.hearth.worker.FakeWorkers.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sandbox gets temporary credentials of its own for Hearth's AWS APIs, in Lambda's variables,
 * with {@code AWS_ENDPOINT_URL} at its Runtime API; the worker knows them while the sandbox lives.
 */
final class TestSandboxCredentials {
    @TempDir
    Path dir;

    private FakeWorkers fakes;

    @BeforeEach
    void setUp() {
        fakes = new FakeWorkers(dir);
        fakes.answerInOrderHoldingUntil(new CountDownLatch(0));
    }

    @AfterEach
    void tearDown() {
        fakes.close();
    }

    @Test
    void eachSandboxHasItsOwnCredentialsForAsLongAsItLives() throws Exception {
        Worker worker = fakes.worker();
        FunctionRevision a = fakes.function("a");
        FunctionRevision b = fakes.function("b");
        assertThat(text(worker.invoke(a, request(a, "x")))).isEqualTo("#1");
        assertThat(text(worker.invoke(b, request(b, "x")))).isEqualTo("#1");

        Map<String, String> envA = fakes.backend.launched().get(0).spec().environment();
        Map<String, String> envB = fakes.backend.launched().get(1).spec().environment();
        assertThat(envA.get("AWS_ACCESS_KEY_ID")).matches("ASIA[A-Z2-7]{16}").isNotEqualTo(envB.get("AWS_ACCESS_KEY_ID"));
        assertThat(envA.get("AWS_ENDPOINT_URL")).isEqualTo("http://" + envA.get("AWS_LAMBDA_RUNTIME_API"));
        SandboxCredentials credentials = worker.sandboxCredentials(envA.get("AWS_ACCESS_KEY_ID")).orElseThrow();
        assertThat(credentials.secretAccessKey()).isEqualTo(envA.get("AWS_SECRET_ACCESS_KEY"));
        assertThat(credentials.sessionToken()).isEqualTo(envA.get("AWS_SESSION_TOKEN"));
        assertThat(credentials.account()).isEqualTo(a.account());
        assertThat(credentials.toString()).doesNotContain(credentials.secretAccessKey()).doesNotContain(credentials.sessionToken());

        worker.retire(a.unqualifiedArn());
        eventually().until(() -> worker.sandboxCredentials(envA.get("AWS_ACCESS_KEY_ID")).isEmpty());
        assertThat(worker.sandboxCredentials(envB.get("AWS_ACCESS_KEY_ID"))).isPresent();
    }
}
