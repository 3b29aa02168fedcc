package dev.hearth.controlplane.api;

import java.util.List;

/**
 * A function URL's {@code Cors} member, as Lambda's model declares it; {@code null} members were not
 * given (Lambda leaves them out of its answers too).
 */
public record Cors(Boolean allowCredentials, List<String> allowHeaders, List<String> allowMethods, List<String> allowOrigins,
        List<String> exposeHeaders, Integer maxAge) {}
