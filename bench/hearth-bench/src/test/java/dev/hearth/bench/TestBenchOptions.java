package dev.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class TestBenchOptions {

    @Test
    void defaults() {
        BenchOptions o = BenchOptions.parse();
        assertThat(o.measure()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.warmUp()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.rounds()).isEqualTo(2);
        assertThat(o.connections()).isEqualTo(8);
        assertThat(o.coldSamples()).isEqualTo(20);
        assertThat(o.runtimes()).containsExactly("python", "node", "java");
        assertThat(o.sandbox()).isEqualTo("process");
        assertThat(o.serverJar()).isEqualTo(Path.of("server/hearth-server/target/hearth-server.jar"));
        assertThat(o.payload()).isEqualTo("{\"hello\":\"world\"}");
        assertThat(o.hearthJavaOptions()).isEmpty();
        assertThat(o.output()).isEmpty();
    }

    @Test
    void everyOption() {
        BenchOptions o = BenchOptions.parse("--seconds", "4", "--warmup-seconds", "1", "--rounds", "3", "--connections", "2",
                "--cold-samples", "5", "--runtimes", "python,java", "--sandbox", "namespace", "--server-jar", "x.jar",
                "--payload", "{}", "--hearth-java-options", "-Xmx1g", "--output", "out.md");
        assertThat(o).isEqualTo(new BenchOptions(Duration.ofSeconds(4), Duration.ofSeconds(1), 3, 2, 5,
                java.util.List.of("python", "java"), "namespace", Path.of("x.jar"), "{}", "-Xmx1g", Optional.of(Path.of("out.md"))));
        assertThat(o.commandLine()).isEqualTo("--seconds 4 --warmup-seconds 1 --rounds 3 --connections 2 --cold-samples 5 "
                + "--runtimes python,java --sandbox namespace");
    }

    @Test
    void rejectsUnknownOptionsAndRuntimesAndMissingPython() {
        assertThatThrownBy(() -> BenchOptions.parse("--fast", "yes")).hasMessageContaining("unknown option --fast");
        assertThatThrownBy(() -> BenchOptions.parse("--seconds")).hasMessageContaining("pairs");
        assertThatThrownBy(() -> BenchOptions.parse("--runtimes", "python,ruby")).hasMessageContaining("ruby");
        assertThatThrownBy(() -> BenchOptions.parse("--runtimes", "node")).hasMessageContaining("must include python");
        assertThatThrownBy(() -> BenchOptions.parse("--connections", "0")).hasMessageContaining("positive");
    }
}
