/**
 * Evaluation: replayable cases, suites, runs against an agent, scorers, paired comparisons and the gate that
 * decides whether a candidate version may replace the current one.
 *
 * <p>A {@link dev.ratchet.eval.EvalCase} holds an input, the context the agent saw, the recorded results of its
 * tool, retrieval and model calls ({@link dev.ratchet.eval.Fixture}s, keyed by the call so that replay is
 * deterministic and needs no network), and expectations ({@link dev.ratchet.eval.Scorer}s declared as JSON).
 * Suites group cases in immutable, content-hashed versions; {@code eval} suites are frozen (an edit makes a new
 * version), {@code regression} suites grow and record why a case was ever removed. Runs replay a suite version
 * against an agent (in-process through {@link dev.ratchet.eval.Agent}, or any language through the HTTP
 * contract of {@link dev.ratchet.eval.HttpAgent}) and store each case's result and a summary with its
 * statistics ({@link dev.ratchet.eval.Statistics}). Projects name the agents they run in
 * {@link dev.ratchet.eval.AgentRegistry}: where each runs and its immutable versions, each with its configuration,
 * its parent, the layer it changes and its evidence; a change is proposed as a candidate version, run like any
 * other, and promoted or rejected once. The gate compares a candidate's runs with the baseline's and stores its
 * inputs and verdict as evidence.
 */
package dev.ratchet.eval;
