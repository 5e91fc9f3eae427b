/**
 * The data pipeline: curated, versioned training data made from captured traces, their outcomes and corrections.
 *
 * <p>A {@link dev.ratchet.dataset.DatasetSpec} (JSON or YAML) says what to select and how to clean it; a build
 * ({@link dev.ratchet.dataset.DatasetPipeline}) streams the selected traces once, joins each with its outcome and
 * corrections, applies the quality gates, redacts PII ({@link dev.ratchet.dataset.Redactor}), refuses anything that
 * matches a frozen eval case (the leakage guard), removes exact and near duplicates keeping the best-labelled copy,
 * balances categories, splits train/validation by a seeded, stratified rule and writes the requested export formats.
 * The result is an immutable, content-addressed {@link dev.ratchet.dataset.DatasetVersion} whose
 * {@link dev.ratchet.dataset.Manifest} records what happened at every stage. Builds run asynchronously
 * ({@link dev.ratchet.dataset.DatasetBuilds}); versions and builds are stored by
 * {@link dev.ratchet.dataset.DatasetStore}, the files in a dataset directory.
 *
 * <p>Where it sits in the loop: after capture, feedback and eval, before training. It reads the trace, feedback and
 * eval tables and writes only its own.
 */
package dev.ratchet.dataset;
