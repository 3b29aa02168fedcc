package dev.hearth.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.controlplane.api.AliasInput;
import dev.hearth.controlplane.api.AliasRoutingConfiguration;
import dev.hearth.controlplane.api.CreateFunctionInput;
import dev.hearth.controlplane.api.FunctionCodeInput;
import dev.hearth.controlplane.api.UpdateFunctionCodeInput;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageLimits;
import dev.hearth.packages.PackageStore;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class TestFunctionResolver {
    private SqliteFunctionStore store;
    private PackageStore packages;
    private FunctionService functions;
    private FunctionResolver resolver;

    @BeforeEach
    void setUp() throws IOException {
        Path dir = Files.createTempDirectory("resolver");
        store = SqliteFunctionStore.open(dir.resolve("functions.db"));
        packages = PackageStore.open(dir.resolve("packages"), PackageLimits.defaults());
        functions = new FunctionService(store, packages, AccountContext.DEFAULT, "python3.12"::equals,
                ControlPlaneLimits.LAMBDA_DEFAULTS, Clock.systemUTC());
        resolver = new FunctionResolver(store, AccountContext.DEFAULT, new SplittableRandom(42));
        functions.addListener(resolver);
    }

    @AfterEach
    void tearDown() {
        packages.close();
        store.close();
    }

    @Test
    void weightedAliasRoutesTheConfiguredShare() {
        create("weighted", "1");
        publishNewCode("weighted", "2");
        functions.createAlias(FunctionRef.of(AccountContext.DEFAULT, "weighted"), new AliasInput("live", "1", null,
                new AliasRoutingConfiguration(Map.of("2", 0.25)), null));

        int toTwo = 0;
        int samples = 20_000;
        for (int i = 0; i < samples; i++) {
            ResolvedFunction r = resolver.resolve(new FunctionRef(AccountContext.DEFAULT, "weighted", Optional.of("live")));
            assertThat(r.invokedArn()).endsWith(":weighted:live");
            if (r.version().version().equals("2")) {
                toTwo++;
            }
        }
        // 25% ± 5 standard deviations of a binomial(20000, 0.25)
        assertThat((double) toTwo / samples).isBetween(0.25 - 0.0153, 0.25 + 0.0153);
    }

    @Test
    void changesAreSeenOnTheNextResolution() {
        create("changing", "1");
        String before = resolver.resolve(FunctionRef.of(AccountContext.DEFAULT, "changing")).version().code().sha256();
        functions.updateFunctionCode(FunctionRef.of(AccountContext.DEFAULT, "changing"), new UpdateFunctionCodeInput(zip("2"), null, null, null, null,
                null, null, null, null));
        assertThat(resolver.resolve(FunctionRef.of(AccountContext.DEFAULT, "changing")).version().code().sha256()).isNotEqualTo(before);

        functions.deleteFunction(FunctionRef.of(AccountContext.DEFAULT, "changing"));
        assertThatThrownBy(() -> resolver.resolve(FunctionRef.of(AccountContext.DEFAULT, "changing")))
                .isInstanceOf(LambdaException.class).hasMessageContaining("Function not found");
    }

    @Test
    void unknownQualifierIsNotFound() {
        create("plain", "1");
        assertThatThrownBy(() -> resolver.resolve(new FunctionRef(AccountContext.DEFAULT, "plain", Optional.of("7"))))
                .isInstanceOf(LambdaException.class).hasMessageContaining(":plain:7");
    }

    private void create(String name, String marker) {
        functions.createFunction(new CreateFunctionInput(name, "python3.12", "arn:aws:iam::000000000000:role/r", "app.handler",
                new FunctionCodeInput(zip(marker), null, null, null, null), null, null, null, true, null, null, null, null,
                null, null, null));
    }

    private void publishNewCode(String name, String marker) {
        functions.updateFunctionCode(FunctionRef.of(AccountContext.DEFAULT, name), new UpdateFunctionCodeInput(zip(marker), null, null, null, null,
                true, null, null, null));
    }

    private static byte[] zip(String marker) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("app.py"));
            zip.write(("def handler(e, c):\n    return " + marker + "\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
