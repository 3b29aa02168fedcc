package dev.hearth.frontend;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hearth.controlplane.FunctionResolver;
import dev.hearth.controlplane.ResolvedFunction;
import dev.hearth.controlplane.VersionStates;
import dev.hearth.core.AccountContext;
import dev.hearth.core.FunctionRef;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.worker.InvocationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lambda's Invoke operation (the invoke frontend): resolves the function and qualifier, validates
 * the invocation type and payload, and runs the invocation on the worker.
 *
 * <p>A synchronous invocation holds a {@link CounterService} permit while it runs: beyond the
 * account's or the function's concurrency it is refused with 429 {@code TooManyRequestsException}.
 *
 * <p>{@code RequestResponse} waits for the result (200, with {@code X-Amz-Function-Error} when the
 * function failed); {@code DryRun} only checks that the invocation would be accepted (204);
 * {@code Event} is handed to the asynchronous path when one is configured. A version whose
 * {@link VersionStates state} is {@code Pending} (a SnapStart snapshot being taken) is refused for
 * every type with 409 {@code SnapStartNotReadyException}, as Lambda does.
 */
public final class InvokeApi {
    /** Lambda's synchronous payload limit: 6 MB. */
    public static final long SYNC_PAYLOAD_LIMIT = 6L * 1024 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private final FunctionResolver resolver;
    private final SynchronousInvocations invocations;
    private final AccountContext account;
    private final Optional<AsyncInvoker> async;
    private final VersionStates versionStates;

    public InvokeApi(FunctionResolver resolver, SynchronousInvocations invocations, AccountContext account,
            Optional<AsyncInvoker> async, VersionStates versionStates) {
        this.resolver = resolver;
        this.invocations = invocations;
        this.account = account;
        this.async = async;
        this.versionStates = versionStates;
    }

    public List<Route> routes() {
        return List.of(new Route("POST", "/2015-03-31/functions/{FunctionName}/invocations", "Invoke",
                SYNC_PAYLOAD_LIMIT, this::invoke));
    }

    private ApiResponse invoke(ApiRequest request) {
        FunctionRef ref = FunctionRef.parse(request.path("FunctionName"), account).withQualifier(request.query("Qualifier"));
        String type = request.header("X-Amz-Invocation-Type").orElse("RequestResponse");
        ResolvedFunction resolved = resolver.resolve(ref);
        if (versionStates.stateOf(resolved.version()).isPending()) {
            // only SnapStart versions are ever Pending in Hearth
            throw new LambdaException(LambdaErrorType.SnapStartNotReadyException, "Hearth is taking the SnapStart snapshot of "
                    + resolved.versionArn() + ". It can be invoked once its state is Active.");
        }
        byte[] payload = request.body();
        requireJson(payload);
        return switch (type) {
            case "RequestResponse" -> runSynchronously(request, resolved, payload);
            case "DryRun" -> new ApiResponse(204, Map.of("X-Amz-Executed-Version", resolved.version().version()), new byte[0], null);
            case "Event" -> async.orElseThrow(() -> LambdaException.invalidParameter(
                            "Asynchronous invocation (InvocationType Event) is not enabled on this Hearth server."))
                    .accept(request, resolved, payload);
            default -> throw LambdaException.invalidParameter("1 validation error detected: Value '" + type
                    + "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
        };
    }

    private ApiResponse runSynchronously(ApiRequest request, ResolvedFunction resolved, byte[] payload) {
        boolean tail = request.header("X-Amz-Log-Type").map("Tail"::equals).orElse(false);
        InvocationResult result = invocations.invoke(resolved, request.requestId(), payload,
                request.header("X-Amz-Client-Context"), tail);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Amz-Executed-Version", result.executedVersion());
        result.functionError().ifPresent(error -> headers.put("X-Amz-Function-Error", error));
        if (tail) {
            headers.put("X-Amz-Log-Result", Base64.getEncoder().encodeToString(
                    result.logTail().orElse("").getBytes(StandardCharsets.UTF_8)));
        }
        return new ApiResponse(200, headers, result.payload(), ApiResponse.JSON);
    }

    private static void requireJson(byte[] payload) {
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

    /** Accepts Event invocations for the asynchronous path (the durable internal queue). */
    @FunctionalInterface
    public interface AsyncInvoker {
        ApiResponse accept(ApiRequest request, ResolvedFunction resolved, byte[] payload);
    }
}
