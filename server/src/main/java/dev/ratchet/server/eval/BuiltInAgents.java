package dev.ratchet.server.eval;

import dev.ratchet.common.Ids;
import dev.ratchet.eval.Agent;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process agents a server embeds, by name. The embedding application (or a test) registers them through
 * {@link dev.ratchet.server.RatchetServer#builtInAgents()}; a project then registers an agent of its own that names
 * one ({@code {"name": "desk", "builtin": "reference-desk", "versions": [..]}}) and runs suites against it, each
 * case getting its version's configuration. Built-ins are code of the server, so every project may name them.
 * Thread-safe.
 */
public final class BuiltInAgents {

    private final Map<String, Agent> agents = new ConcurrentHashMap<>();

    /**
     * Adds an agent under {@code name}, or replaces the one registered under it; runs started afterwards use it.
     *
     * @throws IllegalArgumentException if the name is not 1 to 128 of letters, digits and {@code . _ : -}
     */
    public void register(String name, Agent agent) {
        if (!Ids.isValidClientId(name)) {
            throw new IllegalArgumentException("a built-in agent's name is 1 to 128 of letters, digits and . _ : -: " + name);
        }
        agents.put(name, Objects.requireNonNull(agent, "agent"));
    }

    public Optional<Agent> get(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(agents.get(name));
    }

    public SortedSet<String> names() {
        return new TreeSet<>(agents.keySet());
    }
}
