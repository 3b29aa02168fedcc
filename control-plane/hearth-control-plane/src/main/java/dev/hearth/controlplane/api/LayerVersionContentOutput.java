package dev.hearth.controlplane.api;

/** A layer version's {@code Content}: a download link valid for ten minutes, and the package's digest and size. */
public record LayerVersionContentOutput(String location, String codeSha256, long codeSize) {}
