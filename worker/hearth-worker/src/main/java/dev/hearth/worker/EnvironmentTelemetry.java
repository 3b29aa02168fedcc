package dev.hearth.worker;

import dev.hearth.worker.runtimeapi.ExtensionAnswer;
import dev.hearth.worker.runtimeapi.JsonText;
import dev.hearth.worker.runtimeapi.TelemetryApi;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The telemetry of one execution environment: the subscriptions of its extensions (Telemetry API
 * and Logs API), each with Lambda's buffering ({@code maxItems}, {@code maxBytes}, {@code timeoutMs}),
 * the events published into them ({@code platform.*}, {@code function} and {@code extension} lines,
 * in the 2022-12-13 schema), and the batches handed to the in-sandbox relay when due. Events
 * published before Init ends are kept and given to each subscription made during Init, so that a
 * subscriber sees {@code platform.initStart} as on Lambda.
 *
 * <p>Threading: thread-safe; its lock is a leaf (nothing is called while it is held).
 */
final class EnvironmentTelemetry implements TelemetryApi {
    /** Events kept per subscription when its listener falls behind; older ones are dropped. */
    private static final int MAX_QUEUED = 10_000;
    /** Events of Init kept for subscriptions made during Init. */
    private static final int MAX_EARLY = 1_000;
    private static final Set<String> TYPES = Set.of("platform", "function", "extension");
    private static final Pattern URI_MEMBER = Pattern.compile("\"URI\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern PROTOCOL = Pattern.compile("\"protocol\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern TYPES_MEMBER = Pattern.compile("\"types\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private final EnvironmentExtensions extensions;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<Event> early = new ArrayList<>();
    private boolean initDone;
    private boolean closed;

    private record Event(String category, String json) {}

    /** One subscription and its buffer. */
    private static final class Subscription {
        final Set<String> types;
        final int port;
        final String path;
        final int maxItems;
        final long maxBytes;
        final long timeoutMs;
        final Deque<String> buffer = new ArrayDeque<>();
        long bytes;
        long firstAtNanos;

        Subscription(Set<String> types, int port, String path, int maxItems, long maxBytes, long timeoutMs) {
            this.types = types;
            this.port = port;
            this.path = path;
            this.maxItems = maxItems;
            this.maxBytes = maxBytes;
            this.timeoutMs = timeoutMs;
        }

        void add(String json) {
            if (buffer.isEmpty()) {
                firstAtNanos = System.nanoTime();
            }
            if (buffer.size() >= MAX_QUEUED) {
                bytes -= buffer.removeFirst().length();
            }
            buffer.add(json);
            bytes += json.length();
        }

        /** Nanoseconds until this buffer is due (0: now); empty when it holds nothing. */
        OptionalLong dueIn(long now) {
            if (buffer.isEmpty()) {
                return OptionalLong.empty();
            }
            if (buffer.size() >= maxItems || bytes >= maxBytes) {
                return OptionalLong.of(0);
            }
            return OptionalLong.of(Math.max(0, firstAtNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs) - now));
        }

        Batch take() {
            StringBuilder json = new StringBuilder("[");
            long taken = 0;
            for (int items = 0; !buffer.isEmpty() && items < maxItems; items++) {
                String event = buffer.peekFirst();
                if (items > 0 && taken + event.length() > maxBytes) {
                    break;
                }
                buffer.removeFirst();
                bytes -= event.length();
                taken += event.length();
                json.append(items > 0 ? "," : "").append(event);
            }
            firstAtNanos = System.nanoTime();
            return new Batch(port, path, json.append(']').toString());
        }
    }

    EnvironmentTelemetry(EnvironmentExtensions extensions, InstantSource clock) {
        this.extensions = extensions;
        this.clock = clock;
    }

    @Override
    public ExtensionAnswer subscribe(String identifier, String body, boolean logsApi) {
        if (!extensions.isRegistered(identifier)) {
            return ExtensionAnswer.unknownIdentifier(identifier);
        }
        String protocol = first(PROTOCOL, body).orElse("");
        if (!protocol.equals("HTTP")) {
            return invalid("destination.protocol must be HTTP (Hearth delivers telemetry over HTTP only), not '" + protocol + "'");
        }
        URI uri;
        try {
            uri = new URI(first(URI_MEMBER, body).orElse(""));
        } catch (URISyntaxException e) {
            return invalid("destination.URI is not a URI: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) || uri.getPort() <= 0) {
            return invalid("destination.URI must be http://sandbox.localdomain:PORT/path with a port");
        }
        Set<String> types = new LinkedHashSet<>();
        Matcher list = TYPES_MEMBER.matcher(body);
        if (list.find()) {
            Matcher quoted = QUOTED.matcher(list.group(1));
            while (quoted.find()) {
                types.add(quoted.group(1));
            }
        }
        if (types.isEmpty() || !TYPES.containsAll(types)) {
            return invalid("types must be a non-empty list of platform, function and extension");
        }
        OptionalLong maxItems = number("maxItems", body);
        OptionalLong maxBytes = number("maxBytes", body);
        OptionalLong timeoutMs = number("timeoutMs", body);
        if (outside(maxItems, 25, 10_000) || outside(maxBytes, 262_144, 1_048_576) || outside(timeoutMs, 25, 30_000)) {
            return invalid("buffering: maxItems must be 25 to 10000, maxBytes 262144 to 1048576, timeoutMs 25 to 30000");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        Subscription subscription = new Subscription(Set.copyOf(types), uri.getPort(), path,
                (int) maxItems.orElse(1_000), maxBytes.orElse(262_144), timeoutMs.orElse(1_000));
        lock.lock();
        try {
            if (closed) {
                return ExtensionAnswer.shuttingDown();
            }
            early.stream().filter(e -> subscription.types.contains(e.category())).forEach(e -> subscription.add(e.json()));
            subscriptions.add(subscription);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return new ExtensionAnswer(200, Map.of(), "\"OK\"");
    }

    private static ExtensionAnswer invalid(String message) {
        return ExtensionAnswer.error(400, "ValidationError", message);
    }

    private static Optional<String> first(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static OptionalLong number(String member, String body) {
        Matcher m = Pattern.compile("\"" + member + "\"\\s*:\\s*(-?\\d{1,12})").matcher(body);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static boolean outside(OptionalLong value, long min, long max) {
        return value.isPresent() && (value.getAsLong() < min || value.getAsLong() > max);
    }

    @Override
    public Optional<Batch> awaitBatch() throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                long now = System.nanoTime();
                long wait = Long.MAX_VALUE;
                for (Subscription subscription : subscriptions) {
                    OptionalLong due = subscription.dueIn(now);
                    if (due.isPresent() && due.getAsLong() == 0) {
                        return Optional.of(subscription.take());
                    }
                    if (due.isPresent()) {
                        wait = Math.min(wait, due.getAsLong());
                    }
                }
                if (wait == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(wait);
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Publishes one event of {@code category} ({@code platform}, {@code function} or {@code
     * extension}) with Lambda's {@code {"time", "type", "record"}} envelope; {@code record} is JSON.
     */
    void publish(String category, String type, String record) {
        String json = "{\"time\":" + JsonText.quote(PlatformLog.timestamp(clock.instant())) + ",\"type\":"
                + JsonText.quote(type) + ",\"record\":" + record + "}";
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (!initDone && early.size() < MAX_EARLY) {
                early.add(new Event(category, json));
            }
            boolean any = false;
            for (Subscription subscription : subscriptions) {
                if (subscription.types.contains(category)) {
                    subscription.add(json);
                    any = true;
                }
            }
            if (any) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A line of the sandbox's output: an extension's when it carries the launcher's mark. */
    void publishLine(String line, boolean fromExtension) {
        String category = fromExtension ? "extension" : "function";
        publish(category, category, JsonText.quote(line));
    }

    /** Init is over: events are no longer kept for later subscriptions. */
    void initDone() {
        lock.lock();
        try {
            initDone = true;
            early.clear();
        } finally {
            lock.unlock();
        }
    }

    /** The environment is gone: the relay is sent away, nothing more is published. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
