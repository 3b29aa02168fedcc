package dev.hearth.controlplane;

import static dev.hearth.core.LambdaException.invalidParameter;

import dev.hearth.controlplane.api.TracingConfig;
import dev.hearth.core.ConstraintViolations;
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
 * Lambda's constraints on function configuration, checked before anything is stored, in two kinds as
 * Lambda has them: the constraints its service model declares on request members (length, pattern,
 * range, enum), collected into {@link ConstraintViolations} and answered together as one {@code
 * ValidationException} ("1 validation error detected: Value 'x' at 'field' failed to satisfy
 * constraint: ..."), then Lambda's own semantic rules (runtimes, environment, limits), each an {@code
 * InvalidParameterValueException} with Lambda's wording.
 */
final class ConfigurationRules {
    static final int MIN_MEMORY = 128;
    static final int MAX_MEMORY = 10_240;
    /** The model's bound on {@code MemorySize}; beyond {@link #MAX_MEMORY} Lambda refuses it by a rule of its own. */
    static final int MODEL_MAX_MEMORY = 32_768;
    static final int MIN_TIMEOUT = 1;
    static final int MAX_TIMEOUT = 900;
    static final int MIN_EPHEMERAL = 512;
    static final int MAX_EPHEMERAL = 10_240;
    static final int MAX_ENVIRONMENT_BYTES = 4 * 1024;
    static final int MAX_DESCRIPTION = 256;
    static final int MAX_HANDLER = 128;
    static final int MAX_TAGS = 50;

    /**
     * The model's {@code Handler} pattern, {@code [^\s]+}, matched without control characters as
     * well: a NUL or other control character cannot reach a runtime intact (process arguments and
     * environments are C strings). The message quotes the model's pattern.
     */
    private static final Pattern HANDLER = Pattern.compile("[^\\s\\p{Cntrl}]+");
    private static final String HANDLER_SHOWN = "[^\\s]+";
    private static final Pattern ROLE = Pattern.compile("arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z]([a-zA-Z0-9_])+");
    private static final Pattern ALIAS_NAME = Pattern.compile("(?!^[0-9]+$)([a-zA-Z0-9-_]+)");
    private static final Pattern VERSION = Pattern.compile("\\$LATEST(\\.PUBLISHED)?|[0-9]+");
    private static final List<String> PACKAGE_TYPES = List.of("Zip", "Image");
    private static final String RUNTIME_AND_HANDLER_MANDATORY =
            "Runtime and Handler are mandatory parameters for functions created with deployment packages.";
    /**
     * The runtimes Lambda accepts for new and updated .zip functions, as its error message lists them
     * (its order), and those it no longer accepts (its runtime deprecation table: past "block function
     * create"), which get the "no longer supported" answer.
     */
    static final String LAMBDA_RUNTIMES = "[nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x,"
            + " nodejs22.x, java25, python3.10, python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.9, java17, dotnet10,"
            + " dotnet8, java11, provided.al2, java8.al2]";
    static final Set<String> DEPRECATED_RUNTIMES = Set.of("nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10",
            "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x", "java8", "python2.7", "python3.6", "python3.7",
            "python3.8", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "go1.x", "ruby2.5",
            "ruby2.7", "provided");
    private static final Set<String> ARCHITECTURES = Set.of("x86_64", "arm64");
    private static final List<String> SNAP_START = List.of("PublishedVersions", "None");
    private static final String SNAP_START_ON = "PublishedVersions";
    private static final List<String> TRACING_MODES = List.of("Active", "PassThrough");
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

    /**
     * {@code Runtime}, a semantic rule of Lambda's (not a model constraint): a deprecated runtime is
     * "no longer supported", any other unknown value is refused with Lambda's list of runtimes, both as
     * {@code InvalidParameterValueException}.
     */
    String runtime(String runtime) {
        if (runtime == null) {
            throw invalidParameter(RUNTIME_AND_HANDLER_MANDATORY);
        }
        if (DEPRECATED_RUNTIMES.contains(runtime)) {
            throw invalidParameter("The runtime parameter of " + runtime + " is no longer supported for creating or updating"
                    + " AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.");
        }
        if (!knownRuntime.test(runtime)) {
            throw invalidParameter("Value " + runtime + " at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
                    + LAMBDA_RUNTIMES + " or be a valid ARN");
        }
        return runtime;
    }

    /** A .zip function's {@code Handler}, required by Lambda's rule for .zip packages (semantic). */
    static String handlerPresent(String handler) {
        if (handler == null) {
            throw invalidParameter(RUNTIME_AND_HANDLER_MANDATORY);
        }
        return handler;
    }

    static String handler(String handler, ConstraintViolations violations) {
        if (handler == null) {
            return null;
        }
        violations.maxLength("handler", handler, MAX_HANDLER).pattern("handler", handler, HANDLER, HANDLER_SHOWN);
        return handler;
    }

    static String role(String role, ConstraintViolations violations) {
        if (role != null) {
            violations.pattern("role", role, ROLE);
        }
        return role;
    }

    /** {@code MemorySize} within the model's range (128 to 32768); Lambda's own limit is {@link #memoryLimit}. */
    static Integer memorySize(Integer memory, ConstraintViolations violations) {
        return range(memory, "memorySize", MIN_MEMORY, MODEL_MAX_MEMORY, violations);
    }

    /** Lambda's limit on a function's memory (10240 MB), a semantic rule past the model's range. */
    static int memoryLimit(int memory) {
        if (memory > MAX_MEMORY) {
            throw invalidParameter("'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to "
                    + MAX_MEMORY);
        }
        return memory;
    }

    static Integer timeout(Integer timeout, ConstraintViolations violations) {
        return range(timeout, "timeout", MIN_TIMEOUT, MAX_TIMEOUT, violations);
    }

    static Integer ephemeralStorage(Integer size, ConstraintViolations violations) {
        return range(size, "ephemeralStorage.size", MIN_EPHEMERAL, MAX_EPHEMERAL, violations);
    }

    static String description(String description, ConstraintViolations violations) {
        if (description != null) {
            violations.maxLength("description", description, MAX_DESCRIPTION);
        }
        return description;
    }

    /** Variable names of {@code Environment.Variables} (a sensitive member: its value is not repeated). */
    static Map<String, String> environmentNames(Map<String, String> variables, ConstraintViolations violations) {
        if (variables != null && variables.keySet().stream().anyMatch(key -> !ENV_KEY.matcher(key).matches())) {
            violations.addSensitive("environment.variables",
                    "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]");
        }
        return variables;
    }

    /**
     * Lambda's rules on environment variables: no reserved names, no NUL character in a value (it
     * cannot be passed to a process), at most 4 KB as JSON (semantic).
     */
    Map<String, String> environment(Map<String, String> variables) {
        Set<String> reserved = new TreeSet<>();
        Set<String> withNul = new TreeSet<>();
        StringBuilder measured = new StringBuilder("{");
        for (Map.Entry<String, String> e : variables.entrySet()) {
            if (e.getValue() == null) {
                throw invalidParameter("Environment variable " + e.getKey() + " has no value.");
            }
            if (RESERVED_ENVIRONMENT_KEYS.contains(e.getKey())) {
                reserved.add(e.getKey());
            }
            if (e.getValue().indexOf('\u0000') >= 0) {
                withNul.add(e.getKey());
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
        if (!withNul.isEmpty()) {
            throw invalidParameter("Lambda was unable to configure your environment variables because the environment variables you"
                    + " have provided contain the null character, which is not supported."
                    + " Keys whose values contain it: " + String.join(", ", withNul));
        }
        if (measured.toString().getBytes(StandardCharsets.UTF_8).length > MAX_ENVIRONMENT_BYTES) {
            throw invalidParameter("Lambda was unable to configure your environment variables because the environment variables you"
                    + " have provided exceeded the 4KB limit. String measured: " + measured);
        }
        return Map.copyOf(variables);
    }

    static List<String> architectures(List<String> architectures, ConstraintViolations violations) {
        if (architectures == null) {
            return null;
        }
        if (architectures.size() > 1) {
            violations.add(architectures, "architectures", "Member must have length less than or equal to 1");
        } else if (architectures.isEmpty()) {
            violations.add(architectures, "architectures", "Member must have length greater than or equal to 1");
        } else if (architectures.getFirst() == null || !ARCHITECTURES.contains(architectures.getFirst())) {
            violations.add(architectures, "architectures",
                    "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]");
        }
        return architectures;
    }

    static String snapStart(String applyOn, ConstraintViolations violations) {
        if (applyOn != null) {
            violations.enumValue("snapStart.applyOn", applyOn, SNAP_START);
        }
        return applyOn;
    }

    static String packageType(String packageType, ConstraintViolations violations) {
        if (packageType != null) {
            violations.enumValue("packageType", packageType, PACKAGE_TYPES);
        }
        return packageType;
    }

    /** {@code TracingConfig.Mode}, an enum of the model: {@code Active} or {@code PassThrough}; null when not given. */
    static String tracingMode(TracingConfig tracingConfig, ConstraintViolations violations) {
        String mode = tracingConfig == null ? null : tracingConfig.mode();
        if (mode != null) {
            violations.enumValue("tracingConfig.mode", mode, TRACING_MODES);
        }
        return mode;
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

    /** Tags of CreateFunction and TagResource: at most 50 per function (a semantic rule). */
    Map<String, String> tags(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw invalidParameter("Number of tags exceeds resource tag limit.");
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

    /** An alias {@code Name} (path or body): 1 to 128 characters, not only digits. */
    static String aliasName(String name, ConstraintViolations violations) {
        if (name == null) {
            violations.missing("name");
            return null;
        }
        violations.maxLength("name", name, 128).pattern("name", name, ALIAS_NAME);
        return name;
    }

    /** An alias's {@code FunctionVersion}: {@code $LATEST} or a version number. */
    static String version(String version, String member, ConstraintViolations violations) {
        if (version == null) {
            return null;
        }
        violations.maxLength(member, version, 1024).pattern(member, version, VERSION, "(" + VERSION.pattern() + ")");
        return version;
    }

    /**
     * An alias's {@code RoutingConfig.AdditionalVersionWeights}: keys are version numbers, values
     * weights from 0.0 to 1.0, as the model declares the map (the violation names the whole map, as
     * Lambda's does: {@code Value '{2=2.0}'}).
     */
    static Map<String, Double> additionalVersionWeights(Map<String, Double> weights, ConstraintViolations violations) {
        if (weights == null) {
            return null;
        }
        String member = "routingConfig.additionalVersionWeights";
        String shown = weights.toString();
        if (weights.keySet().stream().anyMatch(k -> k.isEmpty() || k.length() > 1024 || !k.matches("[0-9]+"))) {
            violations.add(shown, member, "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, "
                    + "Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]");
        }
        if (weights.values().stream().anyMatch(w -> w == null || w < 0.0 || w > 1.0)) {
            violations.add(shown, member, "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, "
                    + "Member must have value greater than or equal to 0.0, Member must not be null]");
        }
        return weights;
    }

    /** A list operation's {@code MaxItems}: 1 to 10000 (the model's range), else {@code defaultValue}. */
    static int maxItems(Integer maxItems, int defaultValue) {
        if (maxItems == null) {
            return defaultValue;
        }
        new ConstraintViolations().range("maxItems", maxItems, 1, 10_000).throwIfAny();
        return maxItems;
    }

    /** @throws LambdaException {@code ValidationException} when a required member is missing */
    static <T> T required(T value, String field) {
        if (value == null) {
            throw ConstraintViolations.singleMissing(field);
        }
        return value;
    }

    private static Integer range(Integer value, String field, int min, int max, ConstraintViolations violations) {
        if (value != null) {
            violations.range(field, value, min, max);
        }
        return value;
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
        return invalidParameter("Hearth runs zip packages only: pass the package as Code.ZipFile"
                + " (aws lambda create-function --zip-file fileb://function.zip) or Code.S3Bucket/S3Key. Container images are not supported.");
    }
}
