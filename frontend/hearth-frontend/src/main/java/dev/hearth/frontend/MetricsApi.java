package dev.hearth.frontend;

import dev.hearth.concurrency.CounterService;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.Route;
import dev.hearth.worker.Worker;
import dev.hearth.worker.WorkerMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /hearth/metrics}: the worker's and the Counter service's state in Prometheus' text
 * format, for scraping. Names start with {@code hearth_}; the keep-alive policy in use is the
 * {@code policy} tag of the {@code hearth_keepalive_*} series, and its decisions are counted by kind.
 *
 * <p>Not signed (a scraper cannot sign requests): it shows function-independent counts only and is
 * served on the same address as the API, so bind Hearth to a trusted interface.
 *
 * <p>Threading: thread-safe; every scrape reads the current values.
 */
public final class MetricsApi {
    /** The route's path. */
    private static final String PATH = "/hearth/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * @param counters the Counter services of every account and region served (read at each scrape:
     *     concurrency is the sum over them; the limit is per account and region, the same for each)
     */
    public MetricsApi(Worker worker, Supplier<List<CounterService>> counters) {
        String policy = worker.keepAlivePolicy().name();
        gauge("hearth_sandboxes", "Execution environments in any phase", worker, m -> m.sandboxes());
        gauge("hearth_sandboxes_idle", "Warm idle execution environments", worker, m -> m.idleSandboxes());
        gauge("hearth_sandboxes_idle_memory_megabytes", "MemorySize summed over idle environments", worker,
                m -> m.idleMemoryMb());
        gauge("hearth_prewarms_pending", "Pre-warms the keep-alive policy has scheduled", worker,
                m -> m.pendingPrewarms());
        counter("hearth_cold_starts", "Invocations that started a new environment", worker, m -> m.coldStarts());
        counter("hearth_warm_starts", "Invocations that took a warm environment", worker, m -> m.warmStarts());
        counter("hearth_prewarms_started", "Environments initialised ahead of invocations", worker,
                m -> m.prewarmsStarted());
        counter("hearth_prewarm_hits", "Invocations that took a pre-warmed environment", worker, m -> m.prewarmHits());
        counter("hearth_idle_reaped", "Environments shut down when their keep-alive ran out", worker,
                m -> m.idleReaped());
        counter("hearth_idle_memory_megabyte_minutes", "Memory held by idle environments over time", worker,
                m -> m.idleMemoryMbMinutes());
        for (Map.Entry<String, ToDoubleFunction<WorkerMetrics>> decision : Map.<String, ToDoubleFunction<WorkerMetrics>>of(
                "keep", m -> m.keepAlive().keepDecisions(),
                "prewarm", m -> m.keepAlive().prewarmDecisions(),
                "fallback", m -> m.keepAlive().fallbackDecisions()).entrySet()) {
            FunctionCounter.builder("hearth_keepalive_decisions", worker, w -> decision.getValue().applyAsDouble(w.metrics()))
                    .description("Keep-alive decisions by kind").tags("policy", policy, "decision", decision.getKey())
                    .register(registry);
        }
        Gauge.builder("hearth_keepalive_functions_tracked", worker, w -> w.metrics().keepAlive().functionsTracked())
                .description("Function versions the keep-alive policy keeps history for").tags("policy", policy)
                .register(registry);
        Gauge.builder("hearth_host_running_memory_megabytes", worker, w -> w.capacity().runningMb())
                .description("MemorySize reserved by running invocations").register(registry);
        Gauge.builder("hearth_host_waiting", worker, w -> w.capacity().waiting())
                .description("Invocations waiting for host capacity").register(registry);
        FunctionCounter.builder("hearth_host_throttles", worker, w -> w.capacity().throttled())
                .description("Invocations refused for lack of host capacity").register(registry);
        FunctionCounter.builder("hearth_host_evictions", worker, w -> w.capacity().evictions())
                .description("Times idle sandboxes were evicted to make room").register(registry);
        // strong references: Micrometer holds a gauge's state weakly, and nothing else holds this supplier
        Gauge.builder("hearth_concurrent_executions", counters,
                        c -> c.get().stream().mapToInt(CounterService::inFlight).sum())
                .description("Invocations running now").strongReference(true).register(registry);
        Gauge.builder("hearth_concurrency_limit", counters,
                        c -> c.get().stream().mapToInt(CounterService::accountLimit).max().orElse(0))
                .description("The concurrency limit of each account in each region").strongReference(true).register(registry);
    }

    private void gauge(String name, String description, Worker worker, ToDoubleFunction<WorkerMetrics> value) {
        Gauge.builder(name, worker, w -> value.applyAsDouble(w.metrics())).description(description).register(registry);
    }

    private void counter(String name, String description, Worker worker, ToDoubleFunction<WorkerMetrics> value) {
        FunctionCounter.builder(name, worker, w -> value.applyAsDouble(w.metrics())).description(description)
                .register(registry);
    }

    public List<Route> routes() {
        return List.of(new Route("GET", PATH, "GetMetrics", 0, request -> new ApiResponse(200, Map.of(),
                registry.scrape().getBytes(StandardCharsets.UTF_8), CONTENT_TYPE)).unsigned());
    }
}
