package dev.hearth.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.io.CharConversionException;
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
            if (e.getCause() instanceof LambdaException refused) {
                throw refused; // a record's own check refused a value: that answer stands
            }
            throw new LambdaException(LambdaErrorType.InvalidRequestContentException,
                    "Could not parse request body into json: " + describe(e));
        } catch (CharConversionException e) {
            // bytes in no encoding JSON may use (e.g. a UTF-32 byte order Jackson cannot read): the
            // client's body is at fault, not the server; reading an array fails in no other way
            throw new LambdaException(LambdaErrorType.InvalidRequestContentException,
                    "Could not parse request body into json: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What is wrong with a JSON body, in terms of the JSON and its members: Jackson's own messages
     * for values of the wrong kind name the Java types they were read into (Hearth's classes among
     * them), which a client must not see; a syntax error's message names only the JSON.
     */
    public static String describe(JacksonException e) {
        return switch (e) {
            case UnrecognizedPropertyException unknown -> "Unrecognized field '" + unknown.getPropertyName() + "'";
            case MismatchedInputException mismatched -> "Unexpected value" + at(mismatched)
                    + (mismatched.getTargetType() == null ? "" : ": expected " + jsonKind(mismatched.getTargetType()));
            case JsonMappingException mapping -> "Invalid value" + at(mapping);
            default -> e.getOriginalMessage();
        };
    }

    private static String at(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "" : " for '" + path + "'";
    }

    private static String jsonKind(Class<?> type) {
        Class<?> boxed = type.isPrimitive() ? java.lang.invoke.MethodType.methodType(type).wrap().returnType() : type;
        if (Number.class.isAssignableFrom(boxed)) {
            return "a number";
        }
        if (boxed == Boolean.class) {
            return "a boolean";
        }
        if (CharSequence.class.isAssignableFrom(boxed) || boxed.isEnum() || boxed == byte[].class) {
            return "a string";
        }
        if (boxed.isArray() || java.util.Collection.class.isAssignableFrom(boxed)) {
            return "an array";
        }
        return "an object";
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
