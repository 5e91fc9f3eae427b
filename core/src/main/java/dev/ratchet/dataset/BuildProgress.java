package dev.ratchet.dataset;

/**
 * Where a build is: its stage ({@code counting}, {@code reading}, {@code balancing}, {@code writing},
 * {@code storing}) and how far through it ({@code done} of {@code total}, in traces while reading, in examples while
 * writing). Called on the build's thread, often; an implementation that stores or prints should throttle itself.
 */
@FunctionalInterface
public interface BuildProgress {

    BuildProgress NONE = (stage, done, total) -> { };

    void update(String stage, long done, long total);
}
