package dev.hearth.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lambda's SnapStart runtimes: Java 11+, Python 3.12+, .NET 8+. */
final class TestSnapStartRuntimes {
    @Test
    void onlyLambdasSnapStartRuntimesAreAccepted() {
        assertThat(ConfigurationRules.supportsSnapStart("java11")).isTrue();
        assertThat(ConfigurationRules.supportsSnapStart("java21")).isTrue();
        assertThat(ConfigurationRules.supportsSnapStart("python3.12")).isTrue();
        assertThat(ConfigurationRules.supportsSnapStart("python3.13")).isTrue();
        assertThat(ConfigurationRules.supportsSnapStart("dotnet8")).isTrue();
        assertThat(ConfigurationRules.supportsSnapStart("java8.al2")).isFalse();
        assertThat(ConfigurationRules.supportsSnapStart("python3.11")).isFalse();
        assertThat(ConfigurationRules.supportsSnapStart("nodejs22.x")).isFalse();
        assertThat(ConfigurationRules.supportsSnapStart("provided.al2023")).isFalse();
    }
}
