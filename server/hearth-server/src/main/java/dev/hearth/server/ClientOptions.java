package dev.hearth.server;

import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Options shared by client sub-commands: which Hearth to talk to, and a Lambda client for it that
 * signs with the usual AWS credentials when there are any (required when the server verifies
 * signatures) and sends unsigned requests otherwise.
 */
final class ClientOptions {
    @Option(names = "--endpoint", defaultValue = "${env:HEARTH_ENDPOINT:-http://127.0.0.1:" + HearthConfig.DEFAULT_PORT + "}",
            description = "Hearth server URL (env HEARTH_ENDPOINT; default ${DEFAULT-VALUE}).")
    URI endpoint;

    @Option(names = "--region", defaultValue = "${env:AWS_REGION:-us-east-1}", description = "Region to sign requests for (default ${DEFAULT-VALUE}).")
    String region;

    LambdaClient lambda() {
        return LambdaClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMinutes(16)))
                .build();
    }

    /** A CloudWatch Logs client for Hearth's log API (served on the same endpoint). */
    CloudWatchLogsClient logs() {
        return CloudWatchLogsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    private static AwsCredentialsProvider credentials() {
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(DefaultCredentialsProvider.builder().build(), AnonymousCredentialsProvider.create())
                .reuseLastProviderEnabled(true)
                .build();
    }
}
