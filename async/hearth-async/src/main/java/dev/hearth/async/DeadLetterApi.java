package dev.hearth.async;

import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.AwsJson;
import dev.hearth.http.Route;
import dev.hearth.queue.spi.DeadLetter;
import dev.hearth.queue.spi.EventQueue;
import dev.hearth.queue.spi.QueuedEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hearth's own routes for the dead letters (events given up on without an OnFailure destination),
 * for {@code hearth dlq}:
 *
 * <ul>
 *   <li>{@code GET /hearth/dlq?FunctionName=&Marker=&MaxItems=} lists them, oldest first:
 *       {@code {"DeadLetters": [ITEM…], "NextMarker": ID}};
 *   <li>{@code GET /hearth/dlq/{EventId}} returns one ITEM with its {@code Payload} (text);
 *   <li>{@code POST /hearth/dlq/{EventId}/redrive} puts it back on the queue as if just accepted;
 *   <li>{@code DELETE /hearth/dlq/{EventId}} deletes it (204).
 * </ul>
 *
 * ITEM is {@code {"EventId", "FunctionName", "Qualifier", "Reason", "EnqueuedAt", "DeadLetteredAt",
 * "Attempts", "SystemRetries", "LastError", "PayloadSize"}} (instants in ISO-8601). An unknown id is
 * {@code ResourceNotFoundException}. Thread-safe.
 */
public final class DeadLetterApi {
    private static final long REQUEST_LIMIT = 64 * 1024;
    private static final int DEFAULT_MAX_ITEMS = 50;
    private static final int SCAN_PAGE = 200;

    private final EventQueue queue;
    private final Runnable redriven;

    /**
     * @param redriven called after a redrive (wakes the pollers)
     */
    public DeadLetterApi(EventQueue queue, Runnable redriven) {
        this.queue = queue;
        this.redriven = redriven;
    }

    public List<Route> routes() {
        return List.of(
                new Route("GET", "/hearth/dlq", "ListDeadLetters", REQUEST_LIMIT, this::list),
                new Route("GET", "/hearth/dlq/{EventId}", "GetDeadLetter", REQUEST_LIMIT, this::get),
                new Route("POST", "/hearth/dlq/{EventId}/redrive", "RedriveDeadLetter", REQUEST_LIMIT, this::redrive),
                new Route("DELETE", "/hearth/dlq/{EventId}", "DeleteDeadLetter", REQUEST_LIMIT, this::delete));
    }

    /** One dead letter as the routes write it. */
    record Item(String eventId, String functionName, String qualifier, String reason, String enqueuedAt,
            String deadLetteredAt, int attempts, int systemRetries, String lastError, int payloadSize, String payload) {

        static Item of(DeadLetter letter, boolean withPayload) {
            QueuedEvent e = letter.event();
            return new Item(e.id(), e.functionName(), e.qualifier(), letter.reason(), e.enqueuedAt().toString(),
                    letter.deadLetteredAt().toString(), e.attempts(), e.systemRetries(), e.lastError().orElse(null),
                    e.payloadSize(), withPayload ? new String(e.payload(), StandardCharsets.UTF_8) : null);
        }
    }

    record ListOutput(List<Item> deadLetters, String nextMarker) {}

    record RedriveOutput(String eventId, boolean redriven) {}

    private ApiResponse list(ApiRequest request) {
        Optional<String> function = request.query("FunctionName");
        int maxItems = request.queryInt("MaxItems").orElse(DEFAULT_MAX_ITEMS);
        if (maxItems < 1 || maxItems > 1_000) {
            throw LambdaException.invalidParameter("MaxItems must be between 1 and 1000, was " + maxItems);
        }
        Optional<String> after = request.query("Marker");
        List<Item> items = new ArrayList<>();
        boolean more = false;
        scan:
        while (true) {
            List<DeadLetter> page = queue.listDeadLetters(after, SCAN_PAGE);
            for (DeadLetter letter : page) {
                after = Optional.of(letter.event().id());
                if (function.isPresent() && !function.get().equals(letter.event().functionName())) {
                    continue;
                }
                if (items.size() == maxItems) {
                    more = true;
                    break scan;
                }
                items.add(Item.of(letter, false));
            }
            if (page.size() < SCAN_PAGE) {
                break;
            }
        }
        String next = more ? items.getLast().eventId() : null;
        return ApiResponse.json(200, AwsJson.write(new ListOutput(items, next)));
    }

    private ApiResponse get(ApiRequest request) {
        String id = request.path("EventId");
        DeadLetter letter = queue.findDeadLetter(id).orElseThrow(() -> notFound(id));
        return ApiResponse.json(200, AwsJson.write(Item.of(letter, true)));
    }

    private ApiResponse redrive(ApiRequest request) {
        String id = request.path("EventId");
        if (!queue.redrive(id)) {
            throw notFound(id);
        }
        redriven.run();
        return ApiResponse.json(200, AwsJson.write(new RedriveOutput(id, true)));
    }

    private ApiResponse delete(ApiRequest request) {
        String id = request.path("EventId");
        if (!queue.deleteDeadLetter(id)) {
            throw notFound(id);
        }
        return ApiResponse.noContent();
    }

    private static LambdaException notFound(String id) {
        return LambdaException.notFound("There is no dead letter with event id " + id + ".");
    }
}
