package dev.hearth.bench;

import java.net.URI;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * Creates and deletes the benchmark's functions through Hearth's management API with the AWS SDK
 * for Java v2, as users do. Not used on the measured path. Thread-safe; close it when done.
 */
final class HearthFunctions implements AutoCloseable {
    static final String ROLE = "arn:aws:iam::000000000000:role/hearth-bench";

    private final LambdaClient lambda;

    HearthFunctions(URI endpoint) {
        lambda = LambdaClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    void create(String name, NoopFunction function) {
        create(name, function, List.of());
    }

    /** Creates {@code name} with the layers {@code layerArns} (LayerVersionArns), in that order. */
    void create(String name, NoopFunction function, List<String> layerArns) {
        lambda.createFunction(r -> r.functionName(name)
                .layers(layerArns)
                .runtime(function.runtime())
                .handler(function.handler())
                .role(ROLE)
                .memorySize(function.memoryMb())
                .timeout(30)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(function.zip())).build()));
    }

    /** Publishes {@code content}'s files as a new version of layer {@code name}; returns its LayerVersionArn. */
    String publishLayer(String name, NoopFunction content) {
        return lambda.publishLayerVersion(r -> r.layerName(name)
                .compatibleRuntimes(Runtime.fromValue(content.runtime()))
                .content(c -> c.zipFile(SdkBytes.fromByteArray(content.zip())))).layerVersionArn();
    }

    void delete(String name) {
        lambda.deleteFunction(r -> r.functionName(name));
    }

    @Override
    public void close() {
        lambda.close();
    }
}
