package dev.hearth.controlplane.api;

/** One of a function's {@code Layers} as its configuration reports it: the layer version's ARN and package size. */
public record Layer(String arn, long codeSize) {}
