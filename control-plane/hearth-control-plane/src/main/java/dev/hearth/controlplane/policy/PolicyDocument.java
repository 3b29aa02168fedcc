package dev.hearth.controlplane.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A resource-based policy: its statements in the order they were added, rendered as GetPolicy's
 * {@code Policy} string ({@code {"Version":"2012-10-17","Id":"default","Statement":[...]}}, compact
 * JSON) and read back from it. Immutable; {@link #with} and {@link #without} make new documents.
 */
public record PolicyDocument(List<PolicyStatement> statements) {
    /** Lambda's limit on a function's (and a layer version's) policy, in bytes of its JSON. */
    public static final int MAX_BYTES = 20_480;
    public static final PolicyDocument EMPTY = new PolicyDocument(List.of());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "2012-10-17";
    private static final String ID = "default";

    public PolicyDocument {
        statements = List.copyOf(statements);
    }

    public Optional<PolicyStatement> statement(String sid) {
        return statements.stream().filter(s -> s.sid().equals(sid)).findFirst();
    }

    /**
     * This document with {@code statement} added at the end.
     *
     * @throws LambdaException ResourceConflictException when its Sid is taken, PolicyLengthExceededException
     *     when the document would pass {@link #MAX_BYTES}, with Lambda's messages
     */
    public PolicyDocument with(PolicyStatement statement) {
        if (statement(statement.sid()).isPresent()) {
            throw LambdaException.conflict("The statement id (" + statement.sid()
                    + ") provided already exists. Please provide a new statement id, or remove the existing statement.");
        }
        List<PolicyStatement> more = new ArrayList<>(statements);
        more.add(statement);
        PolicyDocument document = new PolicyDocument(more);
        int size = document.json().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_BYTES) {
            throw new LambdaException(LambdaErrorType.PolicyLengthExceededException,
                    "The final policy size (" + size + ") is bigger than the limit (" + MAX_BYTES + ").");
        }
        return document;
    }

    /** This document without the statement {@code sid} (unchanged when it has none). */
    public PolicyDocument without(String sid) {
        return new PolicyDocument(statements.stream().filter(s -> !s.sid().equals(sid)).toList());
    }

    public boolean isEmpty() {
        return statements.isEmpty();
    }

    /** Whether any statement allows {@code request} (every statement allows; none denies). */
    public boolean allows(PolicyRequest request) {
        return statements.stream().anyMatch(s -> s.allows(request));
    }

    /** The document as GetPolicy's {@code Policy} string. */
    public String json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("Version", VERSION);
        json.put("Id", ID);
        json.put("Statement", statements.stream().map(PolicyStatement::json).toList());
        return write(json);
    }

    /** One statement as AddPermission's {@code Statement} string. */
    public static String json(PolicyStatement statement) {
        return write(statement.json());
    }

    /** Reads a document {@link #json()} wrote. */
    public static PolicyDocument parse(String json) {
        try {
            Map<String, Object> document = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> statements = (List<Map<String, Object>>) document.get("Statement");
            return new PolicyDocument(statements.stream().map(PolicyStatement::fromJson).toList());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a policy document of Hearth's: " + e.getMessage(), e);
        }
    }

    private static String write(Object json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy could not be rendered as JSON", e);
        }
    }
}
