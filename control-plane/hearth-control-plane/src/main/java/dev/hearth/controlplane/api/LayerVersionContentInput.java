package dev.hearth.controlplane.api;

/** PublishLayerVersion's {@code Content}: the zip itself (base64 on the wire), or an S3 object to read it from. */
public record LayerVersionContentInput(byte[] zipFile, String s3Bucket, String s3Key, String s3ObjectVersion) {}
