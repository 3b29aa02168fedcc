package dev.hearth.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One cold start through Hearth: a new function (so no warm sandbox can exist for it), then one
 * invoke timed from sending the request to receiving the response, with {@code X-Amz-Log-Type: Tail}
 * to read the REPORT line's Init Duration; the function is deleted afterwards. Creating and deleting
 * are not timed. Not thread-safe.
 */
final class HearthColdStart {
    private static final Pattern INIT_DURATION = Pattern.compile("Init Duration: ([0-9.]+) ms");
    private static final Pattern DURATION = Pattern.compile("\tDuration: ([0-9.]+) ms");

    /**
     * One measured cold start.
     *
     * @param nanos from sending the invoke to receiving its response
     * @param initDurationMs the REPORT line's Init Duration, when Hearth reported one
     * @param durationMs the REPORT line's Duration
     */
    record Sample(long nanos, Optional<Double> initDurationMs, Optional<Double> durationMs) {}

    private final HearthFunctions functions;
    private final HttpLoad load;
    private final URI endpoint;
    private int created;

    HearthColdStart(HearthFunctions functions, HttpLoad load, URI endpoint) {
        this.functions = functions;
        this.load = load;
        this.endpoint = endpoint;
    }

    Sample sample(NoopFunction function, byte[] payload) throws IOException {
        return sample(function, payload, List.of());
    }

    /** One cold start of a new function with the layers {@code layerArns}. */
    Sample sample(NoopFunction function, byte[] payload, List<String> layerArns) throws IOException {
        String name = "cold-" + function.runtime().replace('.', '-') + "-" + (++created);
        functions.create(name, function, layerArns);
        try {
            HttpTarget target = HttpTarget.hearthInvoke(name, endpoint, name).withHeader("X-Amz-Log-Type", "Tail");
            long start = System.nanoTime();
            KeepAliveConnection.Response response = load.call(target, payload);
            long took = System.nanoTime() - start;
            String log = response.header("X-Amz-Log-Result")
                    .map(b64 -> new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8))
                    .orElseThrow(() -> new IllegalStateException("Hearth sent no X-Amz-Log-Result for a Tail invoke"));
            return new Sample(took, millis(INIT_DURATION, log), millis(DURATION, log));
        } finally {
            functions.delete(name);
        }
    }

    static Optional<Double> millis(Pattern pattern, String log) {
        Matcher m = pattern.matcher(log);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }

    /** The Init Duration of a REPORT line in {@code log}, in milliseconds. */
    static Optional<Double> initDuration(String log) {
        return millis(INIT_DURATION, log);
    }

    /** The Duration of a REPORT line in {@code log}, in milliseconds. */
    static Optional<Double> duration(String log) {
        return millis(DURATION, log);
    }
}
