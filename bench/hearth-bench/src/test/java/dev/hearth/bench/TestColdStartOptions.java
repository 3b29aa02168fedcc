package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

final class TestColdStartOptions {

    @Test
    void defaults() {
        ColdStartOptions o = ColdStartOptions.parse();
        assertThat(o).isEqualTo(new ColdStartOptions(15, List.of("process", "namespace", "gvisor"), 0, 128,
                Path.of("server/hearth-server/target/hearth-server.jar"), "", Optional.empty(), 0));
        assertThat(o.servers()).containsExactly("process", "namespace", "gvisor");
        assertThat(o.commandLine()).isEqualTo("--rounds 15 --backends process,namespace,gvisor --microvm-samples 0 --memory-mb 128");
    }

    @Test
    void everyOption() {
        ColdStartOptions o = ColdStartOptions.parse("--rounds", "6", "--backends", "process,gvisor", "--microvm-samples", "2", "--memory-mb", "1769",
                "--server-jar", "x.jar", "--hearth-java-options", "-Xmx1g", "--output", "out.md", "--layers", "2");
        assertThat(o).isEqualTo(new ColdStartOptions(6, List.of("process", "gvisor"), 2, 1769, Path.of("x.jar"), "-Xmx1g",
                Optional.of(Path.of("out.md")), 2));
        assertThat(o.commandLine()).endsWith(" --layers 2");
        assertThat(o.servers()).containsExactly("process", "gvisor", "microvm");
        assertThat(o.function().memoryMb()).isEqualTo(1769);
        assertThat(o.function().handler()).isEqualTo("app.handler");
    }

    @Test
    void microvmSamplesAreSpreadEvenlyOverTheRoundsAndOtherBackendsSampleEveryRound() {
        ColdStartOptions o = ColdStartOptions.parse("--rounds", "15", "--microvm-samples", "3");
        assertThat(IntStream.range(0, 15).filter(r -> o.samples("microvm", r)).boxed().toList()).containsExactly(0, 5, 10);
        assertThat(IntStream.range(0, 15).filter(r -> o.samples("namespace", r)).count()).isEqualTo(15);
        ColdStartOptions all = ColdStartOptions.parse("--rounds", "4", "--microvm-samples", "4");
        assertThat(IntStream.range(0, 4).filter(r -> all.samples("microvm", r)).count()).isEqualTo(4);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> ColdStartOptions.parse("--fast", "yes")).hasMessageContaining("unknown option --fast");
        assertThatThrownBy(() -> ColdStartOptions.parse("--rounds")).hasMessageContaining("pairs");
        assertThatThrownBy(() -> ColdStartOptions.parse("--rounds", "0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> ColdStartOptions.parse("--rounds", "2", "--microvm-samples", "3")).hasMessageContaining("between");
        assertThatThrownBy(() -> ColdStartOptions.parse("--backends", "process,process")).hasMessageContaining("each once");
        assertThatThrownBy(() -> ColdStartOptions.parse("--memory-mb", "64")).hasMessageContaining("MemorySize");
        assertThatThrownBy(() -> ColdStartOptions.parse("--backends", "microvm")).hasMessageContaining("--microvm-samples");
        assertThatThrownBy(() -> ColdStartOptions.parse("--layers", "6")).hasMessageContaining("between 0 and 5");
    }
}
