package dev.hearth.worker;

import dev.hearth.sandbox.spi.SandboxExit;

/** Describes how a runtime exited the way Lambda's messages do: {@code exit status 1}, {@code signal: killed}. */
final class ExitDescription {
    private ExitDescription() {}

    static String of(SandboxExit exit) {
        int status = exit.status();
        if (status > 128 && status < 128 + 32) {
            return "signal: " + signalName(status - 128);
        }
        return "exit status " + status;
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 1 -> "hangup";
            case 2 -> "interrupt";
            case 3 -> "quit";
            case 4 -> "illegal instruction";
            case 5 -> "trace/breakpoint trap";
            case 6 -> "aborted";
            case 7 -> "bus error";
            case 8 -> "floating point exception";
            case 9 -> "killed";
            case 10 -> "user defined signal 1";
            case 11 -> "segmentation fault";
            case 12 -> "user defined signal 2";
            case 13 -> "broken pipe";
            case 14 -> "alarm clock";
            case 15 -> "terminated";
            default -> "signal " + signal;
        };
    }
}
