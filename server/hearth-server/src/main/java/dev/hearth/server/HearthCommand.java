package dev.hearth.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hearth} command line. */
@Command(name = "hearth", mixinStandardHelpOptions = true, version = "Hearth 0.1.0",
        description = "A self-hosted serverless platform that speaks AWS Lambda's protocols.",
        subcommands = {ServerCommand.class, InvokeCommand.class, LogsCommand.class, DlqCommand.class})
public final class HearthCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        ConsoleLogging.install();
        System.exit(new CommandLine(new HearthCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
