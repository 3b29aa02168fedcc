package dev.hearth.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
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
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestReservedConcurrencyService {
    private static final AccountContext ACCOUNT = AccountContext.DEFAULT;

    @TempDir
    Path dir;

    private FunctionStore store;
    private ReservedConcurrencyService service;

    @BeforeEach
    void open() {
        store = SqliteFunctionStore.open(dir.resolve("functions.db"));
        service = ReservedConcurrencyService.load(store, ConcurrencyLimits.LAMBDA_DEFAULTS, ACCOUNT);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void putGetAndDeleteReachTheStoreAndTheCounter() {
        createFunction("f");
        assertThat(service.get(ref("f"))).isEmpty();

        assertThat(service.put(ref("f"), 7)).isEqualTo(7);
        assertThat(service.get(ref("f"))).hasValue(7);
        assertThat(service.counter().reservedConcurrency("f")).hasValue(7);
        assertThat(service.counter().unreservedConcurrentExecutions()).isEqualTo(993);

        service.put(FunctionRef.parse(ACCOUNT.functionArn("f"), ACCOUNT, FunctionNameMember.FUNCTION_NAME), 3);
        assertThat(service.get(ref("f"))).hasValue(3);

        service.delete(ref("f"));
        service.delete(ref("f"));
        assertThat(service.get(ref("f"))).isEmpty();
        assertThat(service.counter().reservedConcurrency("f")).isEmpty();
        assertThat(service.counter().unreservedConcurrentExecutions()).isEqualTo(1000);
    }

    @Test
    void reservationsSurviveARestart() {
        createFunction("f");
        createFunction("g");
        service.put(ref("f"), 5);
        service.put(ref("g"), 0);
        store.close();

        store = SqliteFunctionStore.open(dir.resolve("functions.db"));
        service = ReservedConcurrencyService.load(store, ConcurrencyLimits.LAMBDA_DEFAULTS, ACCOUNT);
        assertThat(service.counter().reservations()).containsOnly(Map.entry("f", 5), Map.entry("g", 0));
        assertThat(service.counter().unreservedConcurrentExecutions()).isEqualTo(995);
    }

    @Test
    void aRefusedReservationChangesNothing() {
        createFunction("f");
        createFunction("g");
        service.put(ref("f"), 900);
        assertThatThrownBy(() -> service.put(ref("g"), 1)).isInstanceOfSatisfying(LambdaException.class,
                e -> assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException));
        assertThat(service.get(ref("g"))).isEmpty();
        assertThat(service.counter().reservations()).containsOnly(Map.entry("f", 900));
    }

    @Test
    void invalidRequestsAreRefusedWithLambdasErrors() {
        createFunction("f");
        assertThatThrownBy(() -> service.put(ref("missing"), 1)).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.ResourceNotFoundException);
            // Lambda names $LATEST in Put's answer (recorded from Lambda by LocalStack's snapshot tests)
            assertThat(e.getMessage()).isEqualTo("Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing:$LATEST");
        });
        assertThatThrownBy(() -> service.get(ref("missing"))).isInstanceOf(LambdaException.class)
                .hasMessage("Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing");
        assertThatThrownBy(() -> service.delete(ref("missing"))).isInstanceOf(LambdaException.class)
                .hasMessage("Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing");
        assertThatThrownBy(() -> service.put(ref("f"), null)).hasMessage("1 validation error detected: Value null at"
                + " 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null");
        assertThatThrownBy(() -> service.put(ref("f"), -2)).hasMessageContaining("greater than or equal to 0");
        assertThatThrownBy(() -> service.put(new FunctionRef(AccountContext.DEFAULT, "f", Optional.of("1")), 2))
                .isInstanceOfSatisfying(LambdaException.class,
                        e -> assertThat(e.type()).isEqualTo(LambdaErrorType.InvalidParameterValueException));
        assertThat(service.counter().reservations()).isEmpty();
    }

    @Test
    void deletingTheFunctionFreesItsReservation() {
        createFunction("f");
        service.put(ref("f"), 50);
        store.transact(tx -> {
            tx.deleteFunction("f");
            return null;
        });
        service.functionDeleted("f");
        assertThat(service.counter().unreservedConcurrentExecutions()).isEqualTo(1000);
        createFunction("f");
        OptionalInt recreated = service.get(ref("f"));
        assertThat(recreated).isEmpty();
    }

    private static FunctionRef ref(String name) {
        return FunctionRef.of(AccountContext.DEFAULT, name);
    }

    private void createFunction(String name) {
        Instant now = Instant.parse("2026-11-22T08:00:00Z");
        FunctionConfiguration configuration = new FunctionConfiguration("python3.12", "app.handler",
                "arn:aws:iam::000000000000:role/r", "", 128, 3, 512, Map.of(), List.of("x86_64"), "None",
                "PassThrough");
        store.transact(tx -> {
            tx.insertFunction(new FunctionRecord(name, now, 0, Map.of()),
                    new FunctionVersion(name, FunctionVersion.LATEST, configuration, new CodeRef("sha-" + name, 10), now, "rev"));
            return null;
        });
    }
}
