package dev.hearth.sqs.api;

/**
 * An error SQS answers, with both of its names: the query protocol's error code (also sent to JSON
 * clients in the {@code x-amzn-query-error} header, where SQS-compatible SDKs read it) and the JSON
 * protocol's error shape name ({@code __type: com.amazonaws.sqs#<shape>}).
 */
final class SqsError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String queryCode;
    private final String shape;
    private final int status;
    private final boolean senderFault;

    SqsError(String queryCode, String shape, int status, boolean senderFault, String message) {
        super(message);
        this.queryCode = queryCode;
        this.shape = shape;
        this.status = status;
        this.senderFault = senderFault;
    }

    private static SqsError sender(String code, String shape, String message) {
        return new SqsError(code, shape, 400, true, message);
    }

    String queryCode() {
        return queryCode;
    }

    String shape() {
        return shape;
    }

    int status() {
        return status;
    }

    boolean senderFault() {
        return senderFault;
    }

    static SqsError queueDoesNotExist() {
        return sender("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "The specified queue does not exist.");
    }

    static SqsError queueNameExists(String message) {
        return sender("QueueAlreadyExists", "QueueNameExists", message);
    }

    static SqsError queueDeletedRecently() {
        return sender("AWS.SimpleQueueService.QueueDeletedRecently", "QueueDeletedRecently",
                "You must wait 60 seconds after deleting a queue before you can create another with the same name.");
    }

    static SqsError invalidParameterValue(String message) {
        return sender("InvalidParameterValue", "InvalidParameterValue", message);
    }

    static SqsError invalidParameter(String name, Object value, String reason) {
        return invalidParameterValue("Value " + value + " for parameter " + name + " is invalid. Reason: " + reason);
    }

    static SqsError missingParameter(String name) {
        return sender("MissingParameter", "MissingParameter", "The request must contain the parameter " + name + ".");
    }

    static SqsError invalidAttributeName(String name) {
        return sender("InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute " + name + ".");
    }

    static SqsError invalidAttributeValue(String name) {
        return sender("InvalidAttributeValue", "InvalidAttributeValue", "Invalid value for the parameter " + name + ".");
    }

    static SqsError receiptHandleIsInvalid(String message) {
        return sender("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", message);
    }

    static SqsError messageNotInflight() {
        return sender("AWS.SimpleQueueService.MessageNotInflight", "MessageNotInflight", "Message not inflight.");
    }

    static SqsError invalidMessageContents() {
        return sender("InvalidMessageContents", "InvalidMessageContents", "Invalid characters found. Valid unicode characters"
                + " are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
    }

    static SqsError emptyBatch(String entryName) {
        return sender("AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest",
                "There should be at least one " + entryName + " in the request.");
    }

    static SqsError tooManyEntries(int count) {
        return sender("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "TooManyEntriesInBatchRequest",
                "Maximum number of entries per request are 10. You have sent " + count + ".");
    }

    static SqsError entryIdsNotDistinct(String id) {
        return sender("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "BatchEntryIdsNotDistinct", "Id " + id + " repeated.");
    }

    static SqsError invalidBatchEntryId() {
        return sender("AWS.SimpleQueueService.InvalidBatchEntryId", "InvalidBatchEntryId", "A batch entry id can only contain"
                + " alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.");
    }

    static SqsError batchTooLong(long max, long sent) {
        return sender("AWS.SimpleQueueService.BatchRequestTooLong", "BatchRequestTooLong",
                "Batch requests cannot be longer than " + max + " bytes. You have sent " + sent + " bytes.");
    }

    static SqsError purgeInProgress(String queue) {
        return new SqsError("AWS.SimpleQueueService.PurgeQueueInProgress", "PurgeQueueInProgress", 403, true,
                "Only one PurgeQueue operation on " + queue + " is allowed every 60 seconds.");
    }

    static SqsError invalidAction(String action) {
        return sender("InvalidAction", "InvalidAction", "The action " + action + " is not valid for this endpoint.");
    }

    static SqsError malformedRequest(String message) {
        return sender("MalformedQueryString", "SerializationException", message);
    }

    static SqsError internal(String message) {
        return new SqsError("InternalFailure", "InternalFailure", 500, false, message);
    }
}
