package dev.hearth.bench;

import java.util.List;
import java.util.Optional;

/**
 * One way of cold-starting the python no-op that {@link ColdStartBackends} measures: through a
 * Hearth server on one sandbox backend, or one of the bare baselines without Hearth. Immutable
 * descriptions; the parts they name are owned by the run.
 */
sealed interface ColdVariant {
    /** The row label in the results. */
    String label();

    /**
     * A new function invoked once through a {@code hearth server --sandbox backend}, with the layers
     * {@code layerArns} (LayerVersionArns published on that server; none: no layers).
     */
    record Hearth(String backend, HearthColdStart cold, List<String> layerArns) implements ColdVariant {
        public Hearth {
            layerArns = List.copyOf(layerArns);
        }

        /** Without layers. */
        public Hearth(String backend, HearthColdStart cold) {
            this(backend, cold, List.of());
        }

        @Override
        public String label() {
            return "Hearth invoke, new function, `" + backend + "` backend"
                    + (layerArns.isEmpty() ? "" : ", " + layerArns.size() + " layers");
        }
    }

    /** Hearth's python bootstrap started bare against a stub Runtime API, until its response arrives. */
    record BareBootstrap(BareInterpreterStart bare) implements ColdVariant {
        @Override
        public String label() {
            return "bare `python3 bootstrap.py` → stub Runtime API → response";
        }
    }

    /** {@code python3 -c pass}: the interpreter alone. */
    record BarePass(BareInterpreterStart bare) implements ColdVariant {
        @Override
        public String label() {
            return "bare `python3 -c pass`";
        }
    }

    /**
     * One measured cold start.
     *
     * @param nanos from the start (invoke sent, process spawned) to the response (or exit)
     * @param initNanos the REPORT line's Init Duration, for Hearth variants
     */
    record Sample(long nanos, Optional<Long> initNanos) {}
}
