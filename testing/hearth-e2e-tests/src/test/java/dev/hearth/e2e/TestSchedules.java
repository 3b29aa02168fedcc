package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * EventBridge Scheduler's API on Hearth's endpoint, driven by the AWS CLI v2 of Debian 12 ({@code aws
 * scheduler}) and boto3 1.43: schedules fire for real with the wall clock into a python function, as
 * asynchronous invocations (each event the function receives is read back from its log group through
 * the CloudWatch Logs API); the API's shapes and errors are the service model's. (The AWS SDK for Java
 * v2's {@code scheduler} artifact is not in the build: Maven Central has no release of it at the SDK
 * version the e2e module uses.)
 */
final class TestSchedules {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/scheduler";
    private static final String MARK = "SCHEDULED-EVENT ";
    /** Logs each event it receives as one line, to the function's log group. */
    private static final String EVENT_LOGGER = """
            import json
            def handler(event, context):
                print("SCHEDULED-EVENT " + json.dumps(event, sort_keys=True))
            """;
    private static HearthTestServer server;
    private static LambdaClient lambda;
    private static CloudWatchLogsClient logs;

    @BeforeAll
    static void start() {
        server = HearthTestServer.start();
        lambda = server.client();
        logs = CloudWatchLogsClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
        lambda.createFunction(pythonFunction("scheduled", pythonZip(EVENT_LOGGER)).timeout(30).build());
    }

    @AfterAll
    static void stop() throws Exception {
        logs.close();
        lambda.close();
        server.close();
    }

    private static String functionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:scheduled";
    }

    /** The events the function logged so far. */
    private static List<String> eventsReceived() {
        if (logs.describeLogGroups(r -> r.logGroupNamePrefix("/aws/lambda/scheduled")).logGroups().isEmpty()) {
            return List.of();
        }
        return logs.filterLogEventsPaginator(r -> r.logGroupName("/aws/lambda/scheduled")).events().stream()
                .map(FilteredLogEvent::message).filter(message -> message.startsWith(MARK))
                .map(message -> message.substring(MARK.length()).strip()).toList();
    }

    @Test
    void anAtScheduleCreatedWithTheAwsCliFiresOnceIntoTheFunction() throws Exception {
        AwsCli cli = new AwsCli(server.endpoint(), "test-key", "test-secret");
        String at = LocalDateTime.now(ZoneOffset.UTC).plusSeconds(5).truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        AwsCli.Result created = cli.run("scheduler", "create-schedule", "--name", "in-two-seconds",
                "--schedule-expression", "at(" + at + ")", "--flexible-time-window", "Mode=OFF",
                "--target", "{\"Arn\":\"" + functionArn() + "\",\"RoleArn\":\"" + ROLE
                        + "\",\"Input\":\"{\\\"source\\\":\\\"scheduler\\\",\\\"n\\\":7}\"}");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(JSON.readTree(created.stdout()).get("ScheduleArn").asText())
                .isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule/default/in-two-seconds");

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> eventsReceived().stream().anyMatch(event -> event.contains("\"source\"")));
        // one fire, once: the schedule's Input is the event
        assertThat(eventsReceived().stream().filter(event -> event.contains("\"source\"")).toList()).singleElement()
                .satisfies(event -> assertThat(JSON.readTree(event)).isEqualTo(JSON.readTree("{\"source\":\"scheduler\",\"n\":7}")));

        AwsCli.Result got = cli.run("scheduler", "get-schedule", "--name", "in-two-seconds");
        assertThat(got.exitCode()).as(got.stderr()).isZero();
        JsonNode schedule = JSON.readTree(got.stdout());
        assertThat(schedule.get("ScheduleExpression").asText()).isEqualTo("at(" + at + ")");
        assertThat(schedule.get("Target").get("RetryPolicy").get("MaximumRetryAttempts").asInt()).isEqualTo(185);
        AwsCli.Result missing = cli.run("scheduler", "get-schedule", "--name", "nope");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("(ResourceNotFoundException)", "Schedule nope does not exist.");
    }

    @Test
    void boto3SeesTheServiceModelsShapesAndErrors() throws Exception {
        String script = """
                import boto3, json, os
                from botocore.config import Config
                def client(validate):
                    return boto3.client("scheduler", endpoint_url=os.environ["HEARTH"], region_name="us-east-1",
                        aws_access_key_id="test-key", aws_secret_access_key="test-secret",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=validate))
                s = client(True)
                raw = client(False)
                out = {}
                def error(name, call):
                    try:
                        call()
                        out[name] = "no error"
                    except s.exceptions.ClientError as e:
                        out[name] = [e.response["Error"]["Code"], e.response["Error"]["Message"],
                                     e.response["ResponseMetadata"]["HTTPStatusCode"]]
                target = {"Arn": "%s", "RoleArn": "%s"}
                window = {"Mode": "OFF"}
                out["groups"] = [g["Name"] for g in s.list_schedule_groups()["ScheduleGroups"]]
                arn = s.create_schedule_group(Name="team", Tags=[{"Key": "env", "Value": "test"}])["ScheduleGroupArn"]
                out["groupArn"] = arn
                out["groupState"] = s.get_schedule_group(Name="team")["State"]
                out["tags"] = s.list_tags_for_resource(ResourceArn=arn)["Tags"]
                s.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "core"}])
                s.untag_resource(ResourceArn=arn, TagKeys=["env"])
                out["retagged"] = s.list_tags_for_resource(ResourceArn=arn)["Tags"]
                for name in ["a-1", "a-2", "a-3", "b-1"]:
                    s.create_schedule(Name=name, GroupName="team", ScheduleExpression="rate(5 minutes)",
                        FlexibleTimeWindow=window, Target=target, ActionAfterCompletion="NONE")
                got = s.get_schedule(Name="a-1", GroupName="team")
                out["get"] = {k: got[k] for k in ["Arn", "GroupName", "Name", "ScheduleExpression",
                    "ScheduleExpressionTimezone", "State", "FlexibleTimeWindow", "Target", "ActionAfterCompletion"]}
                out["createdIsDate"] = type(got["CreationDate"]).__name__
                page = s.list_schedules(GroupName="team", NamePrefix="a-", MaxResults=2)
                out["page1"] = [x["Name"] for x in page["Schedules"]]
                out["page2"] = [x["Name"] for x in s.list_schedules(GroupName="team", NamePrefix="a-", MaxResults=2,
                    NextToken=page["NextToken"])["Schedules"]]
                s.update_schedule(Name="b-1", GroupName="team", ScheduleExpression="cron(0 9 ? * MON-FRI *)",
                    ScheduleExpressionTimezone="Europe/Berlin", FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
                    Target=target, State="DISABLED")
                out["disabled"] = [x["Name"] for x in s.list_schedules(State="DISABLED")["Schedules"]]
                error("conflict", lambda: s.create_schedule(Name="a-1", GroupName="team", ScheduleExpression="rate(1 day)",
                    FlexibleTimeWindow=window, Target=target))
                error("missing", lambda: s.get_schedule(Name="zzz"))
                error("missingGroup", lambda: s.create_schedule(Name="x", GroupName="nope", ScheduleExpression="rate(1 day)",
                    FlexibleTimeWindow=window, Target=target))
                error("badTarget", lambda: s.create_schedule(Name="x", ScheduleExpression="rate(1 day)",
                    FlexibleTimeWindow=window, Target={"Arn": "arn:aws:sqs:us-east-1:000000000000:q", "RoleArn": target["RoleArn"]}))
                error("badExpression", lambda: s.create_schedule(Name="x", ScheduleExpression="cron(0 12 * * * *)",
                    FlexibleTimeWindow=window, Target=target))
                error("badZone", lambda: s.create_schedule(Name="x", ScheduleExpression="rate(1 day)",
                    ScheduleExpressionTimezone="Mars/Olympus", FlexibleTimeWindow=window, Target=target))
                error("flexibleWithoutWindow", lambda: s.create_schedule(Name="x", ScheduleExpression="rate(1 day)",
                    FlexibleTimeWindow={"Mode": "FLEXIBLE"}, Target=target))
                error("constraints", lambda: raw.create_schedule(Name="x", ScheduleExpression="rate(1 day)",
                    FlexibleTimeWindow=window, Target=dict(target, RetryPolicy={"MaximumEventAgeInSeconds": 30})))
                error("noRole", lambda: raw.create_schedule(Name="x", ScheduleExpression="rate(1 day)",
                    FlexibleTimeWindow=window, Target={"Arn": target["Arn"]}))
                error("groupConflict", lambda: s.create_schedule_group(Name="team"))
                error("deleteDefault", lambda: s.delete_schedule_group(Name="default"))
                s.delete_schedule_group(Name="team")
                error("goneWithGroup", lambda: s.get_schedule(Name="a-1", GroupName="team"))
                print(json.dumps(out))
                """.formatted(functionArn(), ROLE);
        JsonNode result = JSON.readTree(Boto3.run(server.endpoint(), script));
        assertThat(result.get("groups").toString()).contains("\"default\"");
        assertThat(result.get("groupArn").asText()).isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule-group/team");
        assertThat(result.get("groupState").asText()).isEqualTo("ACTIVE");
        assertThat(result.get("tags")).isEqualTo(JSON.readTree("[{\"Key\":\"env\",\"Value\":\"test\"}]"));
        assertThat(result.get("retagged")).isEqualTo(JSON.readTree("[{\"Key\":\"team\",\"Value\":\"core\"}]"));
        assertThat(result.get("get")).isEqualTo(JSON.readTree("""
                {"Arn": "arn:aws:scheduler:us-east-1:000000000000:schedule/team/a-1", "GroupName": "team", "Name": "a-1",
                 "ScheduleExpression": "rate(5 minutes)", "ScheduleExpressionTimezone": "UTC", "State": "ENABLED",
                 "FlexibleTimeWindow": {"Mode": "OFF"}, "ActionAfterCompletion": "NONE",
                 "Target": {"Arn": "%s", "RoleArn": "%s",
                            "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}}}
                """.formatted(functionArn(), ROLE)));
        assertThat(result.get("createdIsDate").asText()).isEqualTo("datetime");
        assertThat(result.get("page1").toString()).isEqualTo("[\"a-1\",\"a-2\"]");
        assertThat(result.get("page2").toString()).isEqualTo("[\"a-3\"]");
        assertThat(result.get("disabled").toString()).isEqualTo("[\"b-1\"]");
        assertThat(result.get("conflict").toString()).isEqualTo("[\"ConflictException\",\"Schedule a-1 already exists.\",409]");
        assertThat(result.get("missing").toString()).isEqualTo("[\"ResourceNotFoundException\",\"Schedule zzz does not exist.\",404]");
        assertThat(result.get("missingGroup").toString())
                .isEqualTo("[\"ResourceNotFoundException\",\"Schedule group nope does not exist.\",404]");
        assertThat(result.get("badTarget").get(0).asText()).isEqualTo("ValidationException");
        assertThat(result.get("badTarget").get(1).asText()).startsWith("Invalid target arn:aws:sqs:us-east-1:000000000000:q");
        assertThat(result.get("badExpression").toString())
                .isEqualTo("[\"ValidationException\",\"Invalid Schedule Expression cron(0 12 * * * *).\",400]");
        assertThat(result.get("badZone").get(0).asText()).isEqualTo("ValidationException");
        assertThat(result.get("flexibleWithoutWindow").get(0).asText()).isEqualTo("ValidationException");
        assertThat(result.get("constraints").toString()).isEqualTo("[\"ValidationException\",\"1 validation error detected: "
                + "Value '30' at 'target.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 60\",400]");
        assertThat(result.get("noRole").get(1).asText())
                .isEqualTo("1 validation error detected: Value null at 'target.roleArn' failed to satisfy constraint: Member must not be null");
        assertThat(result.get("groupConflict").toString())
                .isEqualTo("[\"ConflictException\",\"Schedule group team already exists.\",409]");
        assertThat(result.get("deleteDefault").get(0).asText()).isEqualTo("ValidationException");
        assertThat(result.get("goneWithGroup").get(0).asText()).isEqualTo("ResourceNotFoundException");
    }

    @Test
    void aFireThatCannotBeDeliveredReachesTheDeadLetterQueue() throws Exception {
        String at = LocalDateTime.now(ZoneOffset.UTC).plusSeconds(5).truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        String script = """
                import boto3, json, os
                kw = dict(endpoint_url=os.environ["HEARTH"], region_name="us-east-1",
                    aws_access_key_id="test-key", aws_secret_access_key="test-secret")
                sqs = boto3.client("sqs", **kw)
                s = boto3.client("scheduler", **kw)
                url = sqs.create_queue(QueueName="missed-fires")["QueueUrl"]
                s.create_schedule(Name="to-a-ghost", ScheduleExpression="at(%s)", FlexibleTimeWindow={"Mode": "OFF"},
                    Target={"Arn": "arn:aws:lambda:us-east-1:000000000000:function:ghost", "RoleArn": "%s",
                        "Input": "{\\"lost\\": 1}",
                        "DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:000000000000:missed-fires"}})
                got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20, MessageAttributeNames=["All"])["Messages"][0]
                print(json.dumps({"body": got["Body"],
                    "attributes": {k: v["StringValue"] for k, v in got["MessageAttributes"].items()}}))
                """.formatted(at, ROLE);
        JsonNode dead = JSON.readTree(Boto3.run(server.endpoint(), script));
        assertThat(dead.get("body").asText()).isEqualTo("{\"lost\": 1}");
        JsonNode attributes = dead.get("attributes");
        assertThat(attributes.get("ERROR_CODE").asText()).isEqualTo("ResourceNotFoundException");
        assertThat(attributes.get("SCHEDULE_ARN").asText())
                .isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule/default/to-a-ghost");
        assertThat(attributes.get("TARGET_ARN").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:ghost");
        assertThat(attributes.get("RETRY_ATTEMPTS").asText()).isEqualTo("0");
    }

    @Test
    void aOneTimeScheduleWithActionAfterCompletionDeleteIsGoneAfterItsFire() throws Exception {
        String at = LocalDateTime.now(ZoneOffset.UTC).plusSeconds(5).truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        String script = """
                import boto3, os, time
                s = boto3.client("scheduler", endpoint_url=os.environ["HEARTH"], region_name="us-east-1",
                    aws_access_key_id="test-key", aws_secret_access_key="test-secret")
                s.create_schedule(Name="once-and-gone", ScheduleExpression="at(%s)", FlexibleTimeWindow={"Mode": "OFF"},
                    Target={"Arn": "%s", "RoleArn": "%s", "Input": "{\\"gone\\": true}"}, ActionAfterCompletion="DELETE")
                deadline = time.time() + 120
                while time.time() < deadline:
                    try:
                        s.get_schedule(Name="once-and-gone")
                        time.sleep(0.25)
                    except s.exceptions.ResourceNotFoundException:
                        print("deleted")
                        break
                """.formatted(at, functionArn(), ROLE);
        assertThat(Boto3.run(server.endpoint(), script).strip()).isEqualTo("deleted");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> eventsReceived().stream().anyMatch(event -> event.contains("\"gone\"")));
    }
}
