/**
 * Capture: traces and their span trees, exactly as the agent lived them. A {@link dev.ratchet.trace.Trace}
 * is one interaction (input, instructions in effect, output, model, usage, cost, timing) and its
 * {@link dev.ratchet.trace.Span}s are the steps (llm calls, tool calls with arguments and results,
 * retrievals, reasoning). Everything later in the loop (feedback, cases, datasets) points back here by
 * trace id, so ingest is idempotent and durable: a trace acknowledged is a trace kept.
 */
package dev.ratchet.trace;
