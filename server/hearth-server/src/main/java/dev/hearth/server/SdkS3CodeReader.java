package dev.hearth.server;

import dev.hearth.controlplane.S3CodeReader;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Reads function packages with the AWS SDK's S3 client from the store of a {@link CodeS3Config},
 * path-style (as S3-compatible stores expect). Thread-safe; {@link #close} releases the client.
 */
final class SdkS3CodeReader implements S3CodeReader, AutoCloseable {
    private final S3Client s3;
    private final String endpoint;

    SdkS3CodeReader(CodeS3Config config) {
        this(config.endpoint(), config.region(), credentials(config));
    }

    SdkS3CodeReader(URI endpoint, String region, AwsCredentialsProvider credentials) {
        this.endpoint = endpoint.toString();
        this.s3 = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .forcePathStyle(true)
                // no checksum headers beyond S3's own API: S3-compatible stores (S3Proxy, older MinIO) refuse
                // unknown x-amz-* headers with NotImplemented
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    private static AwsCredentialsProvider credentials(CodeS3Config config) {
        if (config.credentialsFile().isEmpty() && config.profile().isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        ProfileCredentialsProvider.Builder profile = ProfileCredentialsProvider.builder()
                .profileName(config.profile().orElse("default"));
        config.credentialsFile().ifPresent(file -> profile.profileFile(
                ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build()));
        return profile.build();
    }

    @Override
    public InputStream open(String bucket, String key, Optional<String> version) throws ReadFailure {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
        version.ifPresent(request::versionId);
        try {
            return s3.getObject(request.build());
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                    ? "HTTP" + e.statusCode() : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                    ? e.getMessage() : e.awsErrorDetails().errorMessage();
            throw new ReadFailure(code, message, e);
        } catch (SdkClientException e) {
            throw new ReadFailure("InternalError", "The code store " + endpoint + " cannot be reached: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
