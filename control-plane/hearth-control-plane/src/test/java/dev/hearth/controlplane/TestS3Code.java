package dev.hearth.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.FunctionCodeInput;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageLimits;
import dev.hearth.packages.PackageStore;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.io.ByteArrayOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Code from S3 in the control plane: what a configured {@link S3CodeReader} answers becomes the
 * package, its failures become Lambda's InvalidParameterValueException, and nothing is stored when
 * the read fails. The reader here is a map of objects (the S3 side is tested against a real
 * S3-compatible server end to end).
 */
final class TestS3Code {
    private static final String ROLE = "arn:aws:iam::000000000000:role/r";
    private static final long ZIPPED_LIMIT = 2_000;
    private static final long UNZIPPED_LIMIT = 200_000;

    private final Map<String, byte[]> objects = new HashMap<>();
    private final S3CodeReader reader = (bucket, key, version) -> {
        if (!bucket.equals("code-bucket")) {
            throw new S3CodeReader.ReadFailure("NoSuchBucket", "bucket missing (the store's own words)", null);
        }
        if (version.isPresent()) {
            throw new S3CodeReader.ReadFailure("NoSuchVersion", "version missing (the store's own words)", null);
        }
        byte[] object = objects.get(key);
        if (object == null) {
            throw new S3CodeReader.ReadFailure("NoSuchKey", "key missing (the store's own words)", null);
        }
        return new ByteArrayInputStream(object);
    };
    private SqliteFunctionStore store;
    private PackageStore packages;
    private FunctionService functions;

    @BeforeEach
    void setUp() throws IOException {
        Path dir = Files.createTempDirectory("s3code");
        store = SqliteFunctionStore.open(dir.resolve("functions.db"));
        // a small zipped limit: what Lambda limits to 50 MB sent inline, 250 MB from S3
        packages = PackageStore.open(dir.resolve("packages"), PackageLimits.defaults().withMaxZippedBytes(ZIPPED_LIMIT)
                .withMaxUnzippedBytes(UNZIPPED_LIMIT));
        functions = new FunctionService(store, packages, AccountContext.DEFAULT, "python3.12"::equals,
                ControlPlaneLimits.LAMBDA_DEFAULTS, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        packages.close();
        store.close();
    }

    @Test
    void withoutAReaderS3CodeIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> functions.createFunction(create("f", s3("code-bucket", "f.zip", null))))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
                    assertThat(e.getMessage()).contains("--code-s3-endpoint");
                });
    }

    @Test
    void theObjectBecomesThePackage() throws IOException {
        functions.useS3Code(reader);
        byte[] zip = zip("one");
        objects.put("f.zip", zip);
        String sha = functions.createFunction(create("f", s3("code-bucket", "f.zip", null))).codeSha256();
        assertThat(packages.zipFile(sha)).hasValueSatisfying(p -> assertThat(read(p)).isEqualTo(zip));

        objects.put("g.zip", zip("two"));
        String updated = functions.updateFunctionCode(ref("f"),
                new UpdateFunctionCodeInput(null, "code-bucket", "g.zip", null, null, null, null, null, null)).codeSha256();
        assertThat(updated).isNotEqualTo(sha);
    }

    @Test
    void aPackageFromS3MayExceedTheInlineLimitUpToTheUnzippedOne() throws IOException {
        functions.useS3Code(reader);
        byte[] large = zip(randomText(20_000));
        assertThat((long) large.length).isGreaterThan(ZIPPED_LIMIT);
        assertThatThrownBy(() -> functions.createFunction(create("inline", new FunctionCodeInput(large, null, null, null, null))))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.RequestEntityTooLargeException));
        objects.put("large.zip", large);
        String sha = functions.createFunction(create("from-s3", s3("code-bucket", "large.zip", null))).codeSha256();
        assertThat(packages.zipFile(sha)).hasValueSatisfying(p -> assertThat(read(p)).isEqualTo(large));

        objects.put("huge.zip", zip(randomText(300_000)));
        assertError(() -> functions.createFunction(create("huge", s3("code-bucket", "huge.zip", null))),
                "Unzipped size must be smaller than " + UNZIPPED_LIMIT + " bytes");
        assertThatThrownBy(() -> functions.getFunctionConfiguration(ref("huge"))).isInstanceOf(LambdaException.class);
    }

    private static String randomText(int length) {
        java.util.Random random = new java.util.Random(42);
        StringBuilder text = new StringBuilder("# ");
        while (text.length() < length) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    @Test
    void failedReadsAreLambdasErrorQuotingS3AndStoreNothing() throws IOException {
        functions.useS3Code(reader);
        assertError(() -> functions.createFunction(create("f", s3("code-bucket", "absent.zip", null))),
                "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.");
        assertError(() -> functions.createFunction(create("f", s3("other-bucket", "f.zip", null))),
                "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist");
        objects.put("f.zip", zip("one"));
        assertError(() -> functions.createFunction(create("f", s3("code-bucket", "f.zip", "3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY"))),
                "Error occurred while GetObject. S3 Error Code: NoSuchVersion. S3 Error Message: The specified version does not exist.");
        assertThat(packages.codeSha256s()).isEmpty();
        assertThatThrownBy(() -> functions.getFunctionConfiguration(ref("f"))).isInstanceOf(LambdaException.class);
    }

    @Test
    void aZipFileBesideAnS3LocationOrAnIncompleteLocationIsRefused() throws IOException {
        functions.useS3Code(reader);
        objects.put("f.zip", zip("one"));
        assertThatThrownBy(() -> functions.createFunction(create("f", new FunctionCodeInput(zip("x"), "code-bucket", "f.zip", null, null))))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException));
        assertThatThrownBy(() -> functions.createFunction(create("f", s3("code-bucket", null, null))))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException));
        assertThat(packages.codeSha256s()).isEmpty();
    }

    private static void assertError(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static FunctionCodeInput s3(String bucket, String key, String version) {
        return new FunctionCodeInput(null, bucket, key, version, null);
    }

    private static CreateFunctionInput create(String name, FunctionCodeInput code) {
        return new CreateFunctionInput(name, "python3.12", ROLE, "app.handler", code, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    private static FunctionRef ref(String name) {
        return FunctionRef.parse(name, Optional.empty(), AccountContext.DEFAULT, FunctionNameMember.FUNCTION_NAME);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] zip(String value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("app.py"));
            zip.write(("def handler(e, c):\n    return '" + value + "'\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
