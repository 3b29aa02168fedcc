package dev.hearth.runtimes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The python bootstrap compiled once, by the host's interpreter, to bytecode beside its source
 * ({@code bootstrap.<cache tag>.pyc}, e.g. {@code bootstrap.cpython-311.pyc}), which sandboxes run
 * directly. A script run by path is compiled at every start and the runtime directory is read-only
 * in sandboxes, so without this every cold start would pay for compiling the bootstrap.
 *
 * <p>Failure: compiling is an optimisation; when it fails the bootstrap runs from source and the
 * reason is logged. Thread-safety: the interpreter writes the file atomically, so concurrent
 * catalogs (several test JVMs sharing a cache) at worst compile it twice.
 */
final class PythonBootstrapCache {
    // the JDK's logger: this module has no logging library (it is also loaded from bare class paths)
    private static final System.Logger LOG = System.getLogger(PythonBootstrapCache.class.getName());
    private static final String COMPILE = String.join("\n",
            "import sys, py_compile",
            "source, directory = sys.argv[1], sys.argv[2]",
            "name = 'bootstrap.%s.pyc' % sys.implementation.cache_tag",
            // the code keeps the source's name: tracebacks and the bootstrap's own frame filter see 'bootstrap.py'
            "py_compile.compile(source, cfile=directory + '/' + name, dfile='bootstrap.py', doraise=True)",
            "print(name)");

    private PythonBootstrapCache() {}

    /**
     * The name of the compiled bootstrap in {@code pythonDir} (compiling it if needed), or empty when
     * it could not be compiled.
     */
    static Optional<String> compiled(Path python, Path pythonDir) {
        Path source = pythonDir.resolve("bootstrap.py");
        try {
            Process process = new ProcessBuilder(python.toString(), "-c", COMPILE, source.toString(), pythonDir.toString())
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                LOG.log(System.Logger.Level.WARNING, "compiling the python bootstrap took over 60 s; it runs from source");
                return Optional.empty();
            }
            if (process.exitValue() != 0 || !output.matches("bootstrap\\.[\\w.-]+\\.pyc") || !Files.isRegularFile(pythonDir.resolve(output))) {
                LOG.log(System.Logger.Level.WARNING, "the python bootstrap could not be compiled (" + output + "); it runs from source");
                return Optional.empty();
            }
            return Optional.of(output);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "the python bootstrap could not be compiled (" + e.getMessage() + "); it runs from source");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
