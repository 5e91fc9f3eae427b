package dev.ratchet.server.cli;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import picocli.CommandLine;

/** Prints failures as one clear message (and the field errors, if any) instead of a stack trace. */
final class ClientErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        var err = cmd.getErr();
        if (e instanceof ApiClient.ApiException api) {
            err.println("error: " + api.getMessage());
            for (FieldError f : api.errors()) {
                err.println("  " + (f.item() == null ? "" : "item " + f.item() + ": ") + f.field() + ": " + f.reason());
            }
            return 1;
        }
        if (e instanceof BadInputException bad) {
            for (FieldError f : bad.errors()) {
                err.println("error: " + f.field() + ": " + f.reason());
            }
            return 2;
        }
        if (e instanceof CliException) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        err.println("error: " + e);
        e.printStackTrace(err);
        return 1;
    }
}
