package dev.hearth.eventsources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Lambda's event filtering for SQS records: a record is processed when any filter's pattern matches
 * it. A pattern is a JSON object whose keys name the record's fields ({@code body}, {@code
 * attributes}, {@code messageAttributes}, ...); an object value descends into the field, an array
 * value lists matchers of which one must match the field (or one of its elements, when the field is
 * an array). Matchers: a literal (string, number compared numerically, boolean, null), {@code
 * {"prefix": s}}, {@code {"suffix": s}}, {@code {"equals-ignore-case": s}}, {@code {"anything-but":
 * literal | [literals] | {"prefix": s}}}, {@code {"numeric": [op, n, ...]}} with {@code = < <= > >=},
 * and {@code {"exists": bool}}; {@code "$or": [patterns]} matches when one of its patterns does. A
 * {@code body} that is JSON is matched as JSON; any other body only as its string. Immutable.
 */
final class EventFilter {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final List<JsonNode> patterns;

    private EventFilter(List<JsonNode> patterns) {
        this.patterns = patterns;
    }

    /**
     * The filter of a mapping's stored {@code FilterCriteria} ({@code {"Filters": [{"Pattern": "..."}]}}).
     *
     * @return empty when there are no filters (every record passes)
     * @throws IllegalArgumentException when a pattern is not a JSON object
     */
    static Optional<EventFilter> of(Optional<String> filterCriteria) {
        if (filterCriteria.isEmpty()) {
            return Optional.empty();
        }
        List<JsonNode> patterns = new ArrayList<>();
        for (JsonNode filter : read(filterCriteria.get()).path("Filters")) {
            patterns.add(pattern(filter.path("Pattern").asText("")));
        }
        return patterns.isEmpty() ? Optional.empty() : Optional.of(new EventFilter(List.copyOf(patterns)));
    }

    /** A pattern's JSON object. @throws IllegalArgumentException when it is none */
    static JsonNode pattern(String text) {
        JsonNode pattern = read(text);
        if (!pattern.isObject()) {
            throw new IllegalArgumentException("a filter pattern is a JSON object");
        }
        return pattern;
    }

    /** Whether a record (as the function would get it) passes. */
    boolean matches(ObjectNode record) {
        ObjectNode subject = record.deepCopy();
        JsonNode body = record.path("body");
        if (body.isTextual()) {
            try {
                JsonNode parsed = JSON.readTree(body.asText());
                if (parsed != null && (parsed.isObject() || parsed.isArray())) {
                    subject.set("body", parsed);
                }
            } catch (JsonProcessingException notJson) {
                // matched as its string
            }
        }
        return patterns.stream().anyMatch(p -> matchesObject(p, subject));
    }

    private static boolean matchesObject(JsonNode pattern, JsonNode subject) {
        for (Map.Entry<String, JsonNode> field : pattern.properties()) {
            if (field.getKey().equals("$or")) {
                boolean any = false;
                for (JsonNode alternative : field.getValue()) {
                    any |= matchesObject(alternative, subject);
                }
                if (!any) {
                    return false;
                }
                continue;
            }
            JsonNode value = subject == null || !subject.isObject() ? null : subject.get(field.getKey());
            JsonNode rule = field.getValue();
            boolean matched = rule.isObject() ? value != null && matchesObject(rule, value) : matchesAny(rule, value);
            if (!matched) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesAny(JsonNode matchers, JsonNode value) {
        if (!matchers.isArray()) {
            return false;
        }
        for (JsonNode matcher : matchers) {
            if (value != null && value.isArray()) {
                for (JsonNode element : value) {
                    if (matches(matcher, element)) {
                        return true;
                    }
                }
                if (matcher.isObject() && matcher.has("exists")) {
                    return matcher.get("exists").asBoolean();
                }
            } else if (matches(matcher, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(JsonNode matcher, JsonNode value) {
        if (!matcher.isObject()) {
            return value != null && equal(matcher, value);
        }
        if (matcher.has("exists")) {
            return matcher.get("exists").asBoolean() == (value != null);
        }
        if (value == null) {
            return false;
        }
        if (matcher.has("prefix")) {
            return value.isTextual() && value.asText().startsWith(matcher.get("prefix").asText());
        }
        if (matcher.has("suffix")) {
            return value.isTextual() && value.asText().endsWith(matcher.get("suffix").asText());
        }
        if (matcher.has("equals-ignore-case")) {
            return value.isTextual() && value.asText().toLowerCase(Locale.ROOT)
                    .equals(matcher.get("equals-ignore-case").asText().toLowerCase(Locale.ROOT));
        }
        if (matcher.has("anything-but")) {
            JsonNode excluded = matcher.get("anything-but");
            if (excluded.isArray()) {
                for (JsonNode one : excluded) {
                    if (equal(one, value)) {
                        return false;
                    }
                }
                return true;
            }
            if (excluded.isObject() && excluded.has("prefix")) {
                return !(value.isTextual() && value.asText().startsWith(excluded.get("prefix").asText()));
            }
            return !equal(excluded, value);
        }
        if (matcher.has("numeric")) {
            return value.isNumber() && numeric(matcher.get("numeric"), value.asDouble());
        }
        return false;
    }

    private static boolean numeric(JsonNode conditions, double value) {
        for (int i = 0; i + 1 < conditions.size(); i += 2) {
            double bound = conditions.get(i + 1).asDouble();
            boolean holds = switch (conditions.get(i).asText()) {
                case "=" -> value == bound;
                case "<" -> value < bound;
                case "<=" -> value <= bound;
                case ">" -> value > bound;
                case ">=" -> value >= bound;
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(JsonNode literal, JsonNode value) {
        if (literal.isNumber() && value.isNumber()) {
            return literal.asDouble() == value.asDouble();
        }
        return literal.equals(value);
    }

    private static JsonNode read(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null) {
                throw new IllegalArgumentException("an empty filter pattern");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a filter pattern that is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
