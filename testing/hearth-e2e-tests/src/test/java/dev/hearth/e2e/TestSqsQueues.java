package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageNotInflightException;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Hearth's SQS-compatible queues driven by real clients of both wire protocols: the AWS SDK for Java
 * v2 and boto3 1.43 (AWS JSON 1.0), the AWS CLI v2 of Debian 12 and Debian's boto3 1.26 (query/XML).
 * The SDKs verify the MD5 digests of bodies and attributes themselves; a wrong digest fails the call.
 * And a real server process killed with SIGKILL keeps every message it acknowledged.
 */
final class TestSqsQueues {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HearthTestServer server;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        server = HearthTestServer.start();
        sqs = client(server.endpoint());
    }

    @AfterAll
    static void stop() throws Exception {
        sqs.close();
        server.close();
    }

    static SqsClient client(String endpoint) {
        return SqsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @Test
    void sdkSendsAndReceivesWithAttributesAndSeesQueueState() {
        String url = sqs.createQueue(b -> b.queueName("sdk-basic").tags(Map.of("team", "core"))).queueUrl();
        assertThat(url).isEqualTo(server.endpoint() + "/000000000000/sdk-basic");
        assertThat(sqs.getQueueUrl(b -> b.queueName("sdk-basic")).queueUrl()).isEqualTo(url);
        SendMessageResponse sent = sqs.sendMessage(b -> b.queueUrl(url).messageBody("héllo <world> & \"you\"")
                .messageAttributes(Map.of("colour", MessageAttributeValue.builder().dataType("String").stringValue("blue").build(),
                        "size", MessageAttributeValue.builder().dataType("Number").stringValue("42").build(),
                        "raw", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromByteArray(new byte[] {0, 1, 2}))
                                .build())));
        assertThat(sent.md5OfMessageAttributes()).isNotBlank();
        Map<String, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributesAsStrings();
        assertThat(attributes).containsEntry("ApproximateNumberOfMessages", "1")
                .containsEntry("QueueArn", "arn:aws:sqs:us-east-1:000000000000:sdk-basic")
                .containsEntry("VisibilityTimeout", "30").containsKey("CreatedTimestamp");
        ReceiveMessageResponse received = sqs.receiveMessage(b -> b.queueUrl(url).messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL));
        Message message = received.messages().getFirst();
        assertThat(message.messageId()).isEqualTo(sent.messageId());
        assertThat(message.body()).isEqualTo("héllo <world> & \"you\"");
        assertThat(message.messageAttributes().get("raw").binaryValue().asByteArray()).containsExactly(0, 1, 2);
        assertThat(message.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "1").containsKey("SentTimestamp");
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributesAsStrings()).containsEntry("ApproximateNumberOfMessagesNotVisible", "1");
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
        assertThat(sqs.listQueueTags(b -> b.queueUrl(url)).tags()).containsEntry("team", "core");
        sqs.tagQueue(b -> b.queueUrl(url).tags(Map.of("env", "test")));
        sqs.untagQueue(b -> b.queueUrl(url).tagKeys("team"));
        assertThat(sqs.listQueueTags(b -> b.queueUrl(url)).tags()).containsExactly(Map.entry("env", "test"));
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of("DelaySeconds", "5")));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.DELAY_SECONDS)).attributesAsStrings())
                .containsExactly(Map.entry("DelaySeconds", "5"));
    }

    @Test
    void aLongPollIsWokenByASend() throws Exception {
        String url = sqs.createQueue(b -> b.queueName("sdk-long-poll")).queueUrl();
        long started = System.nanoTime();
        CompletableFuture<ReceiveMessageResponse> waiting = CompletableFuture.supplyAsync(
                () -> sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(20)));
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - started > TimeUnit.SECONDS.toNanos(1));
        assertThat(waiting).isNotDone();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("wake up"));
        ReceiveMessageResponse response = waiting.get(30, TimeUnit.SECONDS);
        assertThat(response.messages()).extracting(Message::body).containsExactly("wake up");
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(19));
        // an empty long poll ends after its wait time with no messages
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages()).isEmpty();
    }

    @Test
    void anUndeletedMessageReappearsAfterItsVisibilityTimeoutAndMovesToTheDeadLetterQueue() {
        String dlq = sqs.createQueue(b -> b.queueName("sdk-dlq")).queueUrl();
        String url = sqs.createQueue(b -> b.queueName("sdk-source").attributesWithStrings(Map.of("RedrivePolicy",
                "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:sdk-dlq\",\"maxReceiveCount\":\"2\"}"))).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("poison"));
        Message first = sqs.receiveMessage(b -> b.queueUrl(url).visibilityTimeout(1)).messages().getFirst();
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
        List<Message> second = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            second.addAll(sqs.receiveMessage(b -> b.queueUrl(url).visibilityTimeout(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages());
            return !second.isEmpty();
        });
        assertThat(second.getFirst().messageId()).isEqualTo(first.messageId());
        assertThat(second.getFirst().attributesAsStrings()).containsEntry("ApproximateReceiveCount", "2");
        assertThatThrownBy(() -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle("not-a-receipt-handle")))
                .isInstanceOf(ReceiptHandleIsInvalidException.class);
        List<Message> dead = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
            dead.addAll(sqs.receiveMessage(b -> b.queueUrl(dlq).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
            return !dead.isEmpty();
        });
        assertThat(dead.getFirst().body()).isEqualTo("poison");
        assertThat(dead.getFirst().attributesAsStrings()).containsEntry("DeadLetterQueueSourceArn",
                "arn:aws:sqs:us-east-1:000000000000:sdk-source");
        assertThat(sqs.listDeadLetterSourceQueues(b -> b.queueUrl(dlq)).queueUrls()).containsExactly(url);
        // the message is in flight in the DLQ: a visibility change works, a second "release" does not
        sqs.changeMessageVisibility(b -> b.queueUrl(dlq).receiptHandle(dead.getFirst().receiptHandle()).visibilityTimeout(0));
        assertThatThrownBy(() -> sqs.changeMessageVisibility(b -> b.queueUrl(dlq).receiptHandle(dead.getFirst().receiptHandle())
                .visibilityTimeout(10))).isInstanceOf(MessageNotInflightException.class);
    }

    @Test
    void fifoKeepsGroupOrderAndDeduplicates() {
        String url = sqs.createQueue(b -> b.queueName("sdk-orders.fifo").attributesWithStrings(Map.of("FifoQueue", "true",
                "ContentBasedDeduplication", "true"))).queueUrl();
        List<String> sequence = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            for (String group : List.of("a", "b")) {
                String body = group + i;
                sequence.add(sqs.sendMessage(b -> b.queueUrl(url).messageBody(body).messageGroupId(group)).sequenceNumber());
            }
        }
        assertThat(sequence).doesNotContainNull().isSorted();
        SendMessageResponse duplicate = sqs.sendMessage(b -> b.queueUrl(url).messageBody("a0").messageGroupId("a"));
        assertThat(duplicate.sequenceNumber()).isEqualTo(sequence.getFirst());
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        while (a.size() + b.size() < 10) {
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(3)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
            assertThat(got).isNotEmpty();
            for (Message m : got) {
                (m.attributesAsStrings().get("MessageGroupId").equals("a") ? a : b).add(m.body());
                sqs.deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        assertThat(a).containsExactly("a0", "a1", "a2", "a3", "a4");
        assertThat(b).containsExactly("b0", "b1", "b2", "b3", "b4");
        assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(url).messageBody("no group")))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MissingParameter"));
    }

    @Test
    void batchesReportEachEntry() {
        String url = sqs.createQueue(b -> b.queueName("sdk-batch")).queueUrl();
        SendMessageBatchResponse sent = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
                IntStream.range(0, 10).mapToObj(i -> SendMessageBatchRequestEntry.builder().id("m" + i).messageBody("body " + i)
                        .messageAttributes(Map.of("n", MessageAttributeValue.builder().dataType("Number").stringValue("" + i).build()))
                        .build()).toList()));
        assertThat(sent.successful()).hasSize(10);
        assertThat(sent.failed()).isEmpty();
        List<Message> received = new ArrayList<>();
        while (received.size() < 10) {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).messageAttributeNames("n")).messages());
        }
        assertThat(received).extracting(Message::body).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 10).mapToObj(i -> "body " + i).toList());
        sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(ChangeMessageVisibilityBatchRequestEntry.builder().id("c")
                .receiptHandle(received.getFirst().receiptHandle()).visibilityTimeout(60).build()));
        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            deletes.add(DeleteMessageBatchRequestEntry.builder().id("d" + i).receiptHandle(received.get(i).receiptHandle()).build());
        }
        deletes.add(DeleteMessageBatchRequestEntry.builder().id("bad").receiptHandle("garbage").build());
        DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(deletes));
        assertThat(deleted.successful()).hasSize(9);
        assertThat(deleted.failed()).extracting(BatchResultErrorEntry::id, BatchResultErrorEntry::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("bad", "ReceiptHandleIsInvalid"));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributesAsStrings()).containsEntry("ApproximateNumberOfMessagesNotVisible", "1");
        sqs.purgeQueue(b -> b.queueUrl(url));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributesAsStrings())
                .containsEntry("ApproximateNumberOfMessages", "0").containsEntry("ApproximateNumberOfMessagesNotVisible", "0");
        assertThatThrownBy(() -> sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
                SendMessageBatchRequestEntry.builder().id("x").messageBody("1").build(),
                SendMessageBatchRequestEntry.builder().id("x").messageBody("2").build())))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("AWS.SimpleQueueService.BatchEntryIdsNotDistinct"));
    }

    @Test
    void sdkErrorsAndListing() {
        assertThatThrownBy(() -> sqs.getQueueUrl(b -> b.queueName("no-such-queue")))
                .isInstanceOfSatisfying(QueueDoesNotExistException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The specified queue does not exist.");
                });
        sqs.createQueue(b -> b.queueName("sdk-list-1"));
        sqs.createQueue(b -> b.queueName("sdk-list-2"));
        sqs.createQueue(b -> b.queueName("sdk-list-3"));
        assertThatThrownBy(() -> sqs.createQueue(b -> b.queueName("sdk-list-1").attributesWithStrings(Map.of("VisibilityTimeout", "5"))))
                .isInstanceOf(QueueNameExistsException.class);
        assertThatThrownBy(() -> sqs.createQueue(b -> b.queueName("bad name!")))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> sqs.createQueue(b -> b.queueName("sdk-bad-attribute").attributesWithStrings(Map.of("VisibilityTimeout", "99999"))))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAttributeValue"));
        var first = sqs.listQueues(b -> b.queueNamePrefix("sdk-list-").maxResults(2));
        assertThat(first.queueUrls()).hasSize(2);
        var second = sqs.listQueues(b -> b.queueNamePrefix("sdk-list-").maxResults(2).nextToken(first.nextToken()));
        assertThat(second.queueUrls()).containsExactly(server.endpoint() + "/000000000000/sdk-list-3");
        assertThat(second.nextToken()).isNull();
        String url = sqs.getQueueUrl(b -> b.queueName("sdk-list-3")).queueUrl();
        sqs.deleteQueue(b -> b.queueUrl(url));
        assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x"))).isInstanceOf(QueueDoesNotExistException.class);
    }

    @Test
    void awsCliSpeaksTheQueryProtocol() throws Exception {
        AwsCli cli = new AwsCli(server.endpoint(), "test-key", "test-secret");
        AwsCli.Result created = cli.run("sqs", "create-queue", "--queue-name", "cli-queue", "--attributes", "VisibilityTimeout=45");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        String url = JSON.readTree(created.stdout()).get("QueueUrl").asText();
        assertThat(url).isEqualTo(server.endpoint() + "/000000000000/cli-queue");
        AwsCli.Result sent = cli.run("sqs", "send-message", "--queue-url", url, "--message-body", "from the cli & <xml>",
                "--message-attributes", "{\"kind\":{\"DataType\":\"String\",\"StringValue\":\"test\"}}");
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        JsonNode sentJson = JSON.readTree(sent.stdout());
        assertThat(sentJson.get("MessageId").asText()).isNotBlank();
        AwsCli.Result batch = cli.run("sqs", "send-message-batch", "--queue-url", url, "--entries",
                "[{\"Id\":\"one\",\"MessageBody\":\"1\"},{\"Id\":\"two\",\"MessageBody\":\"2\"}]");
        assertThat(batch.exitCode()).as(batch.stderr()).isZero();
        assertThat(JSON.readTree(batch.stdout()).get("Successful")).hasSize(2);
        AwsCli.Result attributes = cli.run("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All");
        assertThat(attributes.exitCode()).as(attributes.stderr()).isZero();
        JsonNode attributesJson = JSON.readTree(attributes.stdout()).get("Attributes");
        assertThat(attributesJson.get("ApproximateNumberOfMessages").asText()).isEqualTo("3");
        assertThat(attributesJson.get("VisibilityTimeout").asText()).isEqualTo("45");
        Set<String> bodies = new HashSet<>();
        for (int round = 0; round < 10 && bodies.size() < 3; round++) {
            AwsCli.Result received = cli.run("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10",
                    "--message-attribute-names", "All", "--attribute-names", "All", "--wait-time-seconds", "1");
            assertThat(received.exitCode()).as(received.stderr()).isZero();
            if (received.stdout().isBlank()) {
                continue;
            }
            for (JsonNode message : JSON.readTree(received.stdout()).path("Messages")) {
                bodies.add(message.get("Body").asText());
                if (message.get("Body").asText().startsWith("from")) {
                    assertThat(message.at("/MessageAttributes/kind/StringValue").asText()).isEqualTo("test");
                    assertThat(message.at("/Attributes/ApproximateReceiveCount").asText()).isEqualTo("1");
                }
                AwsCli.Result deleted = cli.run("sqs", "delete-message", "--queue-url", url, "--receipt-handle",
                        message.get("ReceiptHandle").asText());
                assertThat(deleted.exitCode()).as(deleted.stderr()).isZero();
            }
        }
        assertThat(bodies).containsExactlyInAnyOrder("from the cli & <xml>", "1", "2");
        AwsCli.Result listed = cli.run("sqs", "list-queues", "--queue-name-prefix", "cli-");
        assertThat(JSON.readTree(listed.stdout()).get("QueueUrls")).extracting(JsonNode::asText).containsExactly(url);
        AwsCli.Result missing = cli.run("sqs", "get-queue-url", "--queue-name", "cli-missing");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("AWS.SimpleQueueService.NonExistentQueue")
                .contains("The specified queue does not exist");
    }

    /** The same script for boto3 1.43 (JSON protocol) and Debian's boto3 1.26 (query protocol). */
    private static final String BOTO3_SCRIPT = """
            import os, boto3, botocore
            sqs = boto3.client('sqs', endpoint_url=os.environ['HEARTH'], region_name='us-east-1',
                               aws_access_key_id='test-key', aws_secret_access_key='test-secret')
            name = os.environ.get('QUEUE', 'x')
            url = sqs.create_queue(QueueName=name)['QueueUrl']
            sqs.send_message(QueueUrl=url, MessageBody='hello\\r\\nworld',
                             MessageAttributes={'n': {'DataType': 'Number', 'StringValue': '7'},
                                                'b': {'DataType': 'Binary', 'BinaryValue': b'\\x00\\xff'}})
            sqs.send_message_batch(QueueUrl=url, Entries=[{'Id': 'a', 'MessageBody': 'A'}, {'Id': 'b', 'MessageBody': 'B'}])
            seen = {}
            for _ in range(10):
                got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=['All'],
                                          AttributeNames=['All'], WaitTimeSeconds=1).get('Messages', [])
                for m in got:
                    seen[m['Body']] = m
                if len(seen) == 3:
                    break
            assert sorted(seen) == ['A', 'B', 'hello\\r\\nworld'], sorted(seen)
            m = seen['hello\\r\\nworld']
            assert m['MessageAttributes']['b']['BinaryValue'] == b'\\x00\\xff', m
            assert m['MessageAttributes']['n']['StringValue'] == '7', m
            result = sqs.delete_message_batch(QueueUrl=url, Entries=[{'Id': str(i), 'ReceiptHandle': x['ReceiptHandle']}
                                                                    for i, x in enumerate(seen.values())])
            assert len(result['Successful']) == 3, result
            fifo = sqs.create_queue(QueueName=name + '.fifo', Attributes={'FifoQueue': 'true'})['QueueUrl']
            first = sqs.send_message(QueueUrl=fifo, MessageBody='1', MessageGroupId='g', MessageDeduplicationId='d1')
            again = sqs.send_message(QueueUrl=fifo, MessageBody='1', MessageGroupId='g', MessageDeduplicationId='d1')
            assert first['MessageId'] == again['MessageId'], (first, again)
            sqs.send_message(QueueUrl=fifo, MessageBody='2', MessageGroupId='g', MessageDeduplicationId='d2')
            got = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)['Messages']
            assert [x['Body'] for x in got] == ['1', '2'], got
            try:
                sqs.get_queue_url(QueueName='does-not-exist')
                raise AssertionError('no error')
            except botocore.exceptions.ClientError as e:
                print(e.response['Error']['Code'])
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['All'])['Attributes']
            print(attributes['QueueArn'])
            """;

    @Test
    void boto3OfBothProtocols() throws Exception {
        String json = Boto3.run(server.endpoint(), "import os\nos.environ['QUEUE'] = 'boto3-json'\n" + BOTO3_SCRIPT);
        assertThat(json.lines().toList()).containsExactly("AWS.SimpleQueueService.NonExistentQueue",
                "arn:aws:sqs:us-east-1:000000000000:boto3-json");
        String query = Boto3.run(Boto3.DEBIAN_PYTHON, server.endpoint(), "import os\nos.environ['QUEUE'] = 'boto3-query'\n" + BOTO3_SCRIPT);
        assertThat(query.lines().toList()).containsExactly("AWS.SimpleQueueService.NonExistentQueue",
                "arn:aws:sqs:us-east-1:000000000000:boto3-query");
    }

    @Test
    void acknowledgedMessagesSurviveSigkill() throws Exception {
        Path data = Files.createTempDirectory("hearth-sqs-crash");
        int count = 300;
        Set<String> acknowledged = new HashSet<>();
        try (HearthProcess first = HearthProcess.start(data, "--sandbox", "process");
                SqsClient client = client(first.awaitEndpoint())) {
            String url = client.createQueue(b -> b.queueName("durable")).queueUrl();
            for (int i = 0; i < count; i += 10) {
                int from = i;
                SendMessageBatchResponse sent = client.sendMessageBatch(b -> b.queueUrl(url).entries(IntStream.range(from, from + 10)
                        .mapToObj(n -> SendMessageBatchRequestEntry.builder().id("m" + n).messageBody("message " + n).build()).toList()));
                sent.successful().forEach(entry -> acknowledged.add("message " + entry.id().substring(1)));
            }
            first.kill();
        }
        assertThat(acknowledged).hasSize(count);
        try (HearthProcess second = HearthProcess.start(data, "--sandbox", "process");
                SqsClient client = client(second.awaitEndpoint())) {
            String url = client.getQueueUrl(b -> b.queueName("durable")).queueUrl();
            Set<String> found = new HashSet<>();
            while (true) {
                List<Message> got = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages();
                if (got.isEmpty()) {
                    break;
                }
                got.forEach(m -> found.add(m.body()));
            }
            assertThat(found).containsExactlyInAnyOrderElementsOf(acknowledged);
            second.terminate();
        }
    }
}
