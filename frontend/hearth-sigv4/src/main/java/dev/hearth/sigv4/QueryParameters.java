package dev.hearth.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The parameters of a raw query string, in arrival order. Immutable. */
final class QueryParameters {
    static final String SIGNATURE = "X-Amz-Signature";

    /** One parameter as received, still percent-encoded; {@code encodedValue} is "" without '='. */
    private record Parameter(String encodedName, String encodedValue) {
        String name() {
            return new String(UriEncoding.decode(encodedName), StandardCharsets.UTF_8);
        }
    }

    private record CanonicalParameter(String name, String value) {
    }

    private final List<Parameter> parameters;

    private QueryParameters(List<Parameter> parameters) {
        this.parameters = List.copyOf(parameters);
    }

    static QueryParameters parse(String rawQuery) {
        List<Parameter> parameters = new ArrayList<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                parameters.add(eq < 0
                        ? new Parameter(pair, "")
                        : new Parameter(pair.substring(0, eq), pair.substring(eq + 1)));
            }
        }
        return new QueryParameters(parameters);
    }

    /** The decoded value of the first parameter whose decoded name is {@code name}. */
    Optional<String> first(String name) {
        for (Parameter parameter : parameters) {
            if (parameter.name().equals(name)) {
                return Optional.of(new String(UriEncoding.decode(parameter.encodedValue()), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /**
     * SigV4's canonical query string: each name and value re-encoded, sorted by name then value,
     * joined with {@code &}; {@code X-Amz-Signature} left out when {@code withoutSignature}.
     */
    String canonical(boolean withoutSignature) {
        List<CanonicalParameter> canonical = new ArrayList<>(parameters.size());
        for (Parameter parameter : parameters) {
            if (withoutSignature && parameter.name().equals(SIGNATURE)) {
                continue;
            }
            canonical.add(new CanonicalParameter(
                    UriEncoding.reencode(parameter.encodedName()), UriEncoding.reencode(parameter.encodedValue())));
        }
        canonical.sort(Comparator.comparing(CanonicalParameter::name).thenComparing(CanonicalParameter::value));
        StringBuilder out = new StringBuilder();
        for (CanonicalParameter parameter : canonical) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(parameter.name()).append('=').append(parameter.value());
        }
        return out.toString();
    }
}
