package dev.hearth.async;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.worker.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class TestInvocationRecord {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2019-11-24T23:08:25.651Z");

    @Test
    void failureRecordHasLambdasFieldsInLambdasOrder() throws Exception {
        InvocationResult failed = new InvocationResult("{\"errorMessage\":\"no\",\"errorType\":\"Error\"}".getBytes(StandardCharsets.UTF_8),
                Optional.of("Unhandled"), Optional.empty(), "3", Duration.ZERO, Optional.empty(), 0);

        byte[] record = InvocationRecord.build(AT, "req-1", "arn:aws:lambda:us-east-1:000000000000:function:f:3",
                RecordCondition.RetriesExhausted, 3, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), Optional.of(failed));

        assertThat(new String(record, StandardCharsets.UTF_8)).isEqualTo("{\"version\":\"1.0\",\"timestamp\":\"2019-11-24T23:08:25.651Z\","
                + "\"requestContext\":{\"requestId\":\"req-1\",\"functionArn\":\"arn:aws:lambda:us-east-1:000000000000:function:f:3\","
                + "\"condition\":\"RetriesExhausted\",\"approximateInvokeCount\":3},\"requestPayload\":{\"a\":1},"
                + "\"responseContext\":{\"statusCode\":200,\"executedVersion\":\"3\",\"functionError\":\"Unhandled\"},"
                + "\"responsePayload\":{\"errorMessage\":\"no\",\"errorType\":\"Error\"}}");
    }

    @Test
    void payloadsThatAreNotJsonAreStringsAndEmptyOnesNull() throws Exception {
        InvocationResult raw = new InvocationResult("plain text".getBytes(StandardCharsets.UTF_8), Optional.empty(),
                Optional.empty(), "$LATEST", Duration.ZERO, Optional.empty(), 0);

        JsonNode record = JSON.readTree(InvocationRecord.build(Instant.EPOCH, "r", "arn", RecordCondition.Success, 1,
                new byte[0], Optional.of(raw)));

        assertThat(record.path("timestamp").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(record.path("requestPayload").isNull()).isTrue();
        assertThat(record.path("responsePayload").asText()).isEqualTo("plain text");
        assertThat(record.path("responseContext").has("functionError")).isFalse();
    }
}
