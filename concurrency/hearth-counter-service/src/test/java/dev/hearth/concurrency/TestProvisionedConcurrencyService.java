package dev.hearth.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.concurrency.ProvisionedConcurrencyService.Readiness;
import dev.hearth.concurrency.ProvisionedConcurrencyService.Status;
import dev.hearth.concurrency.ProvisionedConcurrencyService.Target;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.store.spi.Alias;
import dev.hearth.store.spi.CodeRef;
import dev.hearth.store.spi.FunctionConfiguration;
import dev.hearth.store.spi.FunctionRecord;
import dev.hearth.store.spi.FunctionStore;
import dev.hearth.store.spi.FunctionVersion;
import dev.hearth.store.sqlite.SqliteFunctionStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lambda's provisioned-concurrency rules and the status computed from the worker's progress. */
final class TestProvisionedConcurrencyService {
    private static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");

    @TempDir
    Path dir;

    private FunctionStore store;
    private ReservedConcurrencyService reservations;
    private final Map<String, Readiness> progress = new ConcurrentHashMap<>();
    private ProvisionedConcurrencyService service;

    @BeforeEach
    void open() {
        store = SqliteFunctionStore.open(dir.resolve("functions.db"));
        reservations = ReservedConcurrencyService.load(store, ConcurrencyLimits.forAccountLimit(1000), AccountContext.DEFAULT);
        service = new ProvisionedConcurrencyService(store, reservations.counter(), AccountContext.DEFAULT, () -> NOW,
                (function, version) -> progress.getOrDefault(function + ":" + version, Readiness.NONE));
        createFunction("f", "1", "2");
        store.transact(tx -> {
            tx.putAlias(new Alias("f", "live", "2", "", Map.of(), "rev"));
            return null;
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static FunctionRef ref(String name, String qualifier) {
        return new FunctionRef(AccountContext.DEFAULT, name, Optional.of(qualifier));
    }

    @Test
    void statusFollowsTheWorkersProgress() {
        assertThat(service.put(ref("f", "1"), 3).status()).isEqualTo(Status.IN_PROGRESS);

        progress.put("f:1", new Readiness(2, Optional.empty()));
        assertThat(service.get(ref("f", "1"))).satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.IN_PROGRESS);
            assertThat(c.available()).isEqualTo(2);
        });
        progress.put("f:1", new Readiness(2, Optional.of("FUNCTION_ERROR_INIT_FAILURE: boom")));
        assertThat(service.get(ref("f", "1"))).satisfies(c -> {
            assertThat(c.status()).isEqualTo(Status.FAILED);
            assertThat(c.statusReason()).contains("FUNCTION_ERROR_INIT_FAILURE: boom");
        });
        progress.put("f:1", new Readiness(3, Optional.empty()));
        assertThat(service.get(ref("f", "1")).status()).isEqualTo(Status.READY);
    }

    @Test
    void aliasesResolveToTheirVersionAndTargetsAreSummedPerVersion() {
        service.put(ref("f", "1"), 2);
        service.put(ref("f", "live"), 3);

        assertThat(service.targets()).containsExactlyInAnyOrder(new Target("f", "1", 2), new Target("f", "2", 3));
        progress.put("f:2", new Readiness(3, Optional.empty()));
        assertThat(service.get(ref("f", "live")).status()).isEqualTo(Status.READY);
        assertThat(service.list(new FunctionRef(AccountContext.DEFAULT, "f", Optional.empty()))).extracting(c -> c.qualifier())
                .containsExactly("1", "live");
    }

    @Test
    void aConfigurationWhoseAliasIsGoneIsDroppedFromTheTargets() {
        service.put(ref("f", "live"), 1);
        store.transact(tx -> {
            tx.deleteAlias("f", "live");
            return null;
        });

        assertThat(service.targets()).isEmpty();
        assertThatThrownBy(() -> service.get(ref("f", "live"))).isInstanceOfSatisfying(LambdaException.class,
                e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ProvisionedConcurrencyConfigNotFoundException));
    }

    @Test
    void lambdasRules() {
        assertThatThrownBy(() -> service.put(ref("f", "$LATEST"), 1)).hasMessageContaining("unpublished function versions");
        assertThatThrownBy(() -> service.put(new FunctionRef(AccountContext.DEFAULT, "f", Optional.empty()), 1)).hasMessageContaining("qualifier");
        assertThatThrownBy(() -> service.put(ref("f", "9"), 1)).isInstanceOfSatisfying(LambdaException.class,
                e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException));
        assertThatThrownBy(() -> service.put(ref("f", "1"), 0)).hasMessageContaining("greater than or equal to 1");
        assertThatThrownBy(() -> service.get(ref("f", "1"))).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.ProvisionedConcurrencyConfigNotFoundException);
            assertThat(e.getMessage()).isEqualTo("No Provisioned Concurrency Config found for this function");
        });
        service.delete(ref("f", "1")); // as Lambda: deleting a configuration that is not there succeeds

        service.put(ref("f", "2"), 1);
        assertThatThrownBy(() -> service.put(ref("f", "live"), 1)).isInstanceOfSatisfying(LambdaException.class,
                e -> assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceConflictException));
    }

    /** Lambda's answers, as LocalStack's snapshot test_provisioned_concurrency_exceptions recorded them from Lambda. */
    @Test
    void lambdasAnswersForLatestAndWhatDoesNotExist() {
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:";
        for (Runnable call : List.<Runnable>of(() -> service.get(ref("f", "$LATEST")), () -> service.delete(ref("f", "$LATEST")))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(LambdaException.class, e -> {
                assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException);
                assertThat(e).hasMessage("The function resource provided must be an alias or a published version.");
            });
        }
        assertThatThrownBy(() -> service.put(ref("f", "$LATEST"), 1))
                .hasMessage("Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
        assertThatThrownBy(() -> service.get(new FunctionRef(AccountContext.DEFAULT, "f", Optional.empty()))).hasMessage(
                "1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be null");

        // a version or an alias of a function that does not exist, or of one that does
        assertNotFound(() -> service.put(ref("doesnotexist", "1"), 1), "Function not found: " + arn + "doesnotexist:1");
        assertNotFound(() -> service.put(ref("doesnotexist", "noalias"), 1), "Cannot find alias arn: " + arn + "doesnotexist:noalias");
        assertNotFound(() -> service.get(ref("doesnotexist", "noalias")), "Cannot find alias arn: " + arn + "doesnotexist:noalias");
        assertNotFound(() -> service.delete(ref("doesnotexist", "1")), "Function not found: " + arn + "doesnotexist:1");
        assertNotFound(() -> service.put(ref("f", "10"), 1), "Function not found: " + arn + "f:10");
        assertNotFound(() -> service.put(ref("f", "doesnotexist"), 1), "Cannot find alias arn: " + arn + "f:doesnotexist");
        assertNotFound(() -> service.list(new FunctionRef(AccountContext.DEFAULT, "doesnotexist", Optional.empty())),
                "Function not found: " + arn + "doesnotexist");
    }

    private static void assertNotFound(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException);
            assertThat(e).hasMessage(message);
        });
    }

    @Test
    void provisionedConcurrencyStaysWithinReservedAndLeavesAHundredUnreserved() {
        reservations.put(new FunctionRef(AccountContext.DEFAULT, "f", Optional.empty()), 5);
        service.put(ref("f", "1"), 3);
        assertThatThrownBy(() -> service.put(ref("f", "2"), 3)).hasMessageContaining("reservedConcurrentExecution");
        service.put(ref("f", "1"), 5);

        createFunction("g", "1");
        // 1000 account − 5 reserved for f = 995 unreserved; 100 must stay free
        service.put(ref("g", "1"), 895);
        assertThatThrownBy(() -> service.put(ref("g", "1"), 896)).hasMessageContaining("minimum value of [100]");
    }

    private void createFunction(String name, String... versions) {
        FunctionConfiguration configuration = new FunctionConfiguration("python3.12", "app.handler",
                "arn:aws:iam::000000000000:role/r", "", 128, 3, 512, Map.of(), List.of("x86_64"), "None",
                "PassThrough");
        store.transact(tx -> {
            tx.insertFunction(new FunctionRecord(name, NOW, versions.length, Map.of()),
                    new FunctionVersion(name, FunctionVersion.LATEST, configuration, new CodeRef("sha-" + name, 10), NOW, "rev"));
            for (String version : versions) {
                tx.putVersion(new FunctionVersion(name, version, configuration, new CodeRef("sha-" + name, 10), NOW, "rev"));
            }
            return null;
        });
    }
}
