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
        System.exit(new CommandLine(new HearthCommand()).setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(HearthCommand::badCommandLine).execute(args));
    }

    /** A bad option or value: one line on stderr naming it (not the whole usage), exit status 2. */
    private static int badCommandLine(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr().println(e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ") + " (see: "
                + command.getCommandSpec().qualifiedName() + " --help)");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
