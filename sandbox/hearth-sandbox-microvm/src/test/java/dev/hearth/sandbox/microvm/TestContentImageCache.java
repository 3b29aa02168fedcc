package dev.hearth.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code images: one per content, holding exactly the directory's files (checked with e2fsprogs' debugfs). */
final class TestContentImageCache {
    @TempDir
    Path dir;

    @Test
    void sameContentSharesAnImageAndChangedContentGetsANewOne() throws Exception {
        ContentImageCache cache = new ContentImageCache(dir.resolve("cache"));
        Path first = Files.createDirectories(dir.resolve("first/lib"));
        Files.writeString(first.resolve("handler.py"), "print('v1')\n");
        Path second = Files.createDirectories(dir.resolve("second/lib"));
        Files.writeString(second.resolve("handler.py"), "print('v1')\n");

        Path image = cache.imageOf(first.getParent(), "hearth-task");
        Path same = cache.imageOf(second.getParent(), "hearth-task");
        Files.writeString(second.resolve("handler.py"), "print('v2')\n");
        Path changed = cache.imageOf(second.getParent(), "hearth-task");

        assertThat(same).isEqualTo(image);
        assertThat(changed).isNotEqualTo(image);
        assertThat(debugfs(image, "cat /lib/handler.py")).isEqualTo("print('v1')\n");
        assertThat(debugfs(changed, "cat /lib/handler.py")).isEqualTo("print('v2')\n");
        assertThat(debugfs(image, "ls -p /")).contains("/lib/").doesNotContain("lost+found");
        try (var files = Files.list(dir.resolve("cache"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).hasSize(2).allMatch(n -> n.endsWith(".ext4"));
        }
    }

    private static String debugfs(Path image, String request) throws Exception {
        return HostCommand.run(List.of("debugfs", "-R", request, image.toString()), Duration.ofSeconds(30));
    }
}
