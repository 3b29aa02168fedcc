package dev.hearth.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.worker.InvocationResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** AWS's event-stream encoding as InvokeWithResponseStream writes it, and its InvokeComplete event. */
final class TestEventStreamMessage {

    @Test
    void aPayloadChunkHasItsPreludeHeadersPayloadAndChecksums() throws IOException {
        byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] message = EventStreamMessage.event("PayloadChunk", "application/octet-stream", payload, 0, payload.length);
        ByteBuffer buffer = ByteBuffer.wrap(message);

        int headers = 1 + 11 + 1 + 2 + 12 + 1 + 13 + 1 + 2 + 24 + 1 + 13 + 1 + 2 + 5;
        assertThat(buffer.getInt(0)).isEqualTo(message.length).isEqualTo(12 + headers + payload.length + 4);
        assertThat(buffer.getInt(4)).isEqualTo(headers);
        assertThat(buffer.getInt(8)).isEqualTo(crc(message, 0, 8));
        assertThat(buffer.getInt(message.length - 4)).isEqualTo(crc(message, 0, message.length - 4));

        EventStreamMessage read = EventStreamMessage.read(new ByteArrayInputStream(message)).orElseThrow();
        assertThat(read.headers()).containsExactly(Map.entry(":event-type", "PayloadChunk"),
                Map.entry(":content-type", "application/octet-stream"), Map.entry(":message-type", "event"));
        assertThat(read.payload()).isEqualTo(payload);
    }

    @Test
    void messagesReadInOrderUntilTheEndAndACorruptOneIsRefused() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(EventStreamMessage.event("PayloadChunk", "application/octet-stream", new byte[] {1, 2}, 0, 2));
        stream.write(EventStreamMessage.event("InvokeComplete", "application/json", "{}".getBytes(StandardCharsets.UTF_8), 0, 2));
        ByteArrayInputStream in = new ByteArrayInputStream(stream.toByteArray());

        assertThat(EventStreamMessage.read(in).orElseThrow().payload()).containsExactly(1, 2);
        assertThat(EventStreamMessage.read(in).orElseThrow().headers()).containsEntry(":event-type", "InvokeComplete");
        assertThat(EventStreamMessage.read(in)).isEmpty();

        byte[] corrupt = EventStreamMessage.event("PayloadChunk", "application/octet-stream", new byte[] {1, 2}, 0, 2);
        corrupt[corrupt.length - 5] ^= 1;
        assertThatThrownBy(() -> EventStreamMessage.read(new ByteArrayInputStream(corrupt)))
                .isInstanceOf(IOException.class).hasMessageContaining("checksum");
    }

    @Test
    void invokeCompleteCarriesTheErrorsTypeAndMessageAndTheLogTail() {
        InvocationResult failed = new InvocationResult(
                "{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"Task timed out after 3.00 seconds\"}"
                        .getBytes(StandardCharsets.UTF_8),
                Optional.of("Unhandled"), Optional.of("END\n"), "$LATEST", Duration.ofSeconds(3), Optional.empty(), 0);
        InvocationResult ok = new InvocationResult(new byte[0], Optional.empty(), Optional.empty(), "$LATEST", Duration.ZERO,
                Optional.empty(), 0);
        InvocationResult notJson = new InvocationResult("oops".getBytes(StandardCharsets.UTF_8), Optional.of("Unhandled"),
                Optional.empty(), "$LATEST", Duration.ZERO, Optional.empty(), 0);

        assertThat(new String(ResponseStreamingApi.invokeComplete(failed), StandardCharsets.UTF_8)).isEqualTo(
                "{\"ErrorCode\":\"Sandbox.Timedout\",\"ErrorDetails\":\"Task timed out after 3.00 seconds\",\"LogResult\":\"RU5ECg==\"}");
        assertThat(new String(ResponseStreamingApi.invokeComplete(ok), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(new String(ResponseStreamingApi.invokeComplete(notJson), StandardCharsets.UTF_8))
                .isEqualTo("{\"ErrorCode\":\"Unhandled\",\"ErrorDetails\":\"oops\"}");
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
