package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

final class TestServerProcess {

    @Test
    void aFailedStartIsSummarisedByItsExceptionMessages() {
        List<String> output = List.of("2026-11-22T08:49:55Z INFO Starting",
                "java.lang.IllegalArgumentException: unknown sandbox backend 'namespace'; choose one of [gvisor, process]",
                "\tat dev.hearth.server.SandboxBackends.choose(SandboxBackends.java:55)",
                "Caused by: java.io.IOException: no bwrap",
                "\tat x.y(Z.java:1)");
        assertThat(ServerProcess.failureSummary(output))
                .isEqualTo("unknown sandbox backend 'namespace'; choose one of [gvisor, process]; caused by: no bwrap");
    }

    @Test
    void withoutAnExceptionTheLastLineIsTheSummary() {
        assertThat(ServerProcess.failureSummary(List.of("starting", "killed"))).isEqualTo("killed");
        assertThat(ServerProcess.failureSummary(List.of())).isEqualTo("no output");
    }
}
