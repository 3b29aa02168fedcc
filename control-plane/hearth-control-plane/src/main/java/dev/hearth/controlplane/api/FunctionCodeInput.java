package dev.hearth.controlplane.api;

/** CreateFunction's {@code Code}: the zip itself (base64 on the wire), or a location Hearth cannot read yet. */
public record FunctionCodeInput(byte[] zipFile, String s3Bucket, String s3Key, String s3ObjectVersion, String imageUri) {}
