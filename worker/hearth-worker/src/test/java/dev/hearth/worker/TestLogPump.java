package dev.hearth.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The log pump's line splitting, log markers and partial lines, on output fed chunk by chunk. */
final class TestLogPump {
    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LogPump pump = new LogPump(new ChunkedOutput(chunks), lines::add);
    private final Thread reader = Thread.ofPlatform().daemon().name("test-log-pump").start(pump);

    @AfterEach
    void endOutput() throws Exception {
        chunks.add(END);
        reader.join(Duration.ofSeconds(30));
    }

    private void write(String text) {
        chunks.add(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String marker(String token) {
        return new String(LogPump.marker(token), StandardCharsets.US_ASCII);
    }

    @Test
    void aMarkerEndsThePartialLineIsNeverLoggedAndReleasesTheWaiter() throws Exception {
        write("first line\nno newline" + marker("req-1"));

        assertThat(pump.awaitMarker("req-1", Duration.ofSeconds(30))).isTrue();
        assertThat(lines).containsExactly("first line", "no newline");
    }

    @Test
    void aMarkerSplitAcrossReadsIsStillOneMarker() throws Exception {
        String marked = "tail" + marker("req-2");
        for (int i = 0; i < marked.length(); i++) {
            write(marked.substring(i, i + 1));
        }

        assertThat(pump.awaitMarker("req-2", Duration.ofSeconds(30))).isTrue();
        assertThat(lines).containsExactly("tail");
    }

    @Test
    void bytesThatOnlyLookLikeAMarkerAreOutput() throws Exception {
        write("a\0b\n\0hearth-log\n\0\0hearth-log-marker:x\ny" + marker("req-3"));

        assertThat(pump.awaitMarker("req-3", Duration.ofSeconds(30))).isTrue();
        assertThat(lines).containsExactly("a\0b", "\0hearth-log", "\0\0hearth-log-marker:x", "y");
    }

    @Test
    void anEmptyTokenOnlyEndsTheLineAndAnotherTokenDoesNotReleaseTheWaiter() throws Exception {
        write("partial" + marker("") + "[ERROR] report\n" + marker("other"));

        await().atMost(Duration.ofSeconds(30)).until(() -> lines.size() == 2);
        assertThat(lines).containsExactly("partial", "[ERROR] report");
        assertThat(pump.awaitMarker("req-4", Duration.ofMillis(50))).isFalse();
    }

    @Test
    void withoutAMarkerThePartialLineIsFlushedOnRequestAndAtTheEnd() throws Exception {
        write("whole\nunfinished");
        await().atMost(Duration.ofSeconds(30)).until(() -> lines.size() == 1);
        pump.settle(true);

        pump.flushPartial();
        write("trailing");
        chunks.add(END);

        pump.done().get();
        assertThat(lines).containsExactly("whole", "unfinished", "trailing");
        assertThat(pump.awaitMarker("never", Duration.ofSeconds(30))).as("the output ended").isFalse();
    }

    /** Output that hands out the queued chunks one read at a time; an empty chunk ends it. */
    private static final class ChunkedOutput extends InputStream {
        private final LinkedBlockingQueue<byte[]> chunks;
        private boolean ended;

        ChunkedOutput(LinkedBlockingQueue<byte[]> chunks) {
            this.chunks = chunks;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the pump reads chunks");
        }

        @Override
        public int read(byte[] buffer, int off, int len) {
            if (ended) {
                return -1;
            }
            try {
                byte[] chunk = chunks.take();
                if (chunk.length == 0) {
                    ended = true;
                    return -1;
                }
                System.arraycopy(chunk, 0, buffer, off, chunk.length);
                return chunk.length;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }
}
