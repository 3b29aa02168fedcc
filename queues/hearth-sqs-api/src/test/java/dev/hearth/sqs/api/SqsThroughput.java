package dev.hearth.sqs.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.AccountContext;
import dev.hearth.http.HttpApiServer;
import dev.hearth.http.RequestAuthenticator;
import dev.hearth.sqs.spi.MessageQueues;
import dev.hearth.sqs.spi.NewMessage;
import dev.hearth.sqs.spi.QueueSettings;
import dev.hearth.sqs.spi.ReceiveRequest;
import dev.hearth.sqs.spi.ReceivedMessage;
import dev.hearth.sqs.sqlite.SqliteMessageQueues;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throughput measurement, not a test: messages per second sent (one SendMessage per message),
 * received (ReceiveMessage of up to 10) and deleted (DeleteMessageBatch of 10) through the SQS API
 * over HTTP (AWS JSON 1.0, Java's HTTP client, unsigned), against the same work on the engine
 * directly; {@code --threads} callers at a time, on a fresh SQLite file ({@code synchronous=FULL}). Each
 * side first runs a fifth of the messages unmeasured, to warm up.
 *
 * <pre>{@code
 * ./mvnw -B -q -o -pl queues/hearth-sqs-api install -DskipTests
 * (cd queues/hearth-sqs-api && ../../mvnw -B -q -o dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test && java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) \
 *     dev.hearth.sqs.api.SqsThroughput --messages 5000 --threads 16)
 * }</pre>
 */
public final class SqsThroughput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SqsThroughput() {}

    public static void main(String[] args) throws Exception {
        int messages = 5000;
        int threads = 8;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("sqs-throughput");
        AccountContext account = AccountContext.DEFAULT;
        try (MessageQueues engine = SqliteMessageQueues.open(dir.resolve("sqs.db"), Clock.systemUTC())) {
            engine.createQueue("direct", QueueSettings.DEFAULTS, Map.of());
            report(null, messages / 5, threads, new Engine(engine)); // warm-up: JIT and the database's pages
            report("engine", messages, threads, new Engine(engine));
            SqsApi api = new SqsApi(caller -> engine, () -> "http://127.0.0.1", Clock.systemUTC());
            try (HttpApiServer http = new HttpApiServer("127.0.0.1", 0, List.of(api.service()), RequestAuthenticator.ACCEPT_ALL,
                    account)) {
                http.start();
                Api client = new Api("http://127.0.0.1:" + http.port());
                client.call("CreateQueue", Map.of("QueueName", "http"));
                report(null, messages / 5, threads, client);
                report("api", messages, threads, client);
            }
        }
    }

    /** The three operations measured, on one side or the other. */
    private interface Side {
        void send(String body) throws Exception;

        /** Receives up to 10 messages and keeps their receipt handles. */
        List<String> receive() throws Exception;

        void deleteBatch(List<String> handles) throws Exception;
    }

    private static void report(String side, int messages, int threads, Side target) throws Exception {
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(callers.submit(() -> {
                    while (next.getAndIncrement() < messages) {
                        target.send("message body of about sixty bytes, as a small event would be");
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            List<List<String>> handles = new ArrayList<>();
            start = System.nanoTime();
            int received = 0;
            while (received < messages) {
                List<String> batch = target.receive();
                received += batch.size();
                handles.add(batch);
            }
            double receiveSeconds = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            for (List<String> batch : handles) {
                target.deleteBatch(batch);
            }
            double deleteSeconds = (System.nanoTime() - start) / 1e9;
            if (side == null) {
                return;
            }
            System.out.printf("%-6s %d messages, %d senders: send %.0f msg/s, receive (10 per call, 1 receiver) %.0f msg/s,"
                    + " delete (batches of 10) %.0f msg/s%n", side, messages, threads, messages / sendSeconds,
                    messages / receiveSeconds, messages / deleteSeconds);
        }
    }

    private record Engine(MessageQueues queues) implements Side {
        @Override
        public void send(String body) {
            queues.send("direct", List.of(NewMessage.of(body)));
        }

        @Override
        public List<String> receive() throws Exception {
            return queues.receive("direct", ReceiveRequest.now(10)).stream().map(ReceivedMessage::receiptHandle).toList();
        }

        @Override
        public void deleteBatch(List<String> handles) {
            queues.deleteAll("direct", handles);
        }
    }

    private static final class Api implements Side {
        private final HttpClient http = HttpClient.newHttpClient();
        private final String endpoint;
        private final String url;

        Api(String endpoint) {
            this.endpoint = endpoint;
            this.url = "http://127.0.0.1/000000000000/http";
        }

        JsonNode call(String operation, Object body) throws Exception {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/"))
                    .header("X-Amz-Target", "AmazonSQS." + operation).header("Content-Type", SqsApi.JSON_CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(operation + ": " + new String(response.body()));
            }
            return JSON.readTree(response.body());
        }

        @Override
        public void send(String body) throws Exception {
            call("SendMessage", Map.of("QueueUrl", url, "MessageBody", body));
        }

        @Override
        public List<String> receive() throws Exception {
            List<String> handles = new ArrayList<>();
            call("ReceiveMessage", Map.of("QueueUrl", url, "MaxNumberOfMessages", 10)).path("Messages")
                    .forEach(m -> handles.add(m.get("ReceiptHandle").asText()));
            return handles;
        }

        @Override
        public void deleteBatch(List<String> handles) throws Exception {
            if (handles.isEmpty()) {
                return;
            }
            List<Map<String, String>> entries = new ArrayList<>();
            for (int i = 0; i < handles.size(); i++) {
                entries.add(Map.of("Id", "e" + i, "ReceiptHandle", handles.get(i)));
            }
            call("DeleteMessageBatch", Map.of("QueueUrl", url, "Entries", entries));
        }
    }
}
