package dev.hearth.controlplane;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a function package from an S3-compatible object store: the object that CreateFunction's
 * {@code Code.S3Bucket}/{@code S3Key}/{@code S3ObjectVersion} and UpdateFunctionCode's members of the
 * same names point at. The control plane turns a {@link ReadFailure} into Lambda's error; the
 * implementation (the server's, on the AWS SDK) lives outside the control plane, which therefore does
 * not depend on an S3 client.
 *
 * <p>Threading: called concurrently from request threads; implementations are thread-safe.
 */
public interface S3CodeReader {

    /**
     * Opens the object for reading; the caller reads it to its end and closes it. Packages may be as
     * large as Lambda's unzipped limit (250 MB), so they are streamed, never read whole into memory.
     *
     * @param version the object version to read; empty for the current one
     * @throws ReadFailure when the store answers with an S3 error (NoSuchBucket, NoSuchKey,
     *     NoSuchVersion, AccessDenied, ...) or cannot be reached; an error after the first byte is an
     *     {@link java.io.IOException} of the stream
     */
    InputStream open(String bucket, String key, Optional<String> version) throws ReadFailure;

    /**
     * The store's answer to a failed GetObject: S3's error code (e.g. {@code NoSuchKey}) and message,
     * as S3 words them; Lambda quotes both in its InvalidParameterValueException.
     */
    final class ReadFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final String s3ErrorCode;

        public ReadFailure(String s3ErrorCode, String s3ErrorMessage, Throwable cause) {
            super(s3ErrorMessage, cause);
            this.s3ErrorCode = Objects.requireNonNull(s3ErrorCode);
        }

        public String s3ErrorCode() {
            return s3ErrorCode;
        }

        public String s3ErrorMessage() {
            return getMessage();
        }
    }
}
