package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hearth's real python bootstrap, started as a bare process against the stub Runtime API. */
final class TestBareInterpreterStart {
    @TempDir
    Path scratch;

    @Test
    void bootstrapRunsTheHandlerOnceAgainstTheStub() throws Exception {
        BareInterpreterStart bare = new BareInterpreterStart(scratch, NoopFunction.python());
        BareInterpreterStart.BootstrapRun run = bare.bootstrap(List.of(), "{\"k\": [1, 2]}".getBytes(StandardCharsets.UTF_8));
        assertThat(run.nanos()).isPositive();
        assertThat(run.response().replace(" ", "")).isEqualTo("{\"k\":[1,2]}");
        assertThat(Files.readString(scratch.resolve("task/app.py"))).contains("return event");
    }

    @Test
    void anInitErrorIsAFailureNotASample() throws Exception {
        NoopFunction broken = new NoopFunction("python3.12", "app.handler", 128,
                Map.of("app.py", "raise RuntimeError('broken at import')\n".getBytes(StandardCharsets.UTF_8)));
        BareInterpreterStart bare = new BareInterpreterStart(scratch, broken);
        assertThatThrownBy(() -> bare.bootstrap(List.of(), "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class)
                .hasStackTraceContaining("/init/error")
                .hasStackTraceContaining("broken at import");
    }

    @Test
    void commandsMustSucceed() throws Exception {
        BareInterpreterStart bare = new BareInterpreterStart(scratch, NoopFunction.python());
        assertThat(bare.command(List.of(bare.python(), "-c", "pass"))).isPositive();
        assertThatThrownBy(() -> bare.command(List.of(bare.python(), "-c", "raise SystemExit(3)")))
                .hasMessageContaining("exited with 3");
    }
}
