package dev.hearth.server;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * {@code hearth logs NAME}: prints a function's log group ({@code /aws/lambda/NAME}) through Hearth's
 * CloudWatch Logs API, the same one {@code aws logs tail} uses; {@code --follow} keeps printing new
 * events until interrupted.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a function's logs (START/END/REPORT lines and its output).")
final class LogsCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(500);

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "FUNCTION", description = "Function name.")
    String function;

    @Option(names = "--since", defaultValue = "PT10M", description = "How far back to start, ISO-8601 (default ${DEFAULT-VALUE}).")
    Duration since;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new log events.")
    boolean follow;

    @Option(names = "--filter", description = "CloudWatch filter pattern (terms that must all appear).")
    String filter;

    @Override
    public Integer call() throws InterruptedException {
        String group = "/aws/lambda/" + function;
        long from = Instant.now().minus(since).toEpochMilli();
        Set<String> printedAtFrom = new HashSet<>();
        try (CloudWatchLogsClient logs = client.logs()) {
            do {
                String token = null;
                long newest = from;
                Set<String> printedAtNewest = new HashSet<>();
                do {
                    long start = from;
                    String next = token;
                    FilterLogEventsResponse page = logs.filterLogEvents(r -> r.logGroupName(group).startTime(start)
                            .filterPattern(filter).nextToken(next));
                    for (FilteredLogEvent event : page.events()) {
                        if (event.timestamp() == from && printedAtFrom.contains(event.eventId())) {
                            continue;
                        }
                        System.out.println(Instant.ofEpochMilli(event.timestamp()) + " " + event.logStreamName() + " "
                                + event.message().stripTrailing());
                        if (event.timestamp() > newest) {
                            newest = event.timestamp();
                            printedAtNewest.clear();
                        }
                        if (event.timestamp() == newest) {
                            printedAtNewest.add(event.eventId());
                        }
                    }
                    token = page.nextToken();
                } while (token != null);
                if (newest > from) {
                    from = newest;
                    printedAtFrom = printedAtNewest;
                } else {
                    printedAtFrom.addAll(printedAtNewest);
                }
                System.out.flush();
                if (follow) {
                    Thread.sleep(POLL);
                }
            } while (follow);
            return 0;
        } catch (CloudWatchLogsException e) {
            if (e.statusCode() == 400 && "ResourceNotFoundException".equals(e.awsErrorDetails().errorCode())) {
                System.err.println("No logs yet for " + function + " (log group " + group + " does not exist).");
                return 1;
            }
            System.err.println(e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
            return 2;
        }
    }
}
