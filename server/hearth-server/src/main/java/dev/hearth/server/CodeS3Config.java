package dev.hearth.server;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where CreateFunction's and UpdateFunctionCode's {@code S3Bucket}/{@code S3Key} are read from: an
 * S3-compatible store (AWS S3, MinIO, Ceph RGW, S3Proxy), addressed path-style.
 *
 * @param endpoint the store's URL, e.g. {@code http://127.0.0.1:9000}
 * @param region the region requests are signed for
 * @param credentialsFile an AWS shared-credentials file to take the key from; with {@code profile}
 *     empty too, the AWS SDK's default chain (environment, system properties, {@code ~/.aws}, ...)
 * @param profile the profile of that file (or of the default {@code ~/.aws/credentials}) to use
 */
public record CodeS3Config(URI endpoint, String region, Optional<Path> credentialsFile, Optional<String> profile) {
    /** The region requests are signed for when none is configured. */
    public static final String DEFAULT_REGION = "us-east-1";

    public CodeS3Config {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("the code S3 endpoint must be an http or https URL: " + endpoint);
        }
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentialsFile, "credentialsFile");
        Objects.requireNonNull(profile, "profile");
    }
}
