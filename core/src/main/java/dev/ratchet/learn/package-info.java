/**
 * Learning: from failures and verified examples in production traffic to new agent versions, cheapest layer first
 * (memory, then instructions, then routing rules, then retrained weights), each verified by the eval harness and
 * decided by its gate before it is promoted. {@link dev.ratchet.learn.LearningLoop} is the loop for the reference
 * agent ({@link dev.ratchet.reference.TriageAgent}); {@link dev.ratchet.learn.SimulatedTraffic} drives it with a
 * labelled stream and simulated users (a stand-in for real customers, named as such), for the demo and the learning
 * benchmark.
 */
package dev.ratchet.learn;
