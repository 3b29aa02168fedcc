package dev.hearth.controlplane.api;

import java.util.Map;

/** TagResource's request body; also ListTags' response. */
public record TagsInput(Map<String, String> tags) {}
