package dev.hearth.controlplane.api;

/** GetAccountSettings' response. */
public record AccountSettingsOutput(AccountLimit accountLimit, AccountUsageOutput accountUsage) {

    /** {@code AccountLimit}. */
    public record AccountLimit(long totalCodeSize, long codeSizeUnzipped, long codeSizeZipped, int concurrentExecutions,
            int unreservedConcurrentExecutions) {}

    /** {@code AccountUsage}. */
    public record AccountUsageOutput(long totalCodeSize, long functionCount) {}
}
