package dev.hearth.runtimes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Locates the test functions under {@code src/test/resources/functions} and reads what runtimes post. */
final class FunctionFixtures {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FunctionFixtures() {}

    static Path directory(String name) {
        try {
            return Path.of(FunctionFixtures.class.getClassLoader().getResource("functions/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T result(CompletableFuture<T> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    static JsonNode successBody(RuntimeApiTestServer.Outcome outcome) {
        if (!(outcome instanceof RuntimeApiTestServer.Outcome.Success success)) {
            throw new AssertionError("expected a response, got " + outcome);
        }
        return json(success.body());
    }

    static RuntimeApiTestServer.Outcome.Failure failure(RuntimeApiTestServer.Outcome outcome) {
        if (!(outcome instanceof RuntimeApiTestServer.Outcome.Failure failure)) {
            throw new AssertionError("expected an error, got " + outcome);
        }
        return failure;
    }
}
