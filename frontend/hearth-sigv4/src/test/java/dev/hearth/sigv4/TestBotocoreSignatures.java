package dev.hearth.sigv4;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests signed by botocore, the signer of the AWS CLI v2 and boto3, run as a real Python
 * process. Unlike the Java SDK, botocore sends no {@code x-amz-content-sha256} and presigns with
 * {@code UNSIGNED-PAYLOAD}. Skipped where python3 with botocore is not installed.
 */
final class TestBotocoreSignatures {
    private static final String KEY_ID = "AKIAHEARTHBOTOCORE01";
    private static final String SECRET = "botocoreSecret/with+chars0123456789abcd";
    private static final String ARN_URL = "https://localhost:9443/2015-03-31/functions/"
            + "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations";

    @TempDir
    static Path scratch;
    private static Path script;

    @BeforeAll
    static void extractScript() throws IOException, InterruptedException {
        assumeTrue(exitCode("python3", "-c", "import botocore") == 0, "python3 with botocore is not installed");
        script = scratch.resolve("botocore_sign.py");
        try (InputStream in = TestBotocoreSignatures.class.getResourceAsStream("botocore_sign.py")) {
            Files.copy(in, script);
        }
    }

    @Test
    void invokeSignedByBotocoreVerifies() throws Exception {
        SignedRequest request = botocore("header", "POST", ARN_URL, "{\"hello\": \"world\"}",
                "Content-Type:application/json", "X-Amz-Invocation-Type:RequestResponse");

        assertThat(request.firstHeader("x-amz-content-sha256")).isNull();
        assertThat(request.rawPath()).contains("arn%3Aaws%3Alambda");
        assertThat(verifierAtSigningTime(request).verify(request).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void tamperedBodyOfBotocoreRequestIsRejected() throws Exception {
        SignedRequest request = botocore("header", "POST", ARN_URL, "{\"hello\": \"world\"}", "Content-Type:application/json");
        SignedRequest tampered = SignedRequest.of(request.method(), request.rawPath(), request.rawQuery(), request.headers(),
                "{\"hello\": \"there\"}".getBytes(UTF_8));

        assertThatThrownBy(() -> verifierAtSigningTime(request).verify(tampered))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidSignatureException));
    }

    @Test
    void listWithQuerySignedByBotocoreVerifies() throws Exception {
        SignedRequest request = botocore("header", "GET",
                "https://localhost:9443/2015-03-31/functions/?FunctionVersion=ALL&Marker=a%2Fb%3D&MaxItems=5", "");

        assertThat(verifierAtSigningTime(request).verify(request).accessKeyId()).isEqualTo(KEY_ID);
    }

    @Test
    void presignedByBotocoreVerifies() throws Exception {
        SignedRequest request = botocore("presigned", "GET", "https://localhost:9443/2015-03-31/functions/?MaxItems=5", "");

        assertThat(request.rawQuery()).contains("X-Amz-Signature=");
        assertThat(verifierAtSigningTime(request).verify(request).accessKeyId()).isEqualTo(KEY_ID);
    }

    private static SigV4Verifier verifierAtSigningTime(SignedRequest request) {
        String amzDate = request.firstHeader("x-amz-date");
        if (amzDate == null) {
            amzDate = QueryParameters.parse(request.rawQuery()).first("X-Amz-Date").orElseThrow();
        }
        Instant signedAt = LocalDateTime.parse(amzDate, SignatureParser.AMZ_DATE).toInstant(ZoneOffset.UTC);
        AccessKey key = new AccessKey(KEY_ID, SECRET, "botocore");
        return new SigV4Verifier(id -> id.equals(KEY_ID) ? Optional.of(key) : Optional.empty(),
                Clock.fixed(signedAt, ZoneOffset.UTC));
    }

    private static SignedRequest botocore(String mode, String method, String url, String body, String... headers)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), mode, method, url, body));
        command.addAll(List.of(headers));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("HEARTH_TEST_KEY_ID", KEY_ID);
        builder.environment().put("HEARTH_TEST_SECRET", SECRET);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("botocore_sign.py exit code; output: %s", output).isZero();

        String signedMethod = null;
        String path = null;
        String query = null;
        Map<String, List<String>> wireHeaders = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String[] fields = line.split("\t", 3);
            switch (fields[0]) {
                case "METHOD" -> signedMethod = fields[1];
                case "PATH" -> path = fields[1];
                case "QUERY" -> query = fields[1].isEmpty() ? null : fields[1];
                case "HEADER" -> wireHeaders.computeIfAbsent(fields[1], _ -> new ArrayList<>()).add(fields[2]);
                default -> throw new AssertionError("unexpected line from botocore_sign.py: " + line);
            }
        }
        return SignedRequest.of(signedMethod, path, query, wireHeaders, body.getBytes(UTF_8));
    }

    private static int exitCode(String... command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor();
        } catch (IOException e) {
            return -1;
        }
    }
}
