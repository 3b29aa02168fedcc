package dev.hearth.queue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class TestRecords {
    @Test
    void newEventRefusesPayloadsAboveTheAsyncLimit() {
        assertThat(new NewEvent("e", "f", "$LATEST", new byte[NewEvent.MAX_PAYLOAD_BYTES]).payloadSize())
                .isEqualTo(262_144);
        assertThatThrownBy(() -> new NewEvent("e", "f", "$LATEST", new byte[NewEvent.MAX_PAYLOAD_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("262145 bytes");
    }

    @Test
    void newEventRefusesBlankNames() {
        assertThatThrownBy(() -> new NewEvent(" ", "f", "$LATEST", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NewEvent("e", "", "$LATEST", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NewEvent("e", "f", null, new byte[0])).isInstanceOf(NullPointerException.class);
    }

    @Test
    void payloadIsCopiedInAndOut() {
        byte[] bytes = {1, 2, 3};
        NewEvent event = new NewEvent("e", "f", "$LATEST", bytes);
        bytes[0] = 9;
        event.payload()[1] = 9;
        assertThat(event.payload()).containsExactly(1, 2, 3);
        assertThat(event).isEqualTo(new NewEvent("e", "f", "$LATEST", new byte[] {1, 2, 3}));
        assertThat(event.toString()).contains("3 bytes");
    }

    @Test
    void queuedEventsWithEqualContentAreEqual() {
        Instant now = Instant.parse("2026-11-22T08:00:00Z");
        QueuedEvent a = new QueuedEvent("e", "f", "1", new byte[] {7}, now, 1, 2, now, Optional.of("x"));
        QueuedEvent b = new QueuedEvent("e", "f", "1", new byte[] {7}, now, 1, 2, now, Optional.of("x"));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new QueuedEvent("e", "f", "1", new byte[] {8}, now, 1, 2, now, Optional.of("x")));
        assertThatThrownBy(() -> new QueuedEvent("e", "f", "1", new byte[0], now, -1, 0, now, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countsAddUpToDepth() {
        assertThat(new QueueCounts(1, 2, 3, 4).depth()).isEqualTo(6);
    }
}
