package dev.hearth.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A no-op function in one runtime family: the handler returns the event it got. Immutable.
 *
 * @param runtime Lambda's runtime identifier
 * @param handler the handler setting
 * @param memoryMb the function's memory size
 * @param files the package's files by path
 */
public record NoopFunction(String runtime, String handler, int memoryMb, Map<String, byte[]> files) {

    public NoopFunction {
        files = Map.copyOf(files);
    }

    public static NoopFunction python() {
        return new NoopFunction("python3.12", "app.handler", 128,
                Map.of("app.py", "def handler(event, context):\n    return event\n".getBytes(StandardCharsets.UTF_8)));
    }

    public static NoopFunction node() {
        return new NoopFunction("nodejs22.x", "index.handler", 128,
                Map.of("index.js", "exports.handler = async (event) => event;\n".getBytes(StandardCharsets.UTF_8)));
    }

    public static NoopFunction java() {
        // named, not referenced: loading the class would need aws-lambda-java-core, which only the sandbox has
        String className = "dev.hearth.bench.fn.NoopJavaHandler";
        String classFile = className.replace('.', '/') + ".class";
        try (InputStream in = NoopFunction.class.getClassLoader().getResourceAsStream(classFile)) {
            if (in == null) {
                throw new IllegalStateException(classFile + " is not on the class path");
            }
            return new NoopFunction("java21", className + "::handleRequest", 512,
                    Map.of(classFile, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The package of benchmark layer {@code index}: {@code files} small python modules under
     * {@code python/bench_layer_INDEX/} (what a layer of a pure-python library looks like at
     * {@code /opt}). Only its files matter; runtime, handler and memory are unused.
     */
    public static NoopFunction layer(int index, int files) {
        Map<String, byte[]> contents = new java.util.HashMap<>();
        String dir = "python/bench_layer_" + index + "/";
        contents.put(dir + "__init__.py", new byte[0]);
        for (int i = 0; i < files; i++) {
            contents.put(dir + "module_" + i + ".py", ("VALUE = " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new NoopFunction("python3.12", "unused", 128, contents);
    }

    /** The .zip package, entries in name order. */
    public byte[] zip() {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
