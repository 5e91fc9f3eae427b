package dev.ratchet.feedback;

/**
 * One automated check a project runs on its traces after ingest. Its result is {@link FeedbackKind#VERIFIER}
 * feedback (value true = passed, reason = what failed), source system, named {@link #name}.
 *
 * @param name        unique in the project; names the feedback it produces
 * @param type        {@code json_schema}: {@link #schema} (a JSON Schema, as JSON text) must validate the
 *                    trace output, or the arguments of every tool span named {@link #tool} when that is set;
 *                    {@code expected_tool}: a trace tagged {@link #tag} must contain a tool span named
 *                    {@link #tool}; {@code regex}: the trace output's text must match {@link #pattern}
 * @param sampleRate  share of traces checked, 0 to 1, chosen by a hash of the trace id (deterministic)
 */
public record VerifierSpec(String name, String type, String schema, String tool, String tag, String pattern,
        double sampleRate) {
}
