package dev.hearth.e2e;

import static dev.hearth.e2e.HearthTestServer.pythonFunction;
import static dev.hearth.e2e.HearthTestServer.pythonZip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/** With credentials configured, SigV4 signatures from the SDK and the CLI are verified. */
final class TestSignatureVerification {
    private static HearthTestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path credentials = Files.createTempFile("hearth-credentials", "");
        Files.writeString(credentials, "[default]\naws_access_key_id = AKIDHEARTHTEST\naws_secret_access_key = right-secret\n");
        server = HearthTestServer.start(Optional.of(credentials));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void rightKeyIsAcceptedBySdkAndCli() throws Exception {
        try (LambdaClient lambda = server.client("AKIDHEARTHTEST", "right-secret")) {
            lambda.createFunction(pythonFunction("signed", pythonZip("def handler(e, c):\n    return 1\n")).build());
            assertThat(lambda.getFunction(r -> r.functionName("arn:aws:lambda:us-east-1:000000000000:function:signed"))
                    .configuration().functionName()).isEqualTo("signed");
        }
        AwsCli cli = new AwsCli(server.endpoint(), "AKIDHEARTHTEST", "right-secret");
        AwsCli.Result result = cli.run("lambda", "get-function-configuration", "--function-name", "signed");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    @Test
    void wrongSecretUnknownKeyAndNoSignatureAreRefused() throws Exception {
        try (LambdaClient wrong = server.client("AKIDHEARTHTEST", "wrong-secret")) {
            assertThatThrownBy(() -> wrong.listFunctions()).isInstanceOf(LambdaException.class).satisfies(e -> {
                assertThat(((LambdaException) e).statusCode()).isEqualTo(403);
                assertThat(((LambdaException) e).awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
            });
        }
        try (LambdaClient unknown = server.client("AKIDSOMEONEELSE", "right-secret")) {
            assertThatThrownBy(() -> unknown.listFunctions()).isInstanceOf(LambdaException.class).satisfies(e ->
                    assertThat(((LambdaException) e).awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
        }
        AwsCli.Result cli = new AwsCli(server.endpoint(), "AKIDHEARTHTEST", "wrong-secret").run("lambda", "list-functions");
        assertThat(cli.exitCode()).isNotZero();
        assertThat(cli.stderr()).contains("InvalidSignatureException");

        HttpResponse<String> unsigned = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/2015-03-31/functions/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).contains("MissingAuthenticationTokenException");
    }
}
