package dev.ratchet.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.feedback.ProjectSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * A project's own redaction patterns (its order numbers, customer ids, internal hostnames), applied by every dataset
 * build of the project before the spec's custom patterns. Stored as the project setting {@value #SETTING}.
 *
 * @param custom the patterns, each {@code {"type": "ORDER_ID", "pattern": "ORD-[0-9]{8}"}}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RedactionSettings(List<DatasetSpec.CustomPattern> custom) {

    public static final String SETTING = "redaction";

    public RedactionSettings {
        custom = custom == null ? List.of() : List.copyOf(custom);
    }

    public static RedactionSettings none() {
        return new RedactionSettings(List.of());
    }

    /** The project's settings, or none. */
    public static RedactionSettings read(ProjectSettings settings, String project) {
        return settings.get(project, SETTING, RedactionSettings.class, none());
    }

    /**
     * Checks and stores the project's settings, replacing the previous ones; durable when this returns.
     *
     * @throws BadInputException naming each bad field ({@code custom[0].pattern}); then nothing is stored
     */
    public static RedactionSettings write(ProjectSettings settings, String project, RedactionSettings value) {
        List<FieldError> errors = new ArrayList<>();
        List<DatasetSpec.CustomPattern> checked = DatasetSpecs.customPatterns(value == null ? null : value.custom(),
                "custom", errors);
        if (!errors.isEmpty()) {
            throw new BadInputException(errors);
        }
        RedactionSettings normal = new RedactionSettings(checked);
        settings.put(project, SETTING, normal);
        return normal;
    }
}
