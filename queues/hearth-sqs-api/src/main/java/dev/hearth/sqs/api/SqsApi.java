package dev.hearth.sqs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hearth.core.AccountContext;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.ApiService;
import dev.hearth.http.ErrorResponses;
import dev.hearth.http.Route;
import dev.hearth.sqs.spi.MessageAttribute;
import dev.hearth.sqs.spi.MessageDigests;
import dev.hearth.sqs.spi.MessageQueueException;
import dev.hearth.sqs.spi.MessageQueues;
import dev.hearth.sqs.spi.NewMessage;
import dev.hearth.sqs.spi.QueueDescription;
import dev.hearth.sqs.spi.QueueSettings;
import dev.hearth.sqs.spi.ReceiveRequest;
import dev.hearth.sqs.spi.ReceivedMessage;
import dev.hearth.sqs.spi.SendResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Amazon SQS's API over {@link MessageQueues}, one engine per caller's account and region. Both
 * protocols: AWS JSON 1.0 ({@code X-Amz-Target: AmazonSQS.<Operation>}; errors as {@code {"__type":
 * "com.amazonaws.sqs#<Shape>", "message"}} with the query code in {@code x-amzn-query-error}) and the
 * query protocol ({@code Action=<Operation>} in the form body or the URL; XML answers and {@code
 * <ErrorResponse>} errors). Queue URLs are {@code <public-url>/<account>/<name>}, built from the
 * server's public URL, never from the request's {@code Host}; queue ARNs {@code
 * arn:aws:sqs:<region>:<account>:<name>}.
 *
 * <p>Threading: thread-safe; ReceiveMessage with a wait time blocks its request's (virtual) thread.
 */
public final class SqsApi {
    /** The {@code X-Amz-Target} prefix of SQS's JSON operations, before the dot. */
    public static final String TARGET_SERVICE = "AmazonSQS";
    static final String JSON_CONTENT_TYPE = "application/x-amz-json-1.0";
    /** Largest request body: a 1 MiB batch, with room for the query protocol's percent-encoding. */
    static final long MAX_REQUEST_BYTES = 6L * 1024 * 1024;
    static final long MAX_BATCH_BYTES = 1_048_576;
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Pattern FIFO_QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,75}\\.fifo");
    private static final Pattern BATCH_ENTRY_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Duration PURGE_INTERVAL = Duration.ofSeconds(60);
    private static final Duration RECREATE_DELAY = Duration.ofSeconds(60);
    static final List<String> OPERATIONS = List.of("CreateQueue", "GetQueueUrl", "ListQueues", "DeleteQueue",
            "GetQueueAttributes", "SetQueueAttributes", "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage",
            "DeleteMessageBatch", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch", "PurgeQueue", "TagQueue",
            "UntagQueue", "ListQueueTags", "ListDeadLetterSourceQueues");
    private static final Set<String> UNSUPPORTED = Set.of("AddPermission", "RemovePermission", "StartMessageMoveTask",
            "CancelMessageMoveTask", "ListMessageMoveTasks");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Function<AccountContext, MessageQueues> queuesOf;
    private final Supplier<String> publicUrl;
    private final Clock clock;
    private final Map<String, Instant> lastPurge = new ConcurrentHashMap<>();
    private final Map<String, Instant> deletedAt = new ConcurrentHashMap<>();

    /**
     * @param queuesOf the engine of an account and region (the caller's)
     * @param publicUrl the server's public URL, without a trailing slash, that queue URLs start with
     */
    public SqsApi(Function<AccountContext, MessageQueues> queuesOf, Supplier<String> publicUrl, Clock clock) {
        this.queuesOf = queuesOf;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    /**
     * The {@code sqs} service: signed for {@code sqs}, or unsigned with an {@code X-Amz-Target} of
     * {@code AmazonSQS.*} or an {@code Action} SQS knows; {@code POST /} and the queue URLs' paths
     * (the query protocol may address a queue by its URL), {@code GET} as well for the query protocol.
     */
    public ApiService service() {
        List<Route> routes = new ArrayList<>();
        for (String method : List.of("POST", "GET")) {
            routes.add(new Route(method, "/", "SQS", MAX_REQUEST_BYTES, this::handle));
            routes.add(new Route(method, "/{AccountId:[0-9]{12}}/{QueueName}", "SQS", MAX_REQUEST_BYTES, this::handle));
        }
        Set<String> actions = new LinkedHashSet<>(OPERATIONS);
        actions.addAll(UNSUPPORTED);
        return new ApiService("sqs", Set.of(TARGET_SERVICE), actions, routes, ErrorResponses.Protocol.AWS_JSON);
    }

    /** Answers one SQS request in its protocol; SQS's errors are answered here, in that protocol's shape. */
    public ApiResponse handle(ApiRequest request) {
        Optional<String> target = request.header("X-Amz-Target");
        boolean json = target.isPresent();
        String operation = "";
        try {
            JsonNode input;
            if (json) {
                String name = target.get();
                operation = name.startsWith(TARGET_SERVICE + ".") ? name.substring(TARGET_SERVICE.length() + 1) : name;
                input = readJson(request.body());
            } else {
                Map<String, String> parameters = queryParameters(request);
                operation = parameters.getOrDefault("Action", "");
                input = JSON.valueToTree(QueryParameters.toTree(parameters));
            }
            Map<String, Object> result = dispatch(operation, new Call(request, input));
            return json ? jsonAnswer(200, result, Map.of())
                    : xmlAnswer(200, XmlAnswer.response(operation, result, request.requestId()));
        } catch (MessageQueueException e) {
            return error(json, translate(e), request.requestId());
        } catch (SqsError e) {
            return error(json, e, request.requestId());
        }
    }

    private Map<String, Object> dispatch(String operation, Call call) {
        return switch (operation) {
            case "CreateQueue" -> createQueue(call);
            case "GetQueueUrl" -> getQueueUrl(call);
            case "ListQueues" -> listQueues(call);
            case "DeleteQueue" -> deleteQueue(call);
            case "GetQueueAttributes" -> getQueueAttributes(call);
            case "SetQueueAttributes" -> setQueueAttributes(call);
            case "SendMessage" -> sendMessage(call);
            case "SendMessageBatch" -> sendMessageBatch(call);
            case "ReceiveMessage" -> receiveMessage(call);
            case "DeleteMessage" -> deleteMessage(call);
            case "DeleteMessageBatch" -> deleteMessageBatch(call);
            case "ChangeMessageVisibility" -> changeMessageVisibility(call);
            case "ChangeMessageVisibilityBatch" -> changeMessageVisibilityBatch(call);
            case "PurgeQueue" -> purgeQueue(call);
            case "TagQueue" -> tagQueue(call);
            case "UntagQueue" -> untagQueue(call);
            case "ListQueueTags" -> listQueueTags(call);
            case "ListDeadLetterSourceQueues" -> listDeadLetterSourceQueues(call);
            default -> throw UNSUPPORTED.contains(operation)
                    ? new SqsError("AWS.SimpleQueueService.UnsupportedOperation", "UnsupportedOperation", 400, true,
                            operation + " is not supported by Hearth.")
                    : SqsError.invalidAction(operation.isEmpty() ? "(none)" : operation);
        };
    }

    // ---- queues

    private Map<String, Object> createQueue(Call call) {
        String name = call.requiredString("QueueName");
        Map<String, String> attributes = call.stringMap("Attributes");
        boolean fifo = "true".equals(attributes.get("FifoQueue"));
        if (fifo ? !FIFO_QUEUE_NAME.matcher(name).matches() : !QUEUE_NAME.matcher(name).matches()) {
            throw SqsError.invalidParameterValue(fifo || name.endsWith(".fifo")
                    ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end"
                            + " with .fifo suffix and be 1 to 80 in length."
                    : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }
        MessageQueues queues = call.queues();
        Instant deleted = deletedAt.get(key(call.account(), name));
        if (deleted != null && deleted.plus(RECREATE_DELAY).isAfter(clock.instant()) && queues.queue(name).isEmpty()) {
            throw SqsError.queueDeletedRecently();
        }
        QueueSettings settings = QueueAttributes.apply(QueueSettings.DEFAULTS.withFifo(fifo), attributes, true,
                arn -> queueOfArn(call, arn));
        Map<String, String> tags = call.stringMap("tags");
        if (tags.isEmpty()) {
            tags = call.stringMap("Tags");
        }
        QueueDescription queue = queues.createQueue(name, settings, tags);
        return Map.of("QueueUrl", queueUrl(call.account(), queue.name()));
    }

    private Map<String, Object> getQueueUrl(Call call) {
        String name = call.requiredString("QueueName");
        Optional<String> owner = call.string("QueueOwnerAWSAccountId");
        if (owner.isPresent() && !owner.get().equals(call.account().accountId())) {
            throw SqsError.queueDoesNotExist();
        }
        QueueDescription queue = call.queues().queue(name).orElseThrow(SqsError::queueDoesNotExist);
        return Map.of("QueueUrl", queueUrl(call.account(), queue.name()));
    }

    private Map<String, Object> listQueues(Call call) {
        List<String> names = call.queues().queues(call.string("QueueNamePrefix").orElse("")).stream()
                .map(QueueDescription::name).toList();
        return page(call, names, "QueueUrls", name -> queueUrl(call.account(), name));
    }

    private Map<String, Object> listDeadLetterSourceQueues(Call call) {
        String dlq = call.queueName();
        List<String> names = call.queues().deadLetterSourceQueues(dlq);
        return page(call, names, "queueUrls", name -> queueUrl(call.account(), name));
    }

    /** A page of names as URLs: all (up to 1000) without MaxResults, else MaxResults after NextToken's name. */
    private static Map<String, Object> page(Call call, List<String> names, String member, Function<String, String> url) {
        Optional<Integer> max = call.integer("MaxResults");
        if (max.isPresent() && (max.get() < 1 || max.get() > 1000)) {
            throw SqsError.invalidParameter("MaxResults", max.get(), "MaxResults must be an integer between 1 and 1000.");
        }
        String after = call.string("NextToken").map(SqsApi::decodeToken).orElse("");
        List<String> rest = names.stream().filter(name -> name.compareTo(after) > 0).toList();
        int limit = max.orElse(1000);
        Map<String, Object> result = new LinkedHashMap<>();
        List<String> shown = rest.subList(0, Math.min(limit, rest.size()));
        result.put(member, shown.stream().map(url).toList());
        if (max.isPresent() && rest.size() > limit) {
            result.put("NextToken", Base64.getUrlEncoder().encodeToString(shown.getLast().getBytes(StandardCharsets.UTF_8)));
        }
        return result;
    }

    private static String decodeToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SqsError.invalidParameterValue("Invalid NextToken value.");
        }
    }

    private Map<String, Object> deleteQueue(Call call) {
        String name = call.queueName();
        call.queues().deleteQueue(name);
        remember(deletedAt, key(call.account(), name), RECREATE_DELAY);
        return Map.of();
    }

    private Map<String, Object> getQueueAttributes(Call call) {
        String name = call.queueName();
        MessageQueues queues = call.queues();
        QueueDescription queue = queues.queue(name).orElseThrow(SqsError::queueDoesNotExist);
        List<String> names = call.strings("AttributeNames");
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> attributes = QueueAttributes.read(queue, queues.counts(name), names, queueArn(call.account(), name),
                dlq -> queueArn(call.account(), dlq));
        return attributes.isEmpty() ? Map.of() : Map.of("Attributes", attributes);
    }

    private Map<String, Object> setQueueAttributes(Call call) {
        String name = call.queueName();
        MessageQueues queues = call.queues();
        QueueDescription queue = queues.queue(name).orElseThrow(SqsError::queueDoesNotExist);
        QueueSettings settings = QueueAttributes.apply(queue.settings(), call.stringMap("Attributes"), false,
                arn -> queueOfArn(call, arn));
        queues.updateQueue(name, settings);
        return Map.of();
    }

    private Map<String, Object> purgeQueue(Call call) {
        String name = call.queueName();
        call.queues().queue(name).orElseThrow(SqsError::queueDoesNotExist);
        Instant now = clock.instant();
        Instant previous = lastPurge.get(key(call.account(), name));
        if (previous != null && previous.plus(PURGE_INTERVAL).isAfter(now)) {
            throw SqsError.purgeInProgress(name);
        }
        call.queues().purge(name);
        remember(lastPurge, key(call.account(), name), PURGE_INTERVAL);
        return Map.of();
    }

    private Map<String, Object> tagQueue(Call call) {
        String name = call.queueName();
        Map<String, String> tags = call.stringMap("Tags");
        if (tags.isEmpty()) {
            throw SqsError.missingParameter("Tags");
        }
        call.queues().tag(name, tags);
        return Map.of();
    }

    private Map<String, Object> untagQueue(Call call) {
        String name = call.queueName();
        List<String> keys = call.strings("TagKeys");
        if (keys.isEmpty()) {
            throw SqsError.missingParameter("TagKeys");
        }
        call.queues().untag(name, Set.copyOf(keys));
        return Map.of();
    }

    private Map<String, Object> listQueueTags(Call call) {
        Map<String, String> tags = call.queues().tags(call.queueName());
        return tags.isEmpty() ? Map.of() : Map.of("Tags", tags);
    }

    // ---- messages

    private Map<String, Object> sendMessage(Call call) {
        String name = call.queueName();
        QueueDescription queue = call.queues().queue(name).orElseThrow(SqsError::queueDoesNotExist);
        NewMessage message = newMessage(call.input(), queue.settings());
        if (size(message) > queue.settings().maximumMessageSize()) {
            throw SqsError.invalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter than "
                    + queue.settings().maximumMessageSize() + " bytes.");
        }
        SendResult sent = call.queues().send(name, List.of(message)).getFirst();
        return sendAnswer(message, sent, null);
    }

    private static Map<String, Object> sendAnswer(NewMessage message, SendResult sent, String entryId) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (entryId != null) {
            result.put("Id", entryId);
        }
        result.put("MessageId", sent.messageId());
        result.put("MD5OfMessageBody", MessageDigests.ofBody(message.body()));
        String attributesDigest = MessageDigests.ofAttributes(message.attributes());
        if (attributesDigest != null) {
            result.put("MD5OfMessageAttributes", attributesDigest);
        }
        message.traceHeader().ifPresent(trace -> result.put("MD5OfMessageSystemAttributes",
                MessageDigests.ofAttributes(Map.of("AWSTraceHeader", MessageAttribute.string("String", trace)))));
        sent.sequenceNumber().ifPresent(sequence -> result.put("SequenceNumber", sequence));
        return result;
    }

    private Map<String, Object> sendMessageBatch(Call call) {
        String name = call.queueName();
        QueueDescription queue = call.queues().queue(name).orElseThrow(SqsError::queueDoesNotExist);
        List<JsonNode> entries = batchEntries(call, "SendMessageBatchRequestEntry");
        long total = 0;
        List<String> ids = new ArrayList<>();
        List<NewMessage> messages = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (JsonNode entry : entries) {
            String id = entry.path("Id").asText();
            try {
                NewMessage message = newMessage(entry, queue.settings());
                long bytes = size(message);
                total += bytes;
                if (bytes > queue.settings().maximumMessageSize()) {
                    throw SqsError.invalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter than "
                            + queue.settings().maximumMessageSize() + " bytes.");
                }
                ids.add(id);
                messages.add(message);
            } catch (SqsError e) {
                failed.add(failure(id, e));
            }
        }
        if (total > MAX_BATCH_BYTES) {
            throw SqsError.batchTooLong(MAX_BATCH_BYTES, total);
        }
        List<Map<String, Object>> successful = new ArrayList<>();
        if (!messages.isEmpty()) {
            List<SendResult> results = call.queues().send(name, messages);
            for (int i = 0; i < results.size(); i++) {
                successful.add(sendAnswer(messages.get(i), results.get(i), ids.get(i)));
            }
        }
        return batchAnswer(successful, failed);
    }

    private static Map<String, Object> batchAnswer(List<Map<String, Object>> successful, List<Map<String, Object>> failed) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("Successful", successful);
        result.put("Failed", failed);
        return result;
    }

    private static Map<String, Object> failure(String id, SqsError error) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("Id", id);
        entry.put("SenderFault", error.senderFault());
        entry.put("Code", error.queryCode());
        entry.put("Message", error.getMessage());
        return entry;
    }

    /** A batch's entries, checked as SQS checks them before any entry is processed. */
    private static List<JsonNode> batchEntries(Call call, String entryName) {
        List<JsonNode> entries = new ArrayList<>();
        call.input().path("Entries").forEach(entries::add);
        if (entries.isEmpty()) {
            throw SqsError.emptyBatch(entryName);
        }
        if (entries.size() > 10) {
            throw SqsError.tooManyEntries(entries.size());
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode entry : entries) {
            String id = entry.path("Id").asText("");
            if (!BATCH_ENTRY_ID.matcher(id).matches()) {
                throw SqsError.invalidBatchEntryId();
            }
            if (!seen.add(id)) {
                throw SqsError.entryIdsNotDistinct(id);
            }
        }
        return entries;
    }

    /** A message from a SendMessage request or a batch entry, checked against its queue's kind. */
    private static NewMessage newMessage(JsonNode input, QueueSettings queue) {
        String body = input.path("MessageBody").asText("");
        if (body.isEmpty()) {
            throw SqsError.missingParameter("MessageBody");
        }
        if (!validCharacters(body)) {
            throw SqsError.invalidMessageContents();
        }
        Optional<Duration> delay = Optional.empty();
        if (input.hasNonNull("DelaySeconds")) {
            long seconds = integer(input.get("DelaySeconds"), "DelaySeconds");
            if (seconds < 0 || seconds > 900) {
                throw SqsError.invalidParameter("DelaySeconds", seconds, "DelaySeconds must be >= 0 and <= 900.");
            }
            if (queue.fifo() && seconds != 0) {
                throw SqsError.invalidParameter("DelaySeconds", seconds,
                        "The request include parameter that is not valid for this queue type.");
            }
            delay = queue.fifo() ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        }
        Optional<String> group = text(input, "MessageGroupId");
        Optional<String> deduplication = text(input, "MessageDeduplicationId");
        if (queue.fifo()) {
            if (group.isEmpty()) {
                throw SqsError.missingParameter("MessageGroupId");
            }
            if (deduplication.isEmpty() && !queue.contentBasedDeduplication()) {
                throw SqsError.invalidParameterValue("The queue should either have ContentBasedDeduplication enabled or"
                        + " MessageDeduplicationId provided explicitly");
            }
        } else if (deduplication.isPresent()) {
            throw SqsError.invalidParameter("MessageDeduplicationId", deduplication.get(),
                    "The request include parameter that is not valid for this queue type.");
        }
        Map<String, MessageAttribute> attributes = attributes(input.path("MessageAttributes"));
        Optional<String> trace = Optional.empty();
        JsonNode system = input.path("MessageSystemAttributes");
        if (system.isObject()) {
            for (Map.Entry<String, JsonNode> entry : system.properties()) {
                if (!entry.getKey().equals("AWSTraceHeader")) {
                    throw SqsError.invalidParameterValue("Message system attribute name '" + entry.getKey() + "' is invalid.");
                }
                trace = Optional.of(entry.getValue().path("StringValue").asText(""));
            }
        }
        return new NewMessage(body, attributes, delay, queue.fifo() ? group : Optional.empty(), deduplication, trace);
    }

    private static Map<String, MessageAttribute> attributes(JsonNode node) {
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        if (!node.isObject()) {
            return attributes;
        }
        if (node.size() > 10) {
            throw SqsError.invalidParameterValue("Number of message attributes [" + node.size()
                    + "] exceeds the allowed maximum [10].");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            String type = value.path("DataType").asText("");
            if (type.isEmpty()) {
                throw SqsError.invalidParameterValue("The message attribute '" + name
                        + "' must contain non-empty message attribute type.");
            }
            if (type.startsWith("Binary")) {
                String encoded = value.path("BinaryValue").asText("");
                if (encoded.isEmpty()) {
                    throw emptyAttributeValue(name, type);
                }
                try {
                    attributes.put(name, MessageAttribute.binary(type, Base64.getMimeDecoder().decode(encoded)));
                } catch (IllegalArgumentException e) {
                    throw SqsError.invalidParameterValue("The message attribute '" + name + "' has an invalid binary value.");
                }
            } else if (type.startsWith("String") || type.startsWith("Number")) {
                String text = value.path("StringValue").asText("");
                if (text.isEmpty()) {
                    throw emptyAttributeValue(name, type);
                }
                attributes.put(name, MessageAttribute.string(type, text));
            } else {
                throw SqsError.invalidParameterValue("The type of message (user) attribute '" + name + "' is invalid. You must"
                        + " use only the following supported type prefixes: Binary, Number, String.");
            }
        }
        return attributes;
    }

    private static SqsError emptyAttributeValue(String name, String type) {
        return SqsError.invalidParameterValue("The message attribute '" + name
                + "' must contain non-empty message attribute value for message attribute type '" + type + "'.");
    }

    /** SQS's size of a message: its body and its attributes' names, types and values, in bytes. */
    private static long size(NewMessage message) {
        long bytes = message.body().getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, MessageAttribute> entry : message.attributes().entrySet()) {
            MessageAttribute value = entry.getValue();
            bytes += entry.getKey().getBytes(StandardCharsets.UTF_8).length + value.dataType().length()
                    + (value.isBinary() ? value.binaryValue().length : value.stringValue().getBytes(StandardCharsets.UTF_8).length);
        }
        return bytes;
    }

    private static boolean validCharacters(String body) {
        return body.codePoints().allMatch(c -> c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF));
    }

    private Map<String, Object> receiveMessage(Call call) {
        String name = call.queueName();
        int max = call.integer("MaxNumberOfMessages").orElse(1);
        if (max < 1 || max > 10) {
            throw SqsError.invalidParameter("MaxNumberOfMessages", max, "Must be between 1 and 10, if provided.");
        }
        Optional<Integer> visibility = call.integer("VisibilityTimeout");
        if (visibility.isPresent() && (visibility.get() < 0 || visibility.get() > 43_200)) {
            throw SqsError.invalidParameter("VisibilityTimeout", visibility.get(), "Must be >= 0 and <= 43200, if provided.");
        }
        Optional<Integer> wait = call.integer("WaitTimeSeconds");
        if (wait.isPresent() && (wait.get() < 0 || wait.get() > 20)) {
            throw SqsError.invalidParameter("WaitTimeSeconds", wait.get(), "Must be >= 0 and <= 20, if provided.");
        }
        Set<String> systemNames = new HashSet<>(call.strings("AttributeNames"));
        systemNames.addAll(call.strings("MessageSystemAttributeNames"));
        List<String> attributeNames = call.strings("MessageAttributeNames");
        List<ReceivedMessage> received;
        try {
            received = call.queues().receive(name, new ReceiveRequest(max, visibility.map(Duration::ofSeconds),
                    wait.map(Duration::ofSeconds)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SqsError.internal("The receive was interrupted because Hearth is shutting down.");
        }
        List<Map<String, Object>> messages = new ArrayList<>();
        for (ReceivedMessage message : received) {
            messages.add(receivedAnswer(call.account(), message, systemNames, attributeNames));
        }
        return messages.isEmpty() ? Map.of() : Map.of("Messages", messages);
    }

    private Map<String, Object> receivedAnswer(AccountContext account, ReceivedMessage message, Set<String> systemNames,
            List<String> attributeNames) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("MessageId", message.messageId());
        answer.put("ReceiptHandle", message.receiptHandle());
        answer.put("MD5OfBody", MessageDigests.ofBody(message.body()));
        answer.put("Body", message.body());
        Map<String, Object> system = new LinkedHashMap<>();
        boolean all = systemNames.contains("All");
        putIf(system, all, systemNames, "SenderId", account.accountId());
        putIf(system, all, systemNames, "SentTimestamp", String.valueOf(message.sentAt().toEpochMilli()));
        putIf(system, all, systemNames, "ApproximateReceiveCount", String.valueOf(message.receiveCount()));
        putIf(system, all, systemNames, "ApproximateFirstReceiveTimestamp", String.valueOf(message.firstReceivedAt().toEpochMilli()));
        message.sequenceNumber().ifPresent(value -> putIf(system, all, systemNames, "SequenceNumber", value));
        message.deduplicationId().ifPresent(value -> putIf(system, all, systemNames, "MessageDeduplicationId", value));
        message.groupId().ifPresent(value -> putIf(system, all, systemNames, "MessageGroupId", value));
        message.traceHeader().ifPresent(value -> putIf(system, all, systemNames, "AWSTraceHeader", value));
        message.deadLetterSourceQueue().ifPresent(value -> putIf(system, all, systemNames, "DeadLetterQueueSourceArn",
                queueArn(account, value)));
        if (!system.isEmpty()) {
            answer.put("Attributes", system);
        }
        Map<String, MessageAttribute> selected = new LinkedHashMap<>();
        message.attributes().forEach((attributeName, value) -> {
            if (wanted(attributeName, attributeNames)) {
                selected.put(attributeName, value);
            }
        });
        if (!selected.isEmpty()) {
            answer.put("MD5OfMessageAttributes", MessageDigests.ofAttributes(selected));
            Map<String, Object> shown = new LinkedHashMap<>();
            selected.forEach((attributeName, value) -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                if (value.isBinary()) {
                    fields.put("BinaryValue", Base64.getEncoder().encodeToString(value.binaryValue()));
                } else {
                    fields.put("StringValue", value.stringValue());
                }
                fields.put("DataType", value.dataType());
                shown.put(attributeName, fields);
            });
            answer.put("MessageAttributes", shown);
        }
        return answer;
    }

    private static void putIf(Map<String, Object> system, boolean all, Set<String> names, String name, String value) {
        if (all || names.contains(name)) {
            system.put(name, value);
        }
    }

    private static boolean wanted(String name, List<String> requested) {
        for (String pattern : requested) {
            if (pattern.equals("All") || pattern.equals(".*") || pattern.equals(name)
                    || (pattern.endsWith(".*") && name.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Object> deleteMessage(Call call) {
        String name = call.queueName();
        call.queues().delete(name, call.requiredString("ReceiptHandle"));
        return Map.of();
    }

    private Map<String, Object> deleteMessageBatch(Call call) {
        String name = call.queueName();
        MessageQueues queues = call.queues();
        queues.queue(name).orElseThrow(SqsError::queueDoesNotExist);
        List<Map<String, Object>> successful = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        List<JsonNode> entries = batchEntries(call, "DeleteMessageBatchRequestEntry");
        List<Optional<MessageQueueException>> outcomes = queues.deleteAll(name,
                entries.stream().map(entry -> entry.path("ReceiptHandle").asText("")).toList());
        for (int i = 0; i < entries.size(); i++) {
            String id = entries.get(i).path("Id").asText();
            if (outcomes.get(i).isPresent()) {
                failed.add(failure(id, translate(outcomes.get(i).get())));
            } else {
                successful.add(Map.of("Id", id));
            }
        }
        return batchAnswer(successful, failed);
    }

    private Map<String, Object> changeMessageVisibility(Call call) {
        String name = call.queueName();
        String handle = call.requiredString("ReceiptHandle");
        int timeout = call.integer("VisibilityTimeout").orElseThrow(() -> SqsError.missingParameter("VisibilityTimeout"));
        checkVisibility(timeout);
        call.queues().changeVisibility(name, handle, Duration.ofSeconds(timeout));
        return Map.of();
    }

    private static void checkVisibility(long timeout) {
        if (timeout < 0 || timeout > 43_200) {
            throw SqsError.invalidParameter("VisibilityTimeout", timeout,
                    "VisibilityTimeout must be an integer between 0 and 43200");
        }
    }

    private Map<String, Object> changeMessageVisibilityBatch(Call call) {
        String name = call.queueName();
        MessageQueues queues = call.queues();
        queues.queue(name).orElseThrow(SqsError::queueDoesNotExist);
        List<Map<String, Object>> successful = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (JsonNode entry : batchEntries(call, "ChangeMessageVisibilityBatchRequestEntry")) {
            String id = entry.path("Id").asText();
            try {
                long timeout = entry.hasNonNull("VisibilityTimeout") ? integer(entry.get("VisibilityTimeout"), "VisibilityTimeout") : 0;
                checkVisibility(timeout);
                queues.changeVisibility(name, entry.path("ReceiptHandle").asText(""), Duration.ofSeconds(timeout));
                successful.add(Map.of("Id", id));
            } catch (MessageQueueException e) {
                failed.add(failure(id, translate(e)));
            } catch (SqsError e) {
                failed.add(failure(id, e));
            }
        }
        return batchAnswer(successful, failed);
    }

    // ---- names, URLs and ARNs

    private String queueUrl(AccountContext account, String name) {
        return publicUrl.get() + "/" + account.accountId() + "/" + name;
    }

    private static String queueArn(AccountContext account, String name) {
        return "arn:aws:sqs:" + account.region() + ":" + account.accountId() + ":" + name;
    }

    /** Records now for {@code key}, forgetting entries older than {@code relevance} (so the map stays small). */
    private void remember(Map<String, Instant> times, String key, Duration relevance) {
        Instant now = clock.instant();
        times.values().removeIf(at -> at.plus(relevance).isBefore(now));
        times.put(key, now);
    }

    private static String key(AccountContext account, String name) {
        return account.region() + "/" + account.accountId() + "/" + name;
    }

    /** The caller's queue that an ARN names (same region and account), if it exists. */
    private static Optional<QueueDescription> queueOfArn(Call call, String arn) {
        String prefix = "arn:aws:sqs:" + call.account().region() + ":" + call.account().accountId() + ":";
        return arn.startsWith(prefix) ? call.queues().queue(arn.substring(prefix.length())) : Optional.empty();
    }

    private static SqsError translate(MessageQueueException e) {
        return switch (e.kind()) {
            case QUEUE_DOES_NOT_EXIST -> SqsError.queueDoesNotExist();
            case QUEUE_NAME_EXISTS -> SqsError.queueNameExists(e.getMessage());
            case RECEIPT_HANDLE_INVALID -> SqsError.receiptHandleIsInvalid(e.getMessage());
            case RECEIPT_HANDLE_STALE, INVALID_MESSAGE -> SqsError.invalidParameterValue(e.getMessage());
            case MESSAGE_NOT_IN_FLIGHT -> SqsError.messageNotInflight();
            case STORAGE_FAILURE -> SqsError.internal("Hearth's queue store failed; the server log has the details.");
        };
    }

    // ---- protocols

    private static JsonNode readJson(byte[] body) {
        if (body.length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw SqsError.malformedRequest("The request body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw SqsError.malformedRequest("The request body is not valid JSON.");
        }
    }

    /** The query protocol's parameters: the URL's, then the form body's (first value of each name). */
    private static Map<String, String> queryParameters(ApiRequest request) {
        Map<String, String> parameters = new LinkedHashMap<>();
        request.query().forEach((name, values) -> {
            if (!values.isEmpty()) {
                parameters.put(name, values.getFirst());
            }
        });
        if (request.body().length > 0) {
            for (String pair : new String(request.body(), StandardCharsets.UTF_8).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    parameters.putIfAbsent(name, value);
                } catch (IllegalArgumentException e) {
                    throw SqsError.malformedRequest("The request body is not a valid form: " + e.getMessage());
                }
            }
        }
        return parameters;
    }

    private static ApiResponse jsonAnswer(int status, Map<String, Object> body, Map<String, String> headers) {
        try {
            return new ApiResponse(status, headers, JSON.writeValueAsBytes(body), JSON_CONTENT_TYPE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiResponse xmlAnswer(int status, String xml) {
        return new ApiResponse(status, Map.of(), xml.getBytes(StandardCharsets.UTF_8), "text/xml");
    }

    private static ApiResponse error(boolean json, SqsError error, String requestId) {
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("__type", "com.amazonaws.sqs#" + error.shape());
            body.put("message", error.getMessage());
            return jsonAnswer(error.status(), body, Map.of("x-amzn-query-error",
                    error.queryCode() + ";" + (error.senderFault() ? "Sender" : "Receiver")));
        }
        return xmlAnswer(error.status(), XmlAnswer.error(error, requestId));
    }

    static long integer(JsonNode node, String name) {
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        try {
            return Long.parseLong(node.asText().trim());
        } catch (NumberFormatException e) {
            throw SqsError.invalidParameter(name, node.asText(), "Must be an integer.");
        }
    }

    private static Optional<String> text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() || value.asText().isEmpty() ? Optional.empty() : Optional.of(value.asText());
    }

    /** One request: who calls, in which account and region, and its parameters as a JSON tree. */
    private final class Call {
        private final ApiRequest request;
        private final JsonNode input;

        Call(ApiRequest request, JsonNode input) {
            this.request = request;
            this.input = input;
        }

        JsonNode input() {
            return input;
        }

        AccountContext account() {
            return request.caller();
        }

        MessageQueues queues() {
            return queuesOf.apply(request.caller());
        }

        Optional<String> string(String name) {
            return text(input, name);
        }

        String requiredString(String name) {
            return string(name).orElseThrow(() -> SqsError.missingParameter(name));
        }

        Optional<Integer> integer(String name) {
            JsonNode value = input.get(name);
            if (value == null || value.isNull() || value.asText().isEmpty()) {
                return Optional.empty();
            }
            long parsed = SqsApi.integer(value, name);
            if (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
                throw SqsError.invalidParameter(name, parsed, "Must be an integer.");
            }
            return Optional.of((int) parsed);
        }

        List<String> strings(String name) {
            List<String> values = new ArrayList<>();
            input.path(name).forEach(value -> values.add(value.asText()));
            return values;
        }

        Map<String, String> stringMap(String name) {
            Map<String, String> values = new LinkedHashMap<>();
            JsonNode node = input.path(name);
            if (node.isObject()) {
                node.properties().forEach(entry -> values.put(entry.getKey(), entry.getValue().asText()));
            }
            return values;
        }

        /**
         * The name of the queue the request addresses: its {@code QueueUrl} (whose path is {@code
         * /<account>/<name>}), else the path it was sent to. A queue of another account is one the
         * caller has none of.
         */
        String queueName() {
            Optional<String> url = string("QueueUrl");
            String account;
            String name;
            if (url.isPresent()) {
                String path;
                try {
                    path = URI.create(url.get().trim()).getPath();
                } catch (IllegalArgumentException e) {
                    throw SqsError.queueDoesNotExist();
                }
                String[] segments = path == null ? new String[0] : path.replaceAll("^/+|/+$", "").split("/");
                if (segments.length < 2) {
                    throw SqsError.queueDoesNotExist();
                }
                account = segments[segments.length - 2];
                name = segments[segments.length - 1];
            } else if (request.pathParameters().containsKey("QueueName")) {
                account = request.path("AccountId");
                name = request.path("QueueName");
            } else {
                throw SqsError.missingParameter("QueueUrl");
            }
            if (!account.equals(request.caller().accountId())) {
                throw SqsError.queueDoesNotExist();
            }
            return name;
        }
    }
}
