/**
 * Evaluation as the server runs it: the in-process agents it embeds ({@link dev.ratchet.server.eval.BuiltInAgents})
 * and the runs in progress ({@link dev.ratchet.server.eval.EvalRuns}), which replay suites asynchronously against
 * registered agents and serve HTTP agents their fixtures from the server's own port.
 */
package dev.ratchet.server.eval;
