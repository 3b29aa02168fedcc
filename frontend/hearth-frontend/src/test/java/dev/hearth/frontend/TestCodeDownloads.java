package dev.hearth.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.core.AccountContext;
import dev.hearth.core.LambdaErrorType;
import dev.hearth.core.LambdaException;
import dev.hearth.http.ApiRequest;
import dev.hearth.http.ApiResponse;
import dev.hearth.packages.PackageLimits;
import dev.hearth.packages.PackageStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GetFunction's code links: the package for a link as issued; a changed, foreign or expired link refused. */
final class TestCodeDownloads {
    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private PackageStore packages;
    private CodeDownloads downloads;
    private byte[] zip;
    private String sha256;

    @BeforeEach
    void setUp() throws IOException {
        packages = PackageStore.open(dir.resolve("packages"), PackageLimits.defaults());
        downloads = new CodeDownloads(packages, "k".repeat(32).getBytes(StandardCharsets.US_ASCII), clock, () -> "https://hearth.test");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("app.py"));
            out.write("def handler(e, c): return 1\n".getBytes(StandardCharsets.UTF_8));
        }
        zip = bytes.toByteArray();
        sha256 = packages.put(zip).codeSha256();
    }

    @AfterEach
    void tearDown() {
        packages.close();
    }

    @Test
    void aLinkAsIssuedServesThePackageUntilItExpires() throws IOException {
        String link = downloads.location(sha256);
        assertThat(link).startsWith("https://hearth.test/hearth/code/");
        assertThat(get(link).body()).isEqualTo(zip);

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertDenied(link, "Request has expired");
    }

    @Test
    void aChangedOrForeignLinkIsRefused() throws IOException {
        String link = downloads.location(sha256);
        String signature = link.substring(link.indexOf("Signature=") + "Signature=".length());
        String tampered = signature.substring(0, signature.length() - 1) + (signature.endsWith("A") ? "B" : "A");
        assertDenied(link.replace(signature, tampered), "The code download link is not valid.");

        long expires = Long.parseLong(link.replaceAll(".*Expires=(\\d+).*", "$1"));
        assertDenied(link.replace("Expires=" + expires, "Expires=" + (expires + 3600)), "The code download link is not valid.");
        assertDenied(link.replace("&Signature=" + signature, ""), "The code download link is not valid.");

        CodeDownloads otherInstallation = new CodeDownloads(packages, "x".repeat(32).getBytes(StandardCharsets.US_ASCII), clock,
                () -> "https://hearth.test");
        assertThatThrownBy(() -> otherInstallation.route().endpoint().handle(request(link)))
                .isInstanceOfSatisfying(LambdaException.class, e -> assertThat(e.type()).isEqualTo(LambdaErrorType.AccessDeniedException));
    }

    private void assertDenied(String link, String message) {
        assertThatThrownBy(() -> get(link)).isInstanceOfSatisfying(LambdaException.class, e -> {
            assertThat(e.type()).isEqualTo(LambdaErrorType.AccessDeniedException);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private ApiResponse get(String link) throws IOException {
        try {
            return downloads.route().endpoint().handle(request(link));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiRequest request(String link) {
        URI uri = URI.create(link);
        String file = uri.getPath().substring("/hearth/code/".length());
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), List.of(pair.substring(eq + 1)));
        }
        return new ApiRequest("GET", uri.getPath(), uri.getRawQuery(), Map.of("Code", file), query, Map.of(), new byte[0],
                "req-1", AccountContext.DEFAULT);
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
