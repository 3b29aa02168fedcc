package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestColdStartResults {
    private static final MachineDescription MACHINE = new MachineDescription(2, "Test CPU", "6.1", "0.5", "Java 25");

    @TempDir
    Path scratch;

    @Test
    void ratiosAreMediansOverTheBareBootstrapAndTheNamespaceVerdictFollowsTheTarget() throws Exception {
        BareInterpreterStart bare = new BareInterpreterStart(scratch, NoopFunction.python());
        ColdVariant namespace = new ColdVariant.Hearth("namespace", null);
        ColdVariant bootstrap = new ColdVariant.BareBootstrap(bare);
        ColdStartResults results = new ColdStartResults();
        results.variant(namespace);
        results.variant(bootstrap);
        for (long ms : List.of(50L, 60L, 70L)) {
            results.sample(namespace, new ColdVariant.Sample(ms * 1_000_000, Optional.of((ms - 10) * 1_000_000)));
            results.sample(bootstrap, new ColdVariant.Sample(ms / 2 * 1_000_000, Optional.empty()));
        }
        results.unavailable("gvisor", "runsc is missing");

        assertThat(results.ratio("namespace")).hasValueSatisfying(r -> assertThat(r).isEqualTo(2.0));
        assertThat(results.ratio("gvisor")).isEmpty();
        String md = results.markdown(Instant.EPOCH, MACHINE, "0.7", ColdStartOptions.defaults());
        assertThat(md)
                .contains("| Hearth invoke, new function, `namespace` backend | 3 | 60.0 | 70.0 | 2.00 | 50.0 | 60.0 |")
                .contains("| bare `python3 bootstrap.py` → stub Runtime API → response | 3 | 30.0 | 35.0 | 1.00 |  |  |")
                .contains("- `gvisor` not measured: its server did not start: runsc is missing")
                .contains("| namespace | < 1.5× | 2.00× | **no** |")
                .contains("load average 0.7 at the end");
    }

    @Test
    void aLayeredVariantIsComparedWithTheSameBackendWithoutLayers() {
        ColdVariant plain = new ColdVariant.Hearth("namespace", null);
        ColdVariant layered = new ColdVariant.Hearth("namespace", null, List.of("arn:1", "arn:2"));
        ColdStartResults results = new ColdStartResults();
        results.variant(plain);
        results.variant(layered);
        for (long ms : List.of(40L, 50L, 60L)) {
            results.sample(plain, new ColdVariant.Sample(ms * 1_000_000, Optional.empty()));
            results.sample(layered, new ColdVariant.Sample((ms + 10) * 1_000_000, Optional.empty()));
        }

        assertThat(layered.label()).isEqualTo("Hearth invoke, new function, `namespace` backend, 2 layers");
        assertThat(results.layersRatio("namespace", 2)).hasValueSatisfying(r -> assertThat(r).isEqualTo(1.2));
        assertThat(results.markdown(Instant.EPOCH, MACHINE, "0.7", ColdStartOptions.defaults()))
                .contains("| namespace | 2 | 50.0 | 60.0 | 1.20× |");
    }

    @Test
    void withoutNamespaceTheVerdictSaysNotMeasured() {
        String md = new ColdStartResults().markdown(Instant.EPOCH, MACHINE, "0.7", ColdStartOptions.defaults());
        assertThat(md).contains("| namespace | < 1.5× | not measured | — |");
    }
}
