package dev.hearth.frontend;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.core.AccountContext;
import dev.hearth.core.ConstraintViolations;
import dev.hearth.core.FunctionNameMember;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.Route;
import dev.hearth.invocation.InvocationService;
import dev.hearth.worker.InvocationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lambda's Invoke operation (the invoke frontend): parses the function reference and qualifier,
 * validates the invocation type and payload, and hands the invocation to the {@link
 * InvocationService}, which resolves it, applies the version's state and the concurrency limits,
 * and runs it.
 *
 * <p>{@code RequestResponse} waits for the result (200, with {@code X-Amz-Function-Error} when the
 * function failed); {@code DryRun} only checks that the invocation would be accepted (204);
 * {@code Event} is stored durably for the asynchronous pollers (202). A version whose state is
 * {@code Pending} (a SnapStart snapshot being taken) is refused for every type with 409 {@code
 * SnapStartNotReadyException}, as Lambda does; beyond the account's or the function's concurrency a
 * synchronous invocation is refused with 429 {@code TooManyRequestsException}. The deprecated
 * {@code InvokeAsync} takes the {@code Event} path and answers 202 {@code {"Status": 202}}.
 */
public final class InvokeApi {
    /** Lambda's synchronous payload limit: 6 MB. */
    public static final long SYNC_PAYLOAD_LIMIT = 6L * 1024 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private final InvocationService invocations;
    private final AccountContext account;

    public InvokeApi(InvocationService invocations, AccountContext account) {
        this.invocations = invocations;
        this.account = account;
    }

    public List<Route> routes() {
        // "InvokeFunction": the name Lambda gives the operation in its 413 ("Request must be smaller than
        // 6291456 bytes for the InvokeFunction operation")
        return List.of(new Route("POST", "/2015-03-31/functions/{FunctionName}/invocations", "InvokeFunction",
                SYNC_PAYLOAD_LIMIT, this::invoke),
                new Route("POST", "/2014-11-13/functions/{FunctionName}/invoke-async/", "InvokeAsync",
                        SYNC_PAYLOAD_LIMIT, this::invokeAsync));
    }

    /**
     * Lambda's deprecated InvokeAsync (2014-11-13): the body is the event, accepted exactly as an
     * {@code Event} invocation (resolved, then stored durably; 256 KB at most) and answered 202 with
     * {@code {"Status": 202}}. The function name may carry a qualifier ({@code my-function:live}).
     */
    private ApiResponse invokeAsync(ApiRequest request) {
        FunctionRef ref = FunctionRef.parse(request.path("FunctionName"), account, FunctionNameMember.NAMESPACED_FUNCTION_NAME);
        ResolvedFunction resolved = invocations.resolve(ref);
        byte[] payload = request.body();
        requireJson(payload);
        invocations.accept(resolved, request.requestId(), payload);
        return ApiResponse.json(202, "{\"Status\":202}".getBytes(StandardCharsets.UTF_8));
    }

    private ApiResponse invoke(ApiRequest request) {
        FunctionRef ref = FunctionRef.parse(request.path("FunctionName"), request.query("Qualifier"), account,
                FunctionNameMember.NAMESPACED_FUNCTION_NAME);
        String type = request.header("X-Amz-Invocation-Type").orElse("RequestResponse");
        checkHeaders(type, request.header("X-Amz-Log-Type"));
        ResolvedFunction resolved = invocations.resolve(ref);
        byte[] payload = request.body();
        requireJson(payload);
        return switch (type) {
            case "RequestResponse" -> runSynchronously(request, resolved, payload);
            case "DryRun" -> new ApiResponse(204, Map.of("X-Amz-Executed-Version", resolved.version().version()), new byte[0], null);
            case "Event" -> {
                invocations.accept(resolved, request.requestId(), payload);
                yield new ApiResponse(202, Map.of(), new byte[0], null);
            }
            default -> throw new IllegalStateException("invocation type checked before: " + type);
        };
    }

    /**
     * The invocation type and log type as Lambda's model constrains them, checked before anything
     * else: one {@code ValidationException} naming every value outside its enum.
     */
    private static void checkHeaders(String invocationType, Optional<String> logType) {
        ConstraintViolations violations = new ConstraintViolations()
                .enumValue("invocationType", invocationType, List.of("Event", "RequestResponse", "DryRun"));
        logType.ifPresent(value -> violations.enumValue("logType", value, List.of("None", "Tail")));
        violations.throwIfAny();
    }

    private ApiResponse runSynchronously(ApiRequest request, ResolvedFunction resolved, byte[] payload) {
        boolean tail = request.header("X-Amz-Log-Type").map("Tail"::equals).orElse(false);
        InvocationResult result = invocations.invoke(resolved, request.requestId(), payload,
                request.header("X-Amz-Client-Context"), tail, request.header("X-Amzn-Trace-Id"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Amz-Executed-Version", result.executedVersion());
        result.functionError().ifPresent(error -> headers.put("X-Amz-Function-Error", error));
        if (tail) {
            headers.put("X-Amz-Log-Result", Base64.getEncoder().encodeToString(
                    result.logTail().orElse("").getBytes(StandardCharsets.UTF_8)));
        }
        return new ApiResponse(200, headers, result.payload(), ApiResponse.JSON);
    }

    /** Refuses a non-empty payload that is not JSON, in Lambda's words (InvalidRequestContentException). */
    static void requireJson(byte[] payload) {
        if (payload.length == 0) {
            return;
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            parser.skipChildren();
            while (parser.nextToken() != null) {
                parser.skipChildren();
            }
        } catch (JsonProcessingException e) {
            throw new LambdaException(LambdaErrorType.InvalidRequestContentException,
                    "Could not parse request body into json: Could not parse payload into json: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading an in-memory payload failed", e);
        }
    }
}
