package dev.hearth.server;

import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line console logging for the {@code hearth} command ({@code 2026-11-22T07:30:00Z INFO name:
 * message}), through java.util.logging, which SLF4J writes to. Third-party libraries log warnings
 * and errors only.
 */
final class ConsoleLogging {
    /** Strong references: java.util.logging forgets the level of a logger nobody references. */
    private static final Logger[] QUIETED = {Logger.getLogger("org.eclipse.jetty"), Logger.getLogger("org.flywaydb")};

    private ConsoleLogging() {}

    static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                String name = record.getLoggerName() == null ? "" : record.getLoggerName();
                String shortName = name.substring(name.lastIndexOf('.') + 1);
                StringBuilder line = new StringBuilder()
                        .append(Instant.ofEpochMilli(record.getMillis())).append(' ')
                        .append(record.getLevel().getName()).append(' ')
                        .append(shortName).append(": ")
                        .append(formatMessage(record)).append(System.lineSeparator());
                if (record.getThrown() != null) {
                    java.io.StringWriter trace = new java.io.StringWriter();
                    record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                    line.append(trace);
                }
                return line.toString();
            }
        });
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        for (Logger quiet : QUIETED) {
            quiet.setLevel(Level.WARNING);
        }
    }

    /**
     * Writes one line in the same format without java.util.logging, for use in shutdown hooks, where
     * the log manager may already have been reset by its own hook.
     */
    static void duringShutdown(String name, String message) {
        System.err.println(Instant.now() + " INFO " + name + ": " + message);
    }
}
