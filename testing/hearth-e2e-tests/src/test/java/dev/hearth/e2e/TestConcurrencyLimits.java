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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AccountLimit;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.ThrottleReason;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * The Counter service through the AWS SDK: reserved concurrency (Put/Get/DeleteFunctionConcurrency),
 * the account limit across functions, and 429 TooManyRequestsException with Lambda's Reason, under
 * real concurrent clients.
 */
final class TestConcurrencyLimits {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sleeps as asked and reports when its handler started and ended (seconds since the epoch). */
    private static final String SLOW = """
            import time
            def handler(event, context):
                start = time.time()
                time.sleep(event.get("sleep", 0))
                return {"start": start, "end": time.time()}
            """;

    /**
     * How long each invocation that must overlap others sleeps: long enough that invocations started
     * together are all running at once even when a loaded machine starts their requests or sandboxes
     * seconds apart.
     */
    private static final double OVERLAP_SECONDS = 3.0;
    /**
     * How long the invocations that hold every permit sleep while the test asserts that others are
     * throttled: the hold outlasts the time from the last throttle to the next request by far.
     */
    private static final double HOLD_SECONDS = 6.0;

    private static HearthTestServer server;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        server = HearthTestServer.start();
        lambda = server.client();
    }

    @AfterAll
    static void stop() throws Exception {
        lambda.close();
        server.close();
    }

    @Test
    void reservedConcurrencyOfTwoRunsExactlyTwoAndThrottlesTheRest() throws Exception {
        lambda.createFunction(pythonFunction("reserved-two", pythonZip(SLOW)).timeout(60).build());
        lambda.putFunctionConcurrency(r -> r.functionName("reserved-two").reservedConcurrentExecutions(2));

        List<Outcome> outcomes = invokeAtOnce(lambda, List.of("reserved-two"), 20, OVERLAP_SECONDS);

        List<Interval> ran = outcomes.stream().flatMap(o -> o.ran().stream()).toList();
        List<TooManyRequestsException> throttled = outcomes.stream().flatMap(o -> o.throttled().stream()).toList();
        assertThat(ran.size() + throttled.size()).isEqualTo(20);
        assertThat(ran).hasSizeGreaterThanOrEqualTo(2);
        assertThat(maxOverlap(ran)).isEqualTo(2);
        assertThat(throttled).isNotEmpty().allSatisfy(e -> {
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.reason()).isEqualTo(ThrottleReason.RESERVED_FUNCTION_CONCURRENT_INVOCATION_LIMIT_EXCEEDED);
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate Exceeded.");
        });
    }

    @Test
    void theAccountLimitHoldsAcrossFunctions() throws Exception {
        try (HearthTestServer small = HearthTestServer.start(Optional.empty(), c -> c.withConcurrencyLimit(3));
                LambdaClient client = small.client()) {
            client.createFunction(pythonFunction("first", pythonZip(SLOW)).timeout(60).build());
            client.createFunction(pythonFunction("second", pythonZip(SLOW)).timeout(60).build());
            AccountLimit limit = client.getAccountSettings(r -> { }).accountLimit();
            assertThat(limit.concurrentExecutions()).isEqualTo(3);
            assertThat(limit.unreservedConcurrentExecutions()).isEqualTo(3);
            // below 100, the whole account limit must stay unreserved
            assertThatThrownBy(() -> client.putFunctionConcurrency(r -> r.functionName("first").reservedConcurrentExecutions(1)))
                    .isInstanceOf(InvalidParameterValueException.class)
                    .hasMessageContaining("below its minimum value of [3].");

            // a storm on both functions: never more than 3 running in all
            List<Outcome> outcomes = invokeAtOnce(client, List.of("first", "second"), 12, OVERLAP_SECONDS);
            List<Interval> ran = outcomes.stream().flatMap(o -> o.ran().stream()).toList();
            List<TooManyRequestsException> throttled = outcomes.stream().flatMap(o -> o.throttled().stream()).toList();
            assertThat(ran.size() + throttled.size()).isEqualTo(12);
            assertThat(ran).hasSizeGreaterThanOrEqualTo(3);
            assertThat(maxOverlap(ran)).isEqualTo(3);
            assertThat(throttled).isNotEmpty().allSatisfy(e ->
                    assertThat(e.reason()).isEqualTo(ThrottleReason.CONCURRENT_INVOCATION_LIMIT_EXCEEDED));

            // while "first" holds all 3 (its own throttles prove it), "second" is throttled too
            try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
                List<CompletableFuture<Outcome>> busy = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    busy.add(CompletableFuture.supplyAsync(() -> invoke(client, "first", HOLD_SECONDS), pool));
                }
                // three throttles mean the other three hold every permit, and will for seconds more (HOLD_SECONDS)
                await().atMost(Duration.ofSeconds(60)).until(() -> busy.stream()
                        .filter(f -> f.isDone() && f.join().throttled().isPresent()).count() == 3);
                assertThatThrownBy(() -> client.invoke(r -> r.functionName("second").payload(SdkBytes.fromUtf8String("{}"))))
                        .isInstanceOfSatisfying(TooManyRequestsException.class, e ->
                                assertThat(e.reason()).isEqualTo(ThrottleReason.CONCURRENT_INVOCATION_LIMIT_EXCEEDED));
                List<Outcome> done = busy.stream().map(CompletableFuture::join).toList();
                assertThat(done.stream().filter(o -> o.ran().isPresent())).hasSize(3);
            }
            assertThat(client.invoke(r -> r.functionName("second").payload(SdkBytes.fromUtf8String("{}"))).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void putGetAndDeleteFunctionConcurrency() {
        lambda.createFunction(pythonFunction("managed", pythonZip(SLOW)).build());
        int unreservedBefore = lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions();
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName("managed")).reservedConcurrentExecutions()).isNull();
        assertThat(lambda.getFunction(r -> r.functionName("managed")).concurrency()).isNull();

        assertThat(lambda.putFunctionConcurrency(r -> r.functionName("managed").reservedConcurrentExecutions(5))
                .reservedConcurrentExecutions()).isEqualTo(5);
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName("managed")).reservedConcurrentExecutions()).isEqualTo(5);
        assertThat(lambda.getFunction(r -> r.functionName("managed")).concurrency().reservedConcurrentExecutions()).isEqualTo(5);
        AccountLimit limit = lambda.getAccountSettings(r -> { }).accountLimit();
        assertThat(limit.concurrentExecutions()).isEqualTo(1000);
        assertThat(limit.unreservedConcurrentExecutions()).isEqualTo(unreservedBefore - 5);

        int tooMany = unreservedBefore - 100 + 1;
        assertThatThrownBy(() -> lambda.putFunctionConcurrency(r -> r.functionName("managed").reservedConcurrentExecutions(tooMany)))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Specified ReservedConcurrentExecutions for function decreases account's"
                                + " UnreservedConcurrentExecution below its minimum value of [100]."));
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName("managed")).reservedConcurrentExecutions()).isEqualTo(5);

        lambda.deleteFunctionConcurrency(r -> r.functionName("managed"));
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName("managed")).reservedConcurrentExecutions()).isNull();
        assertThat(lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions()).isEqualTo(unreservedBefore);
        assertThatThrownBy(() -> lambda.getFunctionConcurrency(r -> r.functionName("no-such-function")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void reservedZeroThrottlesEveryInvocationUntilDeleted() {
        lambda.createFunction(pythonFunction("stopped", pythonZip(SLOW)).build());
        lambda.putFunctionConcurrency(r -> r.functionName("stopped").reservedConcurrentExecutions(0));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("stopped").payload(SdkBytes.fromUtf8String("{}"))))
                    .isInstanceOfSatisfying(TooManyRequestsException.class, e -> assertThat(e.reason())
                            .isEqualTo(ThrottleReason.RESERVED_FUNCTION_CONCURRENT_INVOCATION_LIMIT_EXCEEDED));
        }
        lambda.deleteFunctionConcurrency(r -> r.functionName("stopped"));
        assertThat(lambda.invoke(r -> r.functionName("stopped").payload(SdkBytes.fromUtf8String("{}"))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void deletingAFunctionReturnsItsReservationToTheAccount() {
        lambda.createFunction(pythonFunction("short-lived", pythonZip(SLOW)).build());
        int unreservedBefore = lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions();
        lambda.putFunctionConcurrency(r -> r.functionName("short-lived").reservedConcurrentExecutions(10));
        lambda.deleteFunction(r -> r.functionName("short-lived"));
        assertThat(lambda.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions()).isEqualTo(unreservedBefore);
        lambda.createFunction(pythonFunction("short-lived", pythonZip(SLOW)).build());
        assertThat(lambda.getFunctionConcurrency(r -> r.functionName("short-lived")).reservedConcurrentExecutions()).isNull();
    }

    @Test
    void reservationsSurviveARestart() throws Exception {
        HearthTestServer first = HearthTestServer.start();
        try (LambdaClient client = first.client()) {
            client.createFunction(pythonFunction("durable", pythonZip(SLOW)).build());
            client.putFunctionConcurrency(r -> r.functionName("durable").reservedConcurrentExecutions(7));
        }
        try (HearthTestServer second = first.restart(); LambdaClient client = second.client()) {
            assertThat(client.getFunctionConcurrency(r -> r.functionName("durable")).reservedConcurrentExecutions()).isEqualTo(7);
            assertThat(client.getAccountSettings(r -> { }).accountLimit().unreservedConcurrentExecutions()).isEqualTo(993);
        }
    }

    /** Starts {@code count} invocations at once, spread over {@code functions}, each sleeping {@code seconds}. */
    private static List<Outcome> invokeAtOnce(LambdaClient client, List<String> functions, int count, double seconds)
            throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(count)) {
            for (int i = 0; i < count; i++) {
                String function = functions.get(i % functions.size());
                futures.add(pool.submit(() -> {
                    go.await();
                    return invoke(client, function, seconds);
                }));
            }
            go.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get());
            }
            return outcomes;
        }
    }

    /** One invocation that sleeps {@code seconds}: when it ran, or how it was throttled. */
    private static Outcome invoke(LambdaClient client, String function, double seconds) {
        try {
            InvokeResponse response = client.invoke(r -> r.functionName(function)
                    .payload(SdkBytes.fromUtf8String("{\"sleep\":" + seconds + "}")));
            assertThat(response.functionError()).isNull();
            JsonNode body = JSON.readTree(response.payload().asByteArray());
            return new Outcome(Optional.of(new Interval(function, body.get("start").asDouble(), body.get("end").asDouble())),
                    Optional.empty());
        } catch (TooManyRequestsException e) {
            return new Outcome(Optional.empty(), Optional.of(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The largest number of intervals that overlap at one instant (an end before a start at the same time). */
    private static int maxOverlap(List<Interval> intervals) {
        record Edge(double at, int delta) {}
        List<Edge> edges = new ArrayList<>();
        for (Interval interval : intervals) {
            edges.add(new Edge(interval.start(), +1));
            edges.add(new Edge(interval.end(), -1));
        }
        edges.sort(Comparator.comparingDouble(Edge::at).thenComparingInt(Edge::delta));
        int running = 0;
        int max = 0;
        for (Edge edge : edges) {
            running += edge.delta();
            max = Math.max(max, running);
        }
        return max;
    }

    private record Interval(String function, double start, double end) {}

    private record Outcome(Optional<Interval> ran, Optional<TooManyRequestsException> throttled) {}
}
