package dev.hearth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core management flow with the real AWS CLI v2, as a user would type it. */
final class TestAwsCli {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HearthTestServer server;
    private static AwsCli aws;

    @BeforeAll
    static void start() throws Exception {
        assertThat(AwsCli.BINARY).as("AWS CLI v2 (Debian awscli); ./run-tests installs it").isExecutable();
        server = HearthTestServer.start();
        aws = new AwsCli(server.endpoint(), "cli-key", "cli-secret");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void cliVersionIsTwo() throws Exception {
        assertThat(aws.run("--version").stdout()).startsWith("aws-cli/2.");
    }

    @Test
    void coreFlow() throws Exception {
        Path zip = aws.file("function.zip", HearthTestServer.pythonZip("def handler(event, context):\n    return event\n"));

        JsonNode created = json(aws.run("lambda", "create-function", "--function-name", "cli-fn", "--runtime", "python3.12",
                "--handler", "app.handler", "--role", HearthTestServer.ROLE, "--zip-file", "fileb://" + zip,
                "--environment", "Variables={STAGE=dev}", "--tags", "team=core"));
        assertThat(created.path("FunctionArn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:cli-fn");
        assertThat(created.path("Version").asText()).isEqualTo("$LATEST");

        JsonNode function = json(aws.run("lambda", "get-function", "--function-name", "cli-fn"));
        assertThat(function.path("Configuration").path("CodeSha256").asText()).isEqualTo(created.path("CodeSha256").asText());
        assertThat(function.path("Tags").path("team").asText()).isEqualTo("core");

        JsonNode list = json(aws.run("lambda", "list-functions"));
        assertThat(list.path("Functions").findValuesAsText("FunctionName")).contains("cli-fn");

        JsonNode updated = json(aws.run("lambda", "update-function-configuration", "--function-name", "cli-fn",
                "--memory-size", "256", "--timeout", "15"));
        assertThat(updated.path("MemorySize").asInt()).isEqualTo(256);
        assertThat(updated.path("Timeout").asInt()).isEqualTo(15);

        JsonNode version = json(aws.run("lambda", "publish-version", "--function-name", "cli-fn"));
        assertThat(version.path("Version").asText()).isEqualTo("1");
        JsonNode alias = json(aws.run("lambda", "create-alias", "--function-name", "cli-fn", "--name", "live",
                "--function-version", "1"));
        assertThat(alias.path("AliasArn").asText()).endsWith(":function:cli-fn:live");
        JsonNode versions = json(aws.run("lambda", "list-versions-by-function", "--function-name", "cli-fn"));
        assertThat(versions.path("Versions").findValuesAsText("Version")).containsExactly("$LATEST", "1");

        assertThat(aws.run("lambda", "delete-alias", "--function-name", "cli-fn", "--name", "live").exitCode()).isZero();
        assertThat(aws.run("lambda", "delete-function", "--function-name", "cli-fn").exitCode()).isZero();

        AwsCli.Result missing = aws.run("lambda", "get-function", "--function-name", "cli-fn");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("ResourceNotFoundException").contains("Function not found");
    }

    @Test
    void serverSideValidationErrorsReachTheCli() throws Exception {
        Path zip = aws.file("env.zip", HearthTestServer.pythonZip("def handler(event, context):\n    return 1\n"));
        AwsCli.Result reserved = aws.run("lambda", "create-function", "--function-name", "cli-bad", "--runtime", "python3.12",
                "--handler", "app.handler", "--role", HearthTestServer.ROLE, "--zip-file", "fileb://" + zip,
                "--environment", "Variables={AWS_REGION=eu-west-1}");
        assertThat(reserved.exitCode()).isNotZero();
        assertThat(reserved.stderr()).contains("InvalidParameterValueException").contains("reserved keys");
    }

    private static JsonNode json(AwsCli.Result result) throws Exception {
        assertThat(result.exitCode()).as("aws failed: %s", result.stderr()).isZero();
        return JSON.readTree(result.stdout());
    }
}
