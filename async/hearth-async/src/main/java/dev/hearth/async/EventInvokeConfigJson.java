package dev.hearth.async;

import java.math.BigDecimal;
import java.util.List;

/**
 * The JSON shapes of Lambda's event invoke config operations; {@code AwsJson} maps their
 * components to Lambda's PascalCase names.
 */
final class EventInvokeConfigJson {
    private EventInvokeConfigJson() {}

    /** Body of PutFunctionEventInvokeConfig and UpdateFunctionEventInvokeConfig. */
    record Input(Integer maximumRetryAttempts, Integer maximumEventAgeInSeconds, DestinationConfig destinationConfig) {}

    /** {@code {"OnSuccess": {"Destination": ARN}, "OnFailure": {...}}}; an unset side is {@code {}}. */
    record DestinationConfig(OnDestination onSuccess, OnDestination onFailure) {}

    record OnDestination(String destination) {}

    /** FunctionEventInvokeConfig; {@code LastModified} is epoch seconds with a fraction. */
    record Output(BigDecimal lastModified, String functionArn, Integer maximumRetryAttempts,
            Integer maximumEventAgeInSeconds, DestinationConfig destinationConfig) {}

    record ListOutput(List<Output> functionEventInvokeConfigs, String nextMarker) {}
}
