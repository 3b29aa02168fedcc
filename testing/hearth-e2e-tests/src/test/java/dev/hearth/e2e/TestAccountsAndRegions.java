package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.AccountContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * Lambda is regional and per account, and so is Hearth: the region is the one a request is signed
 * for, the account the one its credentials name (a 12-digit access key id when no credentials are
 * configured; a profile's {@code aws_account_id} when they are). Functions, logs and ARNs of one
 * (account, region) are never seen from another, through the AWS SDK for Java v2, the AWS CLI v2 and
 * boto3 alike.
 */
final class TestAccountsAndRegions {
    private static final String ACCOUNT_A = "111122223333";
    private static final String ACCOUNT_B = "444455556666";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HearthTestServer server;
    private static final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = HearthTestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        server.close();
    }

    @Test
    void functionsOfOneNameInTwoRegionsAndTwoAccountsAreThreeFunctions() throws Exception {
        LambdaClient east = lambda(ACCOUNT_A, Region.US_EAST_1);
        LambdaClient frankfurt = lambda(ACCOUNT_A, Region.EU_CENTRAL_1);
        LambdaClient otherAccount = lambda(ACCOUNT_B, Region.US_EAST_1);
        Map<LambdaClient, String> markers = Map.of(east, "east", frankfurt, "frankfurt", otherAccount, "other");
        markers.forEach((client, marker) -> client.createFunction(HearthTestServer.pythonFunction("same-name",
                HearthTestServer.pythonZip("import os\ndef handler(event, context):\n    return {'marker': '" + marker
                        + "', 'region': os.environ['AWS_REGION'], 'arn': context.invoked_function_arn}\n")).build()));

        assertThat(east.listFunctions().functions()).extracting(FunctionConfiguration::functionArn)
                .containsExactly("arn:aws:lambda:us-east-1:" + ACCOUNT_A + ":function:same-name");
        assertThat(frankfurt.listFunctions().functions()).extracting(FunctionConfiguration::functionArn)
                .containsExactly("arn:aws:lambda:eu-central-1:" + ACCOUNT_A + ":function:same-name");
        assertThat(otherAccount.listFunctions().functions()).extracting(FunctionConfiguration::functionArn)
                .containsExactly("arn:aws:lambda:us-east-1:" + ACCOUNT_B + ":function:same-name");

        JsonNode answer = invoke(frankfurt, "same-name");
        assertThat(answer.get("marker").asText()).isEqualTo("frankfurt");
        assertThat(answer.get("region").asText()).isEqualTo("eu-central-1");
        assertThat(answer.get("arn").asText()).isEqualTo("arn:aws:lambda:eu-central-1:" + ACCOUNT_A + ":function:same-name");
        assertThat(invoke(east, "same-name").get("marker").asText()).isEqualTo("east");
        assertThat(invoke(otherAccount, "same-name").get("marker").asText()).isEqualTo("other");

        // each cell's logs are its own
        await().atMost(Duration.ofSeconds(60)).until(() -> !logGroups(ACCOUNT_A, Region.EU_CENTRAL_1).isEmpty());
        assertThat(logGroups(ACCOUNT_A, Region.EU_CENTRAL_1)).extracting(LogGroup::arn)
                .containsExactly("arn:aws:logs:eu-central-1:" + ACCOUNT_A + ":log-group:/aws/lambda/same-name:*");
        assertThat(logGroups("555566667777", Region.EU_CENTRAL_1)).isEmpty();

        // deleting one leaves the others
        frankfurt.deleteFunction(r -> r.functionName("same-name"));
        assertThat(frankfurt.listFunctions().functions()).isEmpty();
        assertThat(invoke(east, "same-name").get("marker").asText()).isEqualTo("east");
        assertThat(invoke(otherAccount, "same-name").get("marker").asText()).isEqualTo("other");
    }

    @Test
    void everyFormOfReferenceNamesTheFunction() throws Exception {
        LambdaClient client = lambda(ACCOUNT_A, Region.EU_WEST_1);
        client.createFunction(HearthTestServer.pythonFunction("forms", HearthTestServer.pythonZip(
                "def handler(event, context):\n    return context.invoked_function_arn\n")).publish(true).build());
        client.createAlias(r -> r.functionName("forms").name("live").functionVersion("1"));
        String arn = "arn:aws:lambda:eu-west-1:" + ACCOUNT_A + ":function:forms";

        for (String reference : List.of("forms", ACCOUNT_A + ":function:forms", arn, arn + ":$LATEST", arn + ":1",
                arn + ":live", "forms:live", ACCOUNT_A + ":function:forms:1")) {
            assertThat(client.getFunction(r -> r.functionName(reference)).configuration().functionName())
                    .as(reference).isEqualTo("forms");
        }
        assertThat(client.getFunction(r -> r.functionName(arn).qualifier("1")).configuration().version()).isEqualTo("1");
        assertThat(text(client.invoke(r -> r.functionName(arn + ":live")))).isEqualTo("\"" + arn + ":live\"");
        assertThat(text(client.invoke(r -> r.functionName(ACCOUNT_A + ":function:forms").qualifier("1"))))
                .isEqualTo("\"" + arn + ":1\"");
    }

    @Test
    void anotherRegionsFunctionIsNotReachableAndAnotherAccountsIsDenied() {
        LambdaClient owner = lambda(ACCOUNT_A, Region.AP_SOUTHEAST_2);
        owner.createFunction(HearthTestServer.pythonFunction("guarded", HearthTestServer.pythonZip(
                "def handler(event, context):\n    return 1\n")).build());
        String arn = "arn:aws:lambda:ap-southeast-2:" + ACCOUNT_A + ":function:guarded";

        assertThatThrownBy(() -> lambda(ACCOUNT_A, Region.US_EAST_1).getFunction(r -> r.functionName(arn)))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Functions from 'ap-southeast-2' are not reachable in this region ('us-east-1')");
                });
        assertThatThrownBy(() -> lambda(ACCOUNT_B, Region.AP_SOUTHEAST_2).invoke(r -> r.functionName(arn)))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains(arn);
                });
        assertThatThrownBy(() -> lambda(ACCOUNT_B, Region.AP_SOUTHEAST_2).getFunction(r -> r.functionName("guarded")))
                .as("a plain name is looked up in the caller's own account")
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aCredentialsFileNamesTheAccountOfEachKey() throws Exception {
        Path credentials = Files.createTempFile("hearth-credentials", ".ini");
        Files.writeString(credentials, """
                [team-a]
                aws_access_key_id = AKIATEAMA0000000000A
                aws_secret_access_key = secret-a
                aws_account_id = 777788889999
                [no-account]
                aws_access_key_id = AKIANOACCOUNT0000000
                aws_secret_access_key = secret-n
                """);
        try (HearthTestServer verifying = HearthTestServer.start(Optional.of(credentials));
                LambdaClient teamA = verifying.client("AKIATEAMA0000000000A", "secret-a", Region.EU_NORTH_1);
                LambdaClient noAccount = verifying.client("AKIANOACCOUNT0000000", "secret-n", Region.EU_NORTH_1)) {
            teamA.createFunction(HearthTestServer.pythonFunction("mapped", HearthTestServer.pythonZip(
                    "def handler(event, context):\n    return 1\n")).build());
            assertThat(teamA.getFunction(r -> r.functionName("mapped")).configuration().functionArn())
                    .isEqualTo("arn:aws:lambda:eu-north-1:777788889999:function:mapped");
            assertThat(noAccount.listFunctions().functions()).as("a key without an account acts in the server's").isEmpty();
            noAccount.createFunction(HearthTestServer.pythonFunction("unmapped", HearthTestServer.pythonZip(
                    "def handler(event, context):\n    return 1\n")).build());
            assertThat(noAccount.getFunction(r -> r.functionName("unmapped")).configuration().functionArn())
                    .isEqualTo("arn:aws:lambda:eu-north-1:" + AccountContext.DEFAULT.accountId() + ":function:unmapped");
        } finally {
            Files.deleteIfExists(credentials);
        }
    }

    @Test
    void theAwsCliActsInTheRegionItIsGiven() throws Exception {
        AwsCli cli = new AwsCli(server.endpoint(), ACCOUNT_B, "any");
        Path zip = cli.file("cli.zip", HearthTestServer.pythonZip("def handler(event, context):\n    return 'cli'\n"));
        AwsCli.Result created = cli.run("--region", "sa-east-1", "lambda", "create-function", "--function-name", "cli-regional",
                "--runtime", "python3.12", "--handler", "app.handler", "--role", HearthTestServer.ROLE,
                "--zip-file", "fileb://" + zip);
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(JSON.readTree(created.stdout()).get("FunctionArn").asText())
                .isEqualTo("arn:aws:lambda:sa-east-1:" + ACCOUNT_B + ":function:cli-regional");

        AwsCli.Result elsewhere = cli.run("--region", "us-west-2", "lambda", "get-function", "--function-name", "cli-regional");
        assertThat(elsewhere.exitCode()).isNotZero();
        assertThat(elsewhere.stderr()).contains("ResourceNotFoundException");
        AwsCli.Result listed = cli.run("--region", "sa-east-1", "lambda", "list-functions");
        assertThat(JSON.readTree(listed.stdout()).get("Functions")).hasSize(1);
    }

    @Test
    void boto3ActsInItsRegionAndAccount() throws Exception {
        String script = """
                import boto3, io, json, os, zipfile
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, 'w') as z:
                    z.writestr('app.py', 'def handler(e, c):\\n    return c.invoked_function_arn\\n')
                client = boto3.client('lambda', endpoint_url=os.environ['HEARTH'], region_name='ca-central-1',
                                      aws_access_key_id='999988887777', aws_secret_access_key='x')
                created = client.create_function(FunctionName='boto', Runtime='python3.12', Role='%s',
                                                 Handler='app.handler', Code={'ZipFile': buf.getvalue()})
                invoked = client.invoke(FunctionName='boto')['Payload'].read().decode()
                other = boto3.client('lambda', endpoint_url=os.environ['HEARTH'], region_name='ca-central-1',
                                     aws_access_key_id='111100001111', aws_secret_access_key='x')
                print(json.dumps({'arn': created['FunctionArn'], 'invoked': json.loads(invoked),
                                  'others': [f['FunctionArn'] for f in other.list_functions()['Functions']]}))
                """.formatted(HearthTestServer.ROLE);
        JsonNode result = JSON.readTree(Boto3.run(server.endpoint(), script));
        assertThat(result.get("arn").asText()).isEqualTo("arn:aws:lambda:ca-central-1:999988887777:function:boto");
        assertThat(result.get("invoked").asText()).isEqualTo("arn:aws:lambda:ca-central-1:999988887777:function:boto");
        assertThat(result.get("others")).isEmpty();
    }

    private static JsonNode invoke(LambdaClient client, String function) throws Exception {
        InvokeResponse response = client.invoke(r -> r.functionName(function));
        assertThat(response.functionError()).as(text(response)).isNull();
        return JSON.readTree(response.payload().asByteArray());
    }

    private static String text(InvokeResponse response) {
        return response.payload().asString(StandardCharsets.UTF_8);
    }

    private static List<LogGroup> logGroups(String account, Region region) {
        CloudWatchLogsClient logs = CloudWatchLogsClient.builder().endpointOverride(URI.create(server.endpoint()))
                .region(region).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(account, "x")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
        clients.add(logs);
        return logs.describeLogGroups().logGroups();
    }

    private static LambdaClient lambda(String account, Region region) {
        LambdaClient client = server.client(account, "any-secret", region);
        clients.add(client);
        return client;
    }
}
