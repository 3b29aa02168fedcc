package dev.hearth.async;

import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which destinations an event invoke config may name: Lambda's rules, and Hearth's limit that records
 * are delivered to Lambda functions only.
 *
 * <ul>
 *   <li>A destination must match Lambda's ARN pattern (at most 350 characters), else {@code
 *       ValidationException} at {@code destinationConfig.onSuccess.destination} (or {@code onFailure});
 *       an empty one means none.
 *   <li>A Lambda function destination must be a function ARN (qualified or not) of this account and
 *       region that exists (version and alias included), else {@code InvalidParameterValueException}
 *       "The destination ARN ARN is invalid."; the configured function itself (any qualifier) is
 *       refused with "You can't specify the function as a destination for itself."
 *   <li>SQS queues, SNS topics, EventBridge event buses and S3 buckets are destinations on Lambda,
 *       but Hearth cannot deliver to them yet: {@code InvalidParameterValueException} saying so.
 *   <li>Any other service: {@code InvalidParameterValueException} "The provided destination config
 *       DestinationConfig(onSuccess=…, onFailure=…) is invalid.", as Lambda words it.
 * </ul>
 *
 * <p>Threading: thread-safe.
 */
final class DestinationRules {
    /** Lambda's pattern for a destination, as its ValidationException quotes it. */
    static final Pattern DESTINATION_ARN = Pattern.compile("$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*)"
            + ":([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)");
    static final int MAX_DESTINATION_LENGTH = 350;
    private static final Pattern FUNCTION_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:lambda:[^:]+:\\d{12}:function:[^:]+(:[^:]+)?");

    /** The destinations a config keeps; empty where it has none. */
    record Destinations(Optional<String> onSuccess, Optional<String> onFailure) {}

    private final FunctionResolver resolver;
    private final AccountContext account;

    DestinationRules(FunctionResolver resolver, AccountContext account) {
        this.resolver = resolver;
        this.account = account;
    }

    /** Adds a violation for each destination outside Lambda's pattern or length. */
    static void checkPatterns(ConstraintViolations violations, EventInvokeConfigJson.DestinationConfig config) {
        if (config == null) {
            return;
        }
        destination(config.onSuccess()).ifPresent(arn -> checkPattern(violations, "destinationConfig.onSuccess.destination", arn));
        destination(config.onFailure()).ifPresent(arn -> checkPattern(violations, "destinationConfig.onFailure.destination", arn));
    }

    private static void checkPattern(ConstraintViolations violations, String member, String arn) {
        violations.maxLength(member, arn, MAX_DESTINATION_LENGTH).pattern(member, arn, DESTINATION_ARN);
    }

    /**
     * The destinations of {@code config} for the function {@code functionName}, checked against the
     * functions that exist now.
     *
     * @throws LambdaException {@code InvalidParameterValueException} for a destination Lambda or
     *     Hearth refuses
     */
    Destinations check(EventInvokeConfigJson.DestinationConfig config, String functionName) {
        if (config == null) {
            return new Destinations(Optional.empty(), Optional.empty());
        }
        Optional<String> onSuccess = destination(config.onSuccess()).filter(arn -> !arn.isEmpty());
        Optional<String> onFailure = destination(config.onFailure()).filter(arn -> !arn.isEmpty());
        for (String arn : List.of(onSuccess.orElse(""), onFailure.orElse(""))) {
            if (!arn.isEmpty()) {
                checkDestination(arn, functionName, config);
            }
        }
        return new Destinations(onSuccess, onFailure);
    }

    private void checkDestination(String arn, String functionName, EventInvokeConfigJson.DestinationConfig config) {
        String service = arn.startsWith("arn:") ? arn.split(":", -1)[2] : "";
        switch (service) {
            case "lambda" -> checkFunction(arn, functionName);
            case "sqs" -> throw unsupported(arn, "an Amazon SQS queue");
            case "sns" -> throw unsupported(arn, "an Amazon SNS topic");
            case "events" -> throw unsupported(arn, "an Amazon EventBridge event bus");
            case "s3" -> throw unsupported(arn, "an Amazon S3 bucket");
            default -> throw LambdaException.invalidParameter("The provided destination config DestinationConfig(onSuccess="
                    + side("OnSuccess", config.onSuccess()) + ", onFailure=" + side("OnFailure", config.onFailure())
                    + ") is invalid.");
        }
    }

    private void checkFunction(String arn, String functionName) {
        if (!FUNCTION_ARN.matcher(arn).matches()) {
            throw invalidArn(arn);
        }
        FunctionRef destination;
        try {
            destination = FunctionRef.parse(arn, account, FunctionNameMember.NAMESPACED_FUNCTION_NAME);
            resolver.resolve(destination);
        } catch (LambdaException notHere) {
            throw invalidArn(arn);
        }
        if (destination.name().equals(functionName)) {
            throw LambdaException.invalidParameter("You can't specify the function as a destination for itself.");
        }
    }

    private static LambdaException invalidArn(String arn) {
        return LambdaException.invalidParameter("The destination ARN " + arn + " is invalid.");
    }

    private static LambdaException unsupported(String arn, String kind) {
        return LambdaException.invalidParameter("The destination " + arn + " is " + kind + ": Hearth delivers asynchronous"
                + " invocation records to Lambda functions only (arn:aws:lambda:REGION:ACCOUNT:function:NAME); SQS queue,"
                + " SNS topic, EventBridge event bus and S3 bucket destinations are not supported yet.");
    }

    private static Optional<String> destination(EventInvokeConfigJson.OnDestination side) {
        return side == null ? Optional.empty() : Optional.ofNullable(side.destination());
    }

    /** A side as Lambda's message prints it: {@code null}, or {@code OnSuccess(destination=ARN)}. */
    private static String side(String name, EventInvokeConfigJson.OnDestination side) {
        return side == null ? "null" : name + "(destination=" + side.destination() + ")";
    }
}
