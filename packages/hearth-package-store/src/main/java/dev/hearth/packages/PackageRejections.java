package dev.hearth.packages;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import java.util.Map;
import java.util.zip.ZipException;

/**
 * The errors a client sees when its package is refused, with Lambda's error types and, where Lambda
 * has one, Lambda's exact wording.
 */
final class PackageRejections {
    /** Lambda's message for a zip it cannot read. */
    static final String COULD_NOT_UNZIP = "Could not unzip uploaded file. Please check your file, then try to upload again.";

    /** Entry names are shown up to this many characters: an untrusted name can be 64 KiB long. */
    private static final int MAX_SHOWN_NAME_CHARS = 300;

    private PackageRejections() {}

    /** The zip is not a zip, is truncated or corrupt, or uses a feature that cannot be read. */
    static LambdaException couldNotUnzip(Throwable cause) {
        return new LambdaException(LambdaErrorType.InvalidParameterValueException, COULD_NOT_UNZIP, Map.of(), cause);
    }

    /** The zip is not a zip, is truncated or corrupt; {@code detail} says why, for the cause chain. */
    static LambdaException couldNotUnzip(String detail) {
        return couldNotUnzip(new ZipException(detail));
    }

    static LambdaException zippedTooLarge(long maxZippedBytes) {
        return new LambdaException(
                LambdaErrorType.RequestEntityTooLargeException,
                "Zipped size must be smaller than " + maxZippedBytes + " bytes");
    }

    static LambdaException unzippedTooLarge(long maxUnzippedBytes) {
        return LambdaException.invalidParameter("Unzipped size must be smaller than " + maxUnzippedBytes + " bytes");
    }

    static LambdaException tooManyEntries(int maxEntries) {
        return LambdaException.invalidParameter(
                "Deployment package must contain at most " + maxEntries + " files, directories and links");
    }

    /** An entry is unsafe or unusable; the message names the entry as the zip spells it. */
    static LambdaException badEntry(String entryName, String reason) {
        return LambdaException.invalidParameter(
                "Deployment package entry '" + printable(entryName) + "' " + reason);
    }

    /** Shows control characters (NUL, newlines) in entry names as escapes so messages stay on one line. */
    private static String printable(String name) {
        var out = new StringBuilder(Math.min(name.length(), MAX_SHOWN_NAME_CHARS) + 3);
        name.codePoints().limit(MAX_SHOWN_NAME_CHARS).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (name.codePointCount(0, name.length()) > MAX_SHOWN_NAME_CHARS) {
            out.append("...");
        }
        return out.toString();
    }
}
