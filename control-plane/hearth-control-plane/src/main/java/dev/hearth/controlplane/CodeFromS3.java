package dev.hearth.controlplane;

import static dev.hearth.core.LambdaException.invalidParameter;

import dev.hearth.core.LambdaException;
import java.util.Optional;

/**
 * Reads a package named by {@code S3Bucket}/{@code S3Key}/{@code S3ObjectVersion} (a function's
 * {@code Code} or a layer's {@code Content}) through the server's {@link S3CodeReader}, answering a
 * failure as Lambda does: an InvalidParameterValueException quoting S3's error. Stateless.
 */
final class CodeFromS3 {
    private CodeFromS3() {}

    /**
     * @param reader the configured reader, or {@code null} when the server has no S3-compatible store
     * @throws LambdaException InvalidParameterValueException when there is no reader, a member is
     *     missing, or the GetObject fails
     */
    static byte[] read(S3CodeReader reader, String bucket, String key, String objectVersion) {
        if (reader == null) {
            throw invalidParameter("This Hearth server has no S3-compatible code store: start it with --code-s3-endpoint URL"
                    + " (env HEARTH_CODE_S3_ENDPOINT) to read Code.S3Bucket/S3Key, or pass the package itself as"
                    + " Code.ZipFile (--zip-file fileb://function.zip).");
        }
        if (bucket == null || key == null) {
            throw invalidParameter("Please provide both S3Bucket and S3Key for function code in S3.");
        }
        try {
            return reader.read(bucket, key, Optional.ofNullable(objectVersion));
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
        }
    }
}
