package dev.hearth.worker.runtimeapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The register body of the Extensions API: {@code {"events": [...]}} and nothing else is taken. */
final class TestExtensionsApiHandler {
    @Test
    void readsTheEventsOfARegisterBody() {
        assertThat(ExtensionsApiHandler.events("{\"events\": [\"INVOKE\", \"SHUTDOWN\"]}")).contains(List.of("INVOKE", "SHUTDOWN"));
        assertThat(ExtensionsApiHandler.events(" { \"events\" : [ ] } ")).contains(List.of());
        assertThat(ExtensionsApiHandler.events("{}")).contains(List.of());
    }

    @Test
    void refusesWhatIsNotARegisterBody() {
        assertThat(ExtensionsApiHandler.events("")).isEmpty();
        assertThat(ExtensionsApiHandler.events("{\"events\": [\"INVOKE\" \"SHUTDOWN\"]}")).isEmpty();
        assertThat(ExtensionsApiHandler.events("{\"events\": [INVOKE]}")).isEmpty();
        assertThat(ExtensionsApiHandler.events("[\"INVOKE\"]")).isEmpty();
    }
}
