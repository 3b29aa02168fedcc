package dev.hearth.runtimes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime identifiers Lambda's CreateFunction accepts for .zip packages (checked against
 * Lambda's runtime list, 2026-11), each with its family. Immutable.
 */
final class KnownRuntimes {

    private static final Map<String, RuntimeFamily> FAMILIES = table();

    private KnownRuntimes() {}

    private static Map<String, RuntimeFamily> table() {
        Map<String, RuntimeFamily> table = new LinkedHashMap<>();
        for (String id : new String[] {"nodejs20.x", "nodejs22.x", "nodejs24.x"}) {
            table.put(id, RuntimeFamily.NODEJS);
        }
        for (String id : new String[] {
                "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14"}) {
            table.put(id, RuntimeFamily.PYTHON);
        }
        for (String id : new String[] {"java8.al2", "java11", "java17", "java21", "java25"}) {
            table.put(id, RuntimeFamily.JAVA);
        }
        for (String id : new String[] {"dotnet8", "dotnet10"}) {
            table.put(id, RuntimeFamily.DOTNET);
        }
        for (String id : new String[] {"ruby3.2", "ruby3.3", "ruby3.4"}) {
            table.put(id, RuntimeFamily.RUBY);
        }
        for (String id : new String[] {"provided", "provided.al2", "provided.al2023"}) {
            table.put(id, RuntimeFamily.PROVIDED);
        }
        return Map.copyOf(table);
    }

    static Optional<RuntimeFamily> familyOf(String runtimeId) {
        return Optional.ofNullable(runtimeId).map(FAMILIES::get);
    }
}
