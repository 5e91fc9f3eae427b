package dev.ratchet.dataset;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.ratchet.common.FieldError;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An asynchronous dataset build, as {@link DatasetBuilds} reports it.
 *
 * @param stage     the stage it is in (see {@link BuildProgress}); null while queued
 * @param done      progress through the stage, of {@code total}
 * @param versionId the version it produced (or found already built), once succeeded
 * @param message   why it failed, for people; null otherwise
 * @param errors    for a refused spec or selection, each field and reason (as a 400 would list them)
 */
public record Build(String id, String name, Status status, String stage, long done, long total, String versionId,
        String message, List<FieldError> errors, Instant createdAt, Instant updatedAt, Instant finishedAt) {

    /** queued, running, succeeded, failed. */
    public enum Status {
        QUEUED, RUNNING, SUCCEEDED, FAILED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Status> parse(String wire) {
            return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
        }

        public boolean finished() {
            return this == SUCCEEDED || this == FAILED;
        }
    }

    public Build {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }
}
