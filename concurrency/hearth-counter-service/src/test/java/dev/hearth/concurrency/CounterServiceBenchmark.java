package dev.hearth.concurrency;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Cost of one permit acquire plus release on the invoke hot path, for a function without and with a
 * reservation, from one thread and from two. Not run by the build; run it after
 * {@code ./mvnw -q -pl concurrency/hearth-counter-service test-compile dependency:build-classpath
 * -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test} with {@code java -cp
 * concurrency/hearth-counter-service/target/test-classes:concurrency/hearth-counter-service/target/classes:$(cat /tmp/cp.txt)
 * dev.hearth.concurrency.CounterServiceBenchmark}. Goal: well under a microsecond uncontended
 * (2026-11-22, this 2-core VM: 60-130 ns per acquire and release).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CounterServiceBenchmark {
    private final CounterService counter = new CounterService(ConcurrencyLimits.LAMBDA_DEFAULTS, Map.of("reserved", 500));

    @Benchmark
    public void unreserved() {
        counter.acquire("shared").close();
    }

    @Benchmark
    public void reserved() {
        counter.acquire("reserved").close();
    }

    @Benchmark
    @Threads(2)
    public void unreservedTwoThreads() {
        counter.acquire("shared").close();
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(CounterServiceBenchmark.class.getSimpleName()).build()).run();
    }
}
