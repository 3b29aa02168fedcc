package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.Environment;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Event source mappings of Hearth's own SQS-compatible queues, driven by the AWS SDK for Java v2 and
 * the AWS CLI v2: a python function (process backend) that fails the records whose body says so,
 * answering with ReportBatchItemFailures, gets every other message exactly once, while the failed
 * ones reach the queue's dead-letter queue after its maxReceiveCount; disabling stops delivery and
 * enabling resumes it; Lambda's shapes and errors.
 */
@Timeout(900)
final class TestEventSourceMappings {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofMinutes(5);
    /** Writes one file per delivered record (body.uuid) and reports the "fail" ones as failed. */
    private static final String HANDLER = """
            import os, uuid

            def handler(event, context):
                failures = []
                for record in event["Records"]:
                    body = record["body"]
                    if body.startswith("fail"):
                        failures.append({"itemIdentifier": record["messageId"]})
                        continue
                    with open(os.path.join(os.environ["OUT_DIR"], body + "." + uuid.uuid4().hex), "w") as f:
                        f.write(record["eventSourceARN"])
                return {"batchItemFailures": failures}
            """;

    private static HearthTestServer server;
    private static LambdaClient lambda;
    private static SqsClient sqs;
    private static AwsCli aws;
    private static Path out;

    @BeforeAll
    static void start() throws Exception {
        out = AsyncFunctions.outputDirectory();
        server = HearthTestServer.start(Optional.empty(), c -> c.withSandbox(Optional.of("process")));
        lambda = server.client();
        sqs = TestSqsQueues.client(server.endpoint());
        aws = new AwsCli(server.endpoint(), "cli-key", "cli-secret");
        lambda.createFunction(pythonFunction("consumer", pythonZip(HANDLER)).timeout(60)
                .environment(Environment.builder().variables(Map.of("OUT_DIR", out.toString())).build()).build());
    }

    @AfterAll
    static void stop() throws Exception {
        sqs.close();
        lambda.close();
        server.close();
    }

    @Test
    void everyGoodMessageOnceAndTheFailedOnesInTheDeadLetterQueue() {
        String dlq = sqs.createQueue(b -> b.queueName("esm-dlq")).queueUrl();
        String work = sqs.createQueue(b -> b.queueName("esm-work").attributesWithStrings(Map.of(
                "VisibilityTimeout", "20",
                "RedrivePolicy", "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:esm-dlq\",\"maxReceiveCount\":\"2\"}")))
                .queueUrl();
        String queueArn = "arn:aws:sqs:us-east-1:000000000000:esm-work";
        CreateEventSourceMappingResponse created = lambda.createEventSourceMapping(b -> b.functionName("consumer")
                .eventSourceArn(queueArn).batchSize(10).functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
                .scalingConfig(s -> s.maximumConcurrency(3)));
        assertThat(created.state()).isEqualTo("Creating");
        assertThat(created.uuid()).isNotBlank();
        assertThat(created.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:consumer");
        assertThat(created.eventSourceArn()).isEqualTo(queueArn);
        assertThat(created.batchSize()).isEqualTo(10);
        assertThat(created.maximumBatchingWindowInSeconds()).isZero();
        assertThat(created.functionResponseTypes()).containsExactly(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
        assertThat(created.scalingConfig().maximumConcurrency()).isEqualTo(3);
        assertThat(created.lastProcessingResult()).isEqualTo("No records processed");
        assertThat(created.stateTransitionReason()).isEqualTo("USER_INITIATED");
        assertThat(created.lastModified()).isNotNull();
        assertThat(created.eventSourceMappingArn())
                .isEqualTo("arn:aws:lambda:us-east-1:000000000000:event-source-mapping:" + created.uuid());

        List<String> bodies = IntStream.range(0, 200).mapToObj(i -> i % 20 == 7 ? "fail-" + i : "good-" + i).toList();
        for (int i = 0; i < bodies.size(); i += 10) {
            List<SendMessageBatchRequestEntry> entries = bodies.subList(i, i + 10).stream()
                    .map(body -> SendMessageBatchRequestEntry.builder().id(body).messageBody(body).build()).toList();
            sqs.sendMessageBatch(b -> b.queueUrl(work).entries(entries));
        }

        await().atMost(LIMIT).until(() -> delivered().size() == 190);
        await().atMost(LIMIT).until(() -> approximateCount(dlq) == 10);
        await().atMost(LIMIT).until(() -> approximateCount(work) == 0);
        Map<String, Integer> deliveries = delivered();
        assertThat(deliveries.keySet()).allMatch(body -> body.startsWith("good-"));
        assertThat(deliveries.values()).allMatch(count -> count == 1);
        assertThat(lambda.getEventSourceMapping(b -> b.uuid(created.uuid())).state()).isEqualTo("Enabled");
        List<String> dead = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10)).messages().stream()
                .map(m -> m.body()).toList();
        assertThat(dead).allMatch(body -> body.startsWith("fail-"));

        // disabled: nothing is delivered; enabled again: it is
        assertThat(lambda.updateEventSourceMapping(b -> b.uuid(created.uuid()).enabled(false)).state()).isEqualTo("Disabling");
        assertThat(lambda.getEventSourceMapping(b -> b.uuid(created.uuid())).state()).isEqualTo("Disabled");
        sqs.sendMessage(b -> b.queueUrl(work).messageBody("good-after-disable"));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> approximateCount(work) == 1);
        assertThat(delivered()).doesNotContainKey("good-after-disable");
        assertThat(lambda.updateEventSourceMapping(b -> b.uuid(created.uuid()).enabled(true)).state()).isEqualTo("Enabling");
        await().atMost(LIMIT).until(() -> delivered().containsKey("good-after-disable"));

        assertThat(lambda.deleteEventSourceMapping(b -> b.uuid(created.uuid())).state()).isEqualTo("Deleting");
        assertThatThrownBy(() -> lambda.getEventSourceMapping(b -> b.uuid(created.uuid())))
                .isInstanceOfSatisfying(ResourceNotFoundException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The resource you requested does not exist."));
    }

    @Test
    void theCliSeesLambdasShapesAndErrors() throws Exception {
        sqs.createQueue(b -> b.queueName("esm-cli"));
        String queueArn = "arn:aws:sqs:us-east-1:000000000000:esm-cli";
        JsonNode created = JSON.readTree(ok(aws.run("lambda", "create-event-source-mapping", "--function-name", "consumer",
                "--event-source-arn", queueArn, "--batch-size", "100", "--maximum-batching-window-in-seconds", "5",
                "--no-enabled", "--filter-criteria", "{\"Filters\":[{\"Pattern\":\"{\\\"body\\\":{\\\"kind\\\":[\\\"a\\\"]}}\"}]}")));
        String uuid = created.path("UUID").asText();
        assertThat(created.path("BatchSize").asInt()).isEqualTo(100);
        assertThat(created.path("MaximumBatchingWindowInSeconds").asInt()).isEqualTo(5);
        assertThat(created.path("FilterCriteria").path("Filters").get(0).path("Pattern").asText())
                .isEqualTo("{\"body\":{\"kind\":[\"a\"]}}");

        JsonNode got = JSON.readTree(ok(aws.run("lambda", "get-event-source-mapping", "--uuid", uuid)));
        assertThat(got.path("State").asText()).isEqualTo("Disabled");
        JsonNode listed = JSON.readTree(ok(aws.run("lambda", "list-event-source-mappings", "--event-source-arn", queueArn)));
        assertThat(listed.path("EventSourceMappings")).hasSize(1);
        assertThat(listed.path("EventSourceMappings").get(0).path("UUID").asText()).isEqualTo(uuid);
        JsonNode byFunction = JSON.readTree(ok(aws.run("lambda", "list-event-source-mappings", "--function-name", "consumer")));
        assertThat(byFunction.path("EventSourceMappings").size()).isGreaterThanOrEqualTo(1);

        AwsCli.Result duplicate = aws.run("lambda", "create-event-source-mapping", "--function-name", "consumer",
                "--event-source-arn", queueArn);
        assertThat(duplicate.stderr()).contains("(ResourceConflictException)")
                .contains("An event source mapping with SQS arn (\" " + queueArn + " \") and function (\" consumer \") already exists."
                        + " Please update or delete the existing mapping with UUID " + uuid);
        AwsCli.Result noQueue = aws.run("lambda", "create-event-source-mapping", "--function-name", "consumer",
                "--event-source-arn", "arn:aws:sqs:us-east-1:000000000000:no-such-queue");
        assertThat(noQueue.stderr()).contains("(InvalidParameterValueException)").contains(
                "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue."
                        + " SQS Error Message: The specified queue does not exist or you do not have access to it.");
        AwsCli.Result noFunction = aws.run("lambda", "create-event-source-mapping", "--function-name", "nobody",
                "--event-source-arn", queueArn);
        assertThat(noFunction.stderr()).contains("(ResourceNotFoundException)")
                .contains("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody");
        AwsCli.Result noWindow = aws.run("lambda", "update-event-source-mapping", "--uuid", uuid,
                "--maximum-batching-window-in-seconds", "0");
        assertThat(noWindow.stderr()).contains("(InvalidParameterValueException)")
                .contains("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
        AwsCli.Result tooMany = aws.run("lambda", "update-event-source-mapping", "--uuid", uuid, "--scaling-config",
                "MaximumConcurrency=1001");
        assertThat(tooMany.stderr()).contains("(ValidationException)");
        AwsCli.Result badFilter = aws.run("lambda", "update-event-source-mapping", "--uuid", uuid, "--filter-criteria",
                "{\"Filters\":[{\"Pattern\":\"not json\"}]}");
        assertThat(badFilter.stderr()).contains("(InvalidParameterValueException)").contains("Invalid filter pattern definition.");
        AwsCli.Result unknown = aws.run("lambda", "delete-event-source-mapping", "--uuid", "00000000-0000-0000-0000-000000000000");
        assertThat(unknown.stderr()).contains("(ResourceNotFoundException)").contains("The resource you requested does not exist.");

        JsonNode deleted = JSON.readTree(ok(aws.run("lambda", "delete-event-source-mapping", "--uuid", uuid)));
        assertThat(deleted.path("State").asText()).isEqualTo("Deleting");
    }

    private static String ok(AwsCli.Result result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout();
    }

    private static long approximateCount(String queueUrl) {
        Map<String, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributesAsStrings();
        return Long.parseLong(attributes.get("ApproximateNumberOfMessages"))
                + Long.parseLong(attributes.get("ApproximateNumberOfMessagesNotVisible"));
    }

    /** How often each body was delivered to the function (and not reported as failed). */
    private static Map<String, Integer> delivered() {
        Map<String, Integer> counts = new HashMap<>();
        try (Stream<Path> files = Files.list(out)) {
            files.map(p -> p.getFileName().toString()).filter(name -> name.contains("."))
                    .forEach(name -> counts.merge(name.substring(0, name.lastIndexOf('.')), 1, Integer::sum));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }
}
