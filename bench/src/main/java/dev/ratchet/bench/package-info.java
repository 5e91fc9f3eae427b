/**
 * Benchmarks, run from the command line ({@link dev.ratchet.bench.BenchMain}). Each one measures a
 * Ratchet path against a baseline in the same run, on the same machine and data, and writes its own
 * section of {@code docs/benchmarks.md}: method, machine, results with ranges, targets, the command that
 * reproduces it. Nothing here is used by the product; the module depends on the server, never the reverse.
 */
package dev.ratchet.bench;
