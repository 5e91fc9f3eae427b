package dev.ratchet.dataset;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a dataset version is and how it was made: stored with the version, served by the API, written next to the
 * files as {@code manifest.json}. Carries counts and identifiers only, never an example's content, so it can be shown
 * to anyone who may see the dataset exists.
 *
 * @param id              {@code ds_} + the first 32 hex digits of {@code contentHash}
 * @param contentHash     SHA-256 of the canonical spec and the sorted example hashes (see {@link DatasetPipeline})
 * @param pipelineVersion the version of the pipeline's rules that built it
 * @param createdAt       when the first build of this version finished
 * @param durationMs      how long that build took
 * @param spec            the spec, normalised (every default filled in)
 * @param stages          examples left after each stage, in pipeline order
 * @param exclusions      examples left out, by reason
 * @param categories      examples per category and split
 * @param splits          examples per split
 * @param files           the files of the version
 * @param sourceTraces    traces behind the version's examples (listed with their split in {@code sources.csv})
 */
public record Manifest(String id, String contentHash, String name, String project, String pipelineVersion,
        Instant createdAt, long durationMs, DatasetSpec spec, String specHash, List<Stage> stages,
        Map<String, Long> exclusions, RedactionReport redaction, LeakageReport leakage,
        Map<String, Map<String, Long>> categories, Map<String, Long> splits, List<FileEntry> files, long sourceTraces) {

    /** Examples left after a stage: selected, quality, leakage, dedupe, balance. */
    public record Stage(String stage, long count) {
    }

    /**
     * @param counts       placeholders written, per type (never the values)
     * @param examples     examples with at least one redaction
     * @param detectors    the built-in detectors that ran
     * @param phoneRegions the phone regions they used
     * @param custom       the custom patterns that ran: the project's, then the spec's
     */
    public record RedactionReport(Map<String, Long> counts, long examples, List<String> detectors,
            List<String> phoneRegions, List<DatasetSpec.CustomPattern> custom) {
    }

    /**
     * What the leakage guard compared with and refused.
     *
     * @param suites   the project's eval suites, all of whose versions were compared with
     * @param cases    distinct eval cases compared with
     * @param exact    examples refused for an exact match (up to normalisation)
     * @param near     examples refused for a near match
     * @param examples the first refusals, in trace order (at most {@value DatasetPipeline#MAX_LEAKS_LISTED})
     */
    public record LeakageReport(double threshold, List<String> suites, long cases, long exact, long near,
            List<Leak> examples) {
    }

    /** One refused training example and the eval case it matched. */
    public record Leak(String traceId, String caseId, String suite, double similarity) {
    }

    /** A file of the version; {@code split} is null for {@code sources.csv}. */
    public record FileEntry(String name, String format, String split, long rows, long bytes, String sha256) {
    }

    /** The version's summary, as listings show it. */
    public DatasetVersion summary() {
        return new DatasetVersion(id, name, stages.isEmpty() ? 0 : stages.get(stages.size() - 1).count(),
                splits.getOrDefault("train", 0L), splits.getOrDefault("validation", 0L), pipelineVersion, createdAt);
    }
}
