package dev.hearth.runtimes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.core.LambdaException;
import dev.hearth.sandbox.spi.SandboxView;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hearth runs this module from its jar: extraction must find the resources inside it, and agree with a directory. */
final class TestBootstrapFilesFromJar {

    @TempDir
    Path work;

    @Test
    void extractsFromTheModuleJarTheSameFilesAsFromClassesDirectory() throws Exception {
        Path classes = location(RuntimeCatalog.class);
        Path jar = work.resolve("hearth-runtimes.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                Stream<Path> paths = Files.walk(classes)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString()));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        Path cache = work.resolve("cache");
        Path fromDirectory = RuntimeCatalog.open(cache).runtimeRoot("python3.12");

        URL[] urls = {jar.toUri().toURL(), location(LambdaException.class).toUri().toURL(),
                location(SandboxView.class).toUri().toURL()};
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Class<?> catalogClass = loader.loadClass(RuntimeCatalog.class.getName());
            assertThat(catalogClass.getProtectionDomain().getCodeSource().getLocation().getPath()).endsWith(".jar");
            Object catalog = catalogClass.getMethod("open", Path.class).invoke(null, work.resolve("other-cache"));
            Path fromJar = (Path) catalogClass.getMethod("runtimeRoot", String.class).invoke(catalog, "python3.12");
            assertThat(fromJar.getParent().getFileName()).isEqualTo(fromDirectory.getParent().getFileName());
            assertThat(fromJar.resolve("bootstrap.py")).hasSameBinaryContentAs(fromDirectory.resolve("bootstrap.py"));
            assertThat(fromJar.resolveSibling("java").resolve("jni/libaws-lambda-jni.so")).isRegularFile();
        }
    }

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
