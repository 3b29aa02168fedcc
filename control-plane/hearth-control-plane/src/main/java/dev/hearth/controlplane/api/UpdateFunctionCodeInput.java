package dev.hearth.controlplane.api;

import java.util.List;

/** UpdateFunctionCode's request body. */
public record UpdateFunctionCodeInput(
        byte[] zipFile,
        String s3Bucket,
        String s3Key,
        String s3ObjectVersion,
        String imageUri,
        Boolean publish,
        Boolean dryRun,
        String revisionId,
        List<String> architectures) {}
