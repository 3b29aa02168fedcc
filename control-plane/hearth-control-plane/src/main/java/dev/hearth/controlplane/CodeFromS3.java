package dev.hearth.controlplane;

import static dev.hearth.core.LambdaException.invalidParameter;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.packages.PackageStore;
import dev.hearth.packages.StoredPackage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * Stores a package named by {@code S3Bucket}/{@code S3Key}/{@code S3ObjectVersion} (a function's
 * {@code Code} or a layer's {@code Content}), streamed through the server's {@link S3CodeReader} into
 * the package store, answering a failure as Lambda does: an InvalidParameterValueException quoting
 * S3's error. A package from S3 may be as large as the unzipped limit (Lambda's 50 MB zipped limit is
 * for packages sent inline). Stateless.
 */
final class CodeFromS3 {
    private CodeFromS3() {}

    /**
     * @param reader the configured reader, or {@code null} when the server has no S3-compatible store
     * @param beforeStoring runs once the object is found and before it is stored (the deployment's
     *     code-signing check, which may refuse it)
     * @throws LambdaException InvalidParameterValueException when there is no reader, a member is
     *     missing, the GetObject fails or the package is too large or invalid
     */
    static StoredPackage store(S3CodeReader reader, PackageStore packages, String bucket, String key, String objectVersion,
            Runnable beforeStoring) {
        if (reader == null) {
            throw invalidParameter("This Hearth server has no S3-compatible code store: start it with --code-s3-endpoint URL"
                    + " (env HEARTH_CODE_S3_ENDPOINT) to read Code.S3Bucket/S3Key, or pass the package itself as"
                    + " Code.ZipFile (--zip-file fileb://function.zip).");
        }
        if (bucket == null || key == null) {
            throw invalidParameter("Please provide both S3Bucket and S3Key for function code in S3.");
        }
        long limit = packages.limits().maxUnzippedBytes();
        try (InputStream object = reader.open(bucket, key, Optional.ofNullable(objectVersion))) {
            beforeStoring.run();
            return packages.put(object, limit);
        } catch (S3CodeReader.ReadFailure failure) {
            // AWS S3's own wording for the common codes (Lambda quotes S3's), the store's for the rest
            String message = switch (failure.s3ErrorCode()) {
                case "NoSuchBucket" -> "The specified bucket does not exist";
                case "NoSuchKey" -> "The specified key does not exist.";
                case "NoSuchVersion" -> "The specified version does not exist.";
                default -> failure.s3ErrorMessage();
            };
            throw invalidParameter("Error occurred while GetObject. S3 Error Code: " + failure.s3ErrorCode()
                    + ". S3 Error Message: " + message);
        } catch (LambdaException e) {
            if (e.type() == LambdaErrorType.RequestEntityTooLargeException) {
                throw invalidParameter("Unzipped size must be smaller than " + limit + " bytes");
            }
            throw e;
        } catch (IOException | UncheckedIOException e) {
            throw new LambdaException(LambdaErrorType.ServiceException, "Reading s3://" + bucket + "/" + key
                    + " failed part-way: " + e.getMessage(), Map.of(), e);
        }
    }
}
