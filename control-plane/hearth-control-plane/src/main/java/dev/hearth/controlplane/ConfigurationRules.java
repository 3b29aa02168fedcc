package dev.hearth.controlplane;

import static dev.hearth.core.LambdaException.invalidParameter;

import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.FunctionConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's documented constraints on function configuration, checked before anything is stored.
 * Messages follow Lambda's {@code 1 validation error detected: Value 'x' at 'field' failed to satisfy
 * constraint: ...} wording so that tools and people recognise them.
 */
final class ConfigurationRules {
    static final int MIN_MEMORY = 128;
    static final int MAX_MEMORY = 10_240;
    static final int MIN_TIMEOUT = 1;
    static final int MAX_TIMEOUT = 900;
    static final int MIN_EPHEMERAL = 512;
    static final int MAX_EPHEMERAL = 10_240;
    static final int MAX_ENVIRONMENT_BYTES = 4 * 1024;
    static final int MAX_DESCRIPTION = 256;
    static final int MAX_HANDLER = 128;
    static final int MAX_TAGS = 50;

    private static final Pattern HANDLER = Pattern.compile("[^\\s]+");
    private static final Pattern ROLE = Pattern.compile("arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z]([a-zA-Z0-9_])+");
    private static final Pattern ALIAS_NAME = Pattern.compile("(?!^[0-9]+$)([a-zA-Z0-9-_]+)");
    private static final Pattern VERSION = Pattern.compile("\\$LATEST|[0-9]+");
    private static final Set<String> ARCHITECTURES = Set.of("x86_64", "arm64");
    private static final Set<String> SNAP_START = Set.of("PublishedVersions", "None");
    private static final String SNAP_START_ON = "PublishedVersions";
    private static final Pattern SNAP_START_RUNTIME = Pattern.compile("(java|python3\\.|dotnet)(\\d+)");

    /** Keys Lambda sets itself and refuses to let a function override. */
    static final Set<String> RESERVED_ENVIRONMENT_KEYS = Set.of(
            "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");

    private final Predicate<String> knownRuntime;

    ConfigurationRules(Predicate<String> knownRuntime) {
        this.knownRuntime = knownRuntime;
    }

    String runtime(String runtime) {
        required(runtime, "runtime");
        if (!knownRuntime.test(runtime)) {
            throw invalidParameter(constraint(runtime, "runtime",
                    "Member must satisfy enum value set of Lambda's runtime identifiers (e.g. python3.12, nodejs22.x, java21, provided.al2023)"));
        }
        return runtime;
    }

    String handler(String handler) {
        required(handler, "handler");
        if (handler.length() > MAX_HANDLER) {
            throw invalidParameter(constraint(handler, "handler", "Member must have length less than or equal to " + MAX_HANDLER));
        }
        if (!HANDLER.matcher(handler).matches()) {
            throw invalidParameter(constraint(handler, "handler", "Member must satisfy regular expression pattern: [^\\s]+"));
        }
        return handler;
    }

    String role(String role) {
        required(role, "role");
        if (!ROLE.matcher(role).matches()) {
            throw invalidParameter(constraint(role, "role",
                    "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"));
        }
        return role;
    }

    int memorySize(int memory) {
        return range(memory, "memorySize", MIN_MEMORY, MAX_MEMORY);
    }

    int timeout(int timeout) {
        return range(timeout, "timeout", MIN_TIMEOUT, MAX_TIMEOUT);
    }

    int ephemeralStorage(int size) {
        return range(size, "ephemeralStorage.size", MIN_EPHEMERAL, MAX_EPHEMERAL);
    }

    String description(String description) {
        if (description.length() > MAX_DESCRIPTION) {
            throw invalidParameter(constraint(description, "description",
                    "Member must have length less than or equal to " + MAX_DESCRIPTION));
        }
        return description;
    }

    Map<String, String> environment(Map<String, String> variables) {
        Set<String> reserved = new TreeSet<>();
        StringBuilder measured = new StringBuilder("{");
        for (Map.Entry<String, String> e : variables.entrySet()) {
            if (e.getValue() == null) {
                throw invalidParameter("Environment variable " + e.getKey() + " has no value.");
            }
            if (!ENV_KEY.matcher(e.getKey()).matches()) {
                throw invalidParameter(constraint(e.getKey(), "environment.variables",
                        "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+"));
            }
            if (RESERVED_ENVIRONMENT_KEYS.contains(e.getKey())) {
                reserved.add(e.getKey());
            }
            if (measured.length() > 1) {
                measured.append(',');
            }
            measured.append(jsonString(e.getKey())).append(':').append(jsonString(e.getValue()));
        }
        measured.append('}');
        if (!reserved.isEmpty()) {
            throw invalidParameter("Lambda was unable to configure your environment variables because the environment variables you"
                    + " have provided contains reserved keys that are currently not supported for modification."
                    + " Reserved keys used in this request: " + String.join(", ", reserved));
        }
        if (measured.toString().getBytes(StandardCharsets.UTF_8).length > MAX_ENVIRONMENT_BYTES) {
            throw invalidParameter("Lambda was unable to configure your environment variables because the environment variables you"
                    + " have provided exceeded the 4KB limit. String measured: " + measured);
        }
        return Map.copyOf(variables);
    }

    List<String> architectures(List<String> architectures) {
        if (architectures.size() != 1 || !ARCHITECTURES.contains(architectures.getFirst())) {
            throw invalidParameter(constraint(String.valueOf(architectures), "architectures",
                    "Member must have length 1 and satisfy enum value set: [x86_64, arm64]"));
        }
        return List.copyOf(architectures);
    }

    String snapStart(String applyOn) {
        if (!SNAP_START.contains(applyOn)) {
            throw invalidParameter(constraint(applyOn, "snapStart.applyOn", "Member must satisfy enum value set: [PublishedVersions, None]"));
        }
        return applyOn;
    }

    /**
     * Lambda's SnapStart runtimes: Java 11 and later, Python 3.12 and later, .NET 8 and later; other
     * runtimes are refused when SnapStart is on.
     */
    FunctionConfiguration snapStartCompatible(FunctionConfiguration configuration) {
        if (SNAP_START_ON.equals(configuration.snapStartApplyOn()) && !supportsSnapStart(configuration.runtime())) {
            throw invalidParameter(configuration.runtime() + " is not supported for SnapStart enabled functions.");
        }
        return configuration;
    }

    static boolean supportsSnapStart(String runtime) {
        Matcher m = SNAP_START_RUNTIME.matcher(runtime);
        if (!m.matches()) {
            return false;
        }
        int version = Integer.parseInt(m.group(2));
        return switch (m.group(1)) {
            case "java" -> version >= 11;
            case "python3." -> version >= 12;
            case "dotnet" -> version >= 8;
            default -> false;
        };
    }

    Map<String, String> tags(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw invalidParameter("Number of tags exceeds resource tag limit of " + MAX_TAGS + ".");
        }
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 128 || e.getKey().startsWith("aws:")) {
                throw invalidParameter("Tag key '" + e.getKey() + "' must be 1 to 128 characters and must not start with 'aws:'.");
            }
            if (e.getValue() == null || e.getValue().length() > 256) {
                throw invalidParameter("Tag value for key '" + e.getKey() + "' must be 0 to 256 characters.");
            }
        }
        return Map.copyOf(tags);
    }

    static String aliasName(String name) {
        required(name, "name");
        if (name.length() > 128 || !ALIAS_NAME.matcher(name).matches()) {
            throw invalidParameter(constraint(name, "name", "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"));
        }
        return name;
    }

    static String version(String version, String field) {
        required(version, field);
        if (!VERSION.matcher(version).matches()) {
            throw invalidParameter(constraint(version, field, "Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)"));
        }
        return version;
    }

    static int maxItems(Integer maxItems, int defaultValue) {
        if (maxItems == null) {
            return defaultValue;
        }
        return range(maxItems, "maxItems", 1, 10_000);
    }

    static <T> T required(T value, String field) {
        if (value == null) {
            throw invalidParameter("1 validation error detected: Value null at '" + field
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static int range(int value, String field, int min, int max) {
        if (value < min) {
            throw invalidParameter(constraint(String.valueOf(value), field, "Member must have value greater than or equal to " + min));
        }
        if (value > max) {
            throw invalidParameter(constraint(String.valueOf(value), field, "Member must have value less than or equal to " + max));
        }
        return value;
    }

    private static String constraint(String value, String field, String rule) {
        return "1 validation error detected: Value '" + value + "' at '" + field + "' failed to satisfy constraint: " + rule;
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static LambdaException unsupportedCodeLocation() {
        return invalidParameter("Hearth has no object storage yet: pass the package itself as Code.ZipFile"
                + " (aws lambda create-function --zip-file fileb://function.zip). S3 locations and container images are not supported.");
    }
}
