package dev.ratchet.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine a benchmark ran on, as far as the JVM and Linux's {@code /proc} and {@code /sys} tell.
 * Anything that cannot be read is reported as {@code unknown} rather than failing the run.
 *
 * @param disk where the benchmark's databases lived: file system type, device, whether rotational
 */
record Machine(String cpu, int cores, String memory, String jvm, String os, String disk) {

    static Machine describe(Path dataDir) {
        List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
        String cpu = field(cpuinfo, "model name", ':').orElse(System.getProperty("os.arch"));
        if (cpuinfo.stream().anyMatch(l -> l.startsWith("flags") && l.contains(" hypervisor"))) {
            cpu += " (virtual machine)";
        }
        long physicalMem = field(lines(Path.of("/proc/meminfo")), "MemTotal", ':')
                .map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) * 1024)
                .orElse(-1L);
        String memory = (physicalMem > 0 ? gib(physicalMem) + " RAM" : "unknown RAM")
                + ", JVM max heap " + gib(Runtime.getRuntime().maxMemory());
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")";
        String os = field(lines(Path.of("/etc/os-release")), "PRETTY_NAME", '=')
                .map(v -> v.replace("\"", ""))
                .orElse(System.getProperty("os.name"))
                + ", kernel " + System.getProperty("os.version") + ", " + System.getProperty("os.arch");
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), memory, jvm, os, disk(dataDir));
    }

    private static String disk(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            String device = store.name();
            String kind = "";
            if (device.startsWith("/dev/")) {
                String name = device.substring(5);
                // A partition (vda1, nvme0n1p2) has its queue under the whole disk; try both.
                String whole = name.replaceFirst("(?<=\\d)p\\d+$", "").replaceFirst("(?<=[a-z])\\d+$", "");
                Optional<String> rotational = first(Path.of("/sys/block", name, "queue/rotational"))
                        .or(() -> first(Path.of("/sys/block", whole, "queue/rotational")));
                kind = rotational.map(r -> r.trim().equals("1") ? ", rotational" : ", non-rotational").orElse("");
            }
            return store.type() + " on " + device + kind + ", " + gib(store.getUsableSpace()) + " free";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    /** The value of the first {@code key<separator>value} line with that key. */
    private static Optional<String> field(List<String> lines, String key, char separator) {
        for (String l : lines) {
            int at = l.indexOf(separator);
            if (at > 0 && l.substring(0, at).trim().equals(key)) {
                return Optional.of(l.substring(at + 1).trim());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> first(Path file) {
        return lines(file).stream().findFirst();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Markdown bullet lines, one per property. */
    List<String> markdown(Path dataDir) {
        return List.of(
                "- CPU: " + cpu + ", " + cores + " cores available to the JVM",
                "- Memory: " + memory,
                "- JDK: " + jvm,
                "- OS: " + os,
                "- Data directory: `" + dataDir + "` (" + disk + ")");
    }
}
