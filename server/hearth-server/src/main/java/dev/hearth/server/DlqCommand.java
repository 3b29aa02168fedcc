package dev.hearth.server;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth dlq}: the dead-letter store of asynchronous invocations — events that exhausted
 * their retries or aged out with no OnFailure destination. List them, inspect one, redrive it (run it
 * again as a new event) or delete it.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List, inspect, redrive or delete dead-lettered asynchronous events.",
        subcommands = {DlqCommand.List.class, DlqCommand.Show.class, DlqCommand.Redrive.class, DlqCommand.Delete.class})
final class DlqCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static int print(HearthApiRequest.Response response) {
        if (response.status() >= 300) {
            System.err.println("HTTP " + response.status() + ": " + response.body());
            return response.status() == 404 ? 1 : 2;
        }
        if (!response.body().isEmpty()) {
            System.out.println(response.body());
        }
        return 0;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead-lettered events (oldest first).")
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--function", description = "Only this function's events.")
        String function;

        @Option(names = "--max-items", defaultValue = "50", description = "Page size (default ${DEFAULT-VALUE}).")
        int maxItems;

        @Option(names = "--marker", description = "NextMarker of the previous page.")
        String marker;

        @Override
        public Integer call() throws Exception {
            StringBuilder query = new StringBuilder("/hearth/dlq?MaxItems=" + maxItems);
            if (function != null) {
                query.append("&FunctionName=").append(encode(function));
            }
            if (marker != null) {
                query.append("&Marker=").append(encode(marker));
            }
            return print(HearthApiRequest.send(client, "GET", query.toString(), new byte[0]));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead-lettered event with its payload.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "EVENT_ID")
        String eventId;

        @Override
        public Integer call() throws Exception {
            return print(HearthApiRequest.send(client, "GET", "/hearth/dlq/" + encode(eventId), new byte[0]));
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true, description = "Enqueue a dead-lettered event again.")
    static final class Redrive implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "EVENT_ID")
        String eventId;

        @Override
        public Integer call() throws Exception {
            return print(HearthApiRequest.send(client, "POST", "/hearth/dlq/" + encode(eventId) + "/redrive", new byte[0]));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a dead-lettered event for good.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "EVENT_ID")
        String eventId;

        @Override
        public Integer call() throws Exception {
            int status = print(HearthApiRequest.send(client, "DELETE", "/hearth/dlq/" + encode(eventId), new byte[0]));
            if (status == 0) {
                System.err.println("Deleted " + eventId);
            }
            return status;
        }
    }
}
