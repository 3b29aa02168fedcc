package dev.hearth.controlplane.api;

import java.util.List;

/** A code signing configuration's {@code AllowedPublishers}: the signing profile versions it trusts. */
public record AllowedPublishers(List<String> signingProfileVersionArns) {}
