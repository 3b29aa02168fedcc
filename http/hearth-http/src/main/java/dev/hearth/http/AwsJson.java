package dev.hearth.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON as Lambda's REST API (and AWS's other PascalCase JSON APIs) writes it: PascalCase field
 * names from lower-camel-case record components, absent fields left out, {@code byte[]} as base64.
 * Thread-safe.
 */
public final class AwsJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private static final ObjectMapper PLAIN = JsonMapper.builder().build();

    private AwsJson() {}

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a request body; an empty body reads as an empty object.
     *
     * @throws LambdaException InvalidRequestContentException when the body is not JSON of that shape
     */
    public static <T> T read(byte[] body, Class<T> type) {
        try {
            return MAPPER.readValue(body.length == 0 ? "{}".getBytes() : body, type);
        } catch (JacksonException e) {
            throw new LambdaException(LambdaErrorType.InvalidRequestContentException,
                    "Could not parse request body into json: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a value with its own (not PascalCase) names, for bodies whose keys are data. */
    public static byte[] writePlain(Object value) {
        try {
            return PLAIN.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
