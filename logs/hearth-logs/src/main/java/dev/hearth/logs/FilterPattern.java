package dev.hearth.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * CloudWatch Logs' filter pattern for unstructured log events, the subset Hearth supports:
 * <ul>
 *   <li>empty (or blank): every event matches;</li>
 *   <li>terms separated by spaces, {@code ERROR Exception}: each must occur in the message;</li>
 *   <li>quoted phrases, {@code "Task timed out"}, matched as one term ({@code \"} inside quotes is a
 *       quote);</li>
 *   <li>{@code -TERM}: the message must not contain TERM;</li>
 *   <li>{@code ?TERM ?OTHER}: at least one of the {@code ?} terms must occur (in addition to the plain
 *       terms, if any);</li>
 *   <li>{@code %REGEX%} as the whole pattern: the message must contain a match of the regular
 *       expression (Java's syntax, which covers CloudWatch's regex subset).</li>
 * </ul>
 * Matching is case-sensitive substring matching, as in CloudWatch Logs. Not supported (refused with
 * InvalidParameterException): JSON patterns {@code { $.field = ... }} and space-delimited patterns
 * {@code [ip, user, ...]}. Immutable and thread-safe.
 */
public final class FilterPattern {
    /** Matches every event. */
    public static final FilterPattern ALL = new FilterPattern("", List.of(), List.of(), List.of(), null);

    private final String source;
    private final List<String> required;
    private final List<String> excluded;
    private final List<String> anyOf;
    private final Pattern regex;

    private FilterPattern(String source, List<String> required, List<String> excluded, List<String> anyOf, Pattern regex) {
        this.source = source;
        this.required = List.copyOf(required);
        this.excluded = List.copyOf(excluded);
        this.anyOf = List.copyOf(anyOf);
        this.regex = regex;
    }

    /**
     * Parses a pattern.
     *
     * @throws dev.hearth.core.LambdaException InvalidParameterException for a malformed or unsupported
     *     pattern
     */
    public static FilterPattern parse(String pattern) {
        String text = pattern.strip();
        if (text.isEmpty()) {
            return ALL;
        }
        if (text.startsWith("{")) {
            throw LogsErrors.invalidParameter("Invalid filter pattern: JSON filter patterns ({ $.field ... }) are not supported by Hearth; use terms, quoted phrases, -term, ?term or %regex%.");
        }
        if (text.startsWith("[")) {
            throw LogsErrors.invalidParameter("Invalid filter pattern: space-delimited filter patterns ([field, ...]) are not supported by Hearth; use terms, quoted phrases, -term, ?term or %regex%.");
        }
        if (text.length() >= 2 && text.startsWith("%") && text.endsWith("%")) {
            try {
                return new FilterPattern(text, List.of(), List.of(), List.of(), Pattern.compile(text.substring(1, text.length() - 1)));
            } catch (PatternSyntaxException e) {
                throw LogsErrors.invalidParameter("Invalid filter pattern: bad regular expression: " + e.getDescription());
            }
        }
        List<String> required = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        List<String> anyOf = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            List<String> target = required;
            if (c == '-' || c == '?') {
                target = c == '-' ? excluded : anyOf;
                i++;
                if (i >= text.length() || Character.isWhitespace(text.charAt(i))) {
                    throw LogsErrors.invalidParameter("Invalid filter pattern: '" + c + "' must be followed by a term: " + pattern);
                }
            }
            StringBuilder term = new StringBuilder();
            if (text.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < text.length()) {
                    char q = text.charAt(i++);
                    if (q == '\\' && i < text.length() && text.charAt(i) == '"') {
                        term.append('"');
                        i++;
                    } else if (q == '"') {
                        closed = true;
                        break;
                    } else {
                        term.append(q);
                    }
                }
                if (!closed) {
                    throw LogsErrors.invalidParameter("Invalid filter pattern: unterminated quoted phrase: " + pattern);
                }
            } else {
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    term.append(text.charAt(i++));
                }
            }
            if (!term.isEmpty()) {
                target.add(term.toString());
            }
        }
        return new FilterPattern(text, required, excluded, anyOf, null);
    }

    public boolean matchesAll() {
        return required.isEmpty() && excluded.isEmpty() && anyOf.isEmpty() && regex == null;
    }

    public boolean matches(String message) {
        if (regex != null) {
            return regex.matcher(message).find();
        }
        for (String term : required) {
            if (!message.contains(term)) {
                return false;
            }
        }
        for (String term : excluded) {
            if (message.contains(term)) {
                return false;
            }
        }
        if (anyOf.isEmpty()) {
            return true;
        }
        for (String term : anyOf) {
            if (message.contains(term)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return source;
    }
}
