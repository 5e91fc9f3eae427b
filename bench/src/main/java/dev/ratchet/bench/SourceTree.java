package dev.ratchet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which code a benchmark measured, as git tells from the working directory: the commit and whether the
 * modules that make up the measured path had uncommitted changes. Best effort: "unknown" without git.
 */
final class SourceTree {

    private static final List<String> MODULES = List.of("core", "server", "bench");

    private SourceTree() {
    }

    static String describe(Path dir) {
        String commit = git(dir, "rev-parse", "--short", "HEAD");
        if (commit == null || commit.isBlank()) {
            return "unknown (not run from a git checkout)";
        }
        List<String> changed = new ArrayList<>();
        for (String module : MODULES) {
            String status = git(dir, "status", "--porcelain", "--", module);
            if (status != null && !status.isBlank()) {
                changed.add(module + "/");
            }
        }
        return "commit " + commit.strip()
                + (changed.isEmpty() ? "" : ", with uncommitted changes in " + String.join(", ", changed));
    }

    private static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
