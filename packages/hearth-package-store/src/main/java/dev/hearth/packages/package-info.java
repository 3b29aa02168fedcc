/**
 * Lambda's code storage for Hearth: a content-addressed store of function packages on local disk.
 *
 * <p>{@link dev.hearth.packages.PackageStore} accepts a package zip (untrusted input), validates it
 * against {@link dev.hearth.packages.PackageLimits}, extracts it into a read-only tree and keeps both
 * under the zip's SHA-256 ({@link dev.hearth.packages.StoredPackage#codeSha256()}, as Lambda reports
 * {@code CodeSha256}). Sandboxes run function code from {@link dev.hearth.packages.PackageStore#taskRoot}.
 * Everything a client can get wrong is reported as a {@link dev.hearth.core.LambdaException} with
 * Lambda's error type and wording.
 */
package dev.hearth.packages;
