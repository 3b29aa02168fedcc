package dev.hearth.eventsources;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;

/**
 * The JSON shapes of Lambda's event source mapping operations (SQS members only); {@code AwsJson}
 * maps their components to Lambda's PascalCase names.
 */
final class EventSourceMappingJson {
    private EventSourceMappingJson() {}

    /** Body of CreateEventSourceMapping and UpdateEventSourceMapping. */
    record Input(String functionName, String eventSourceArn, Boolean enabled, Integer batchSize,
            Integer maximumBatchingWindowInSeconds, List<String> functionResponseTypes, ScalingConfig scalingConfig,
            FilterCriteria filterCriteria) {}

    record ScalingConfig(Integer maximumConcurrency) {}

    record FilterCriteria(List<Filter> filters) {}

    record Filter(String pattern) {}

    /** EventSourceMappingConfiguration; {@code LastModified} is epoch seconds with a fraction. */
    record Output(@JsonProperty("UUID") String uuid, Integer batchSize, Integer maximumBatchingWindowInSeconds,
            String eventSourceArn, FilterCriteria filterCriteria, String functionArn, BigDecimal lastModified,
            String lastProcessingResult, String state, String stateTransitionReason, List<String> functionResponseTypes,
            ScalingConfig scalingConfig, String eventSourceMappingArn) {}

    record ListOutput(String nextMarker, List<Output> eventSourceMappings) {}
}
