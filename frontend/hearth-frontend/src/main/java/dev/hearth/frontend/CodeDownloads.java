package dev.hearth.frontend;

import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.http.Route;
import dev.hearth.packages.PackageStore;
import dev.hearth.store.spi.FunctionVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Presigned download links for function packages, as GetFunction's {@code Code.Location}: a Hearth
 * URL naming the package by content, valid for ten minutes (as Lambda's presigned S3 URLs), signed
 * with HMAC-SHA256 under a key private to this installation. Links are built on the server's public
 * URL, never on a request's {@code Host} header. Thread-safe.
 */
public final class CodeDownloads {
    private static final String PATH = "/hearth/code/";
    private static final Duration VALIDITY = Duration.ofMinutes(10);
    private static final Base64.Encoder URL_BASE64 = Base64.getUrlEncoder().withoutPadding();

    private final PackageStore packages;
    private final byte[] key;
    private final Clock clock;
    private final Supplier<String> publicUrl;

    /**
     * @param publicUrl the URL clients reach the server at, without a trailing slash (asked at each
     *     link, since a server on port 0 knows its own only once listening)
     */
    public CodeDownloads(PackageStore packages, byte[] key, Clock clock, Supplier<String> publicUrl) {
        this.packages = packages;
        this.key = key.clone();
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    /** A download URL for {@code version}'s package on the server's public URL. */
    public String location(FunctionVersion version) {
        return location(version.code().sha256());
    }

    /** A download URL for the package with this CodeSha256 (a function's or a layer's) on the server's public URL. */
    public String location(String codeSha256) {
        String code = URL_BASE64.encodeToString(Base64.getDecoder().decode(codeSha256));
        long expires = clock.instant().plus(VALIDITY).getEpochSecond();
        return publicUrl.get() + PATH + code + ".zip?Expires=" + expires + "&Signature=" + sign(code, expires);
    }

    /** The route that serves those links. It needs no SigV4: the link's own signature authorizes it. */
    public Route route() {
        return new Route("GET", PATH + "{Code}", "GetFunctionCode", 0, this::download).unsigned();
    }

    private ApiResponse download(ApiRequest request) throws IOException {
        String file = request.path("Code");
        if (!file.endsWith(".zip")) {
            throw denied();
        }
        String code = file.substring(0, file.length() - ".zip".length());
        long expires;
        try {
            expires = Long.parseLong(request.query("Expires").orElseThrow(CodeDownloads::denied));
        } catch (NumberFormatException e) {
            throw denied();
        }
        String signature = request.query("Signature").orElseThrow(CodeDownloads::denied);
        if (!MessageDigest.isEqual(sign(code, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            throw denied();
        }
        if (clock.instant().getEpochSecond() > expires) {
            throw new LambdaException(LambdaErrorType.AccessDeniedException, "Request has expired");
        }
        String sha256 = Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(code));
        Path zip = packages.zipFile(sha256).orElseThrow(
                () -> LambdaException.notFound("The function package " + sha256 + " no longer exists."));
        return new ApiResponse(200, Map.of("Content-Disposition", "attachment; filename=\"function.zip\""),
                Files.readAllBytes(zip), "application/zip");
    }

    private String sign(String code, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return URL_BASE64.encodeToString(mac.doFinal((code + "\n" + expires).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static LambdaException denied() {
        return new LambdaException(LambdaErrorType.AccessDeniedException, "The code download link is not valid.");
    }
}
