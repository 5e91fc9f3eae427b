package dev.ratchet.dataset;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * The files a dataset version can be written as. Each format takes the examples it can represent and skips the others
 * (the manifest counts rows per file):
 * <ul>
 *   <li>{@code openai-chat}: OpenAI chat fine-tuning JSONL, {@code {"messages":[..],"tools":[..]}}; examples with a
 *       target (a correction, or the output of a success); a success keeps its tool calls as assistant
 *       {@code tool_calls} and {@code tool} messages.</li>
 *   <li>{@code openai-dpo}: OpenAI preference fine-tuning JSONL, {@code {"input":{"messages":[..]},
 *       "preferred_output":[..],"non_preferred_output":[..]}}; only failures that have a correction (the corrected
 *       output preferred, the failed one not).</li>
 *   <li>{@code trl-messages}: TRL conversational language modelling, {@code {"messages":[..]}}; as openai-chat.</li>
 *   <li>{@code trl-prompt-completion}: TRL conversational prompt-completion, {@code {"prompt":[..],"completion":[..]}}.</li>
 *   <li>{@code trl-dpo}: TRL conversational preference, {@code {"prompt":[..],"chosen":[..],"rejected":[..]}}; as
 *       openai-dpo.</li>
 *   <li>{@code trl-kto}: TRL conversational unpaired preference, {@code {"prompt":[..],"completion":[..],"label":b}};
 *       a success's output with {@code true}, a failure's output with {@code false}.</li>
 *   <li>{@code classification-csv}: {@code text,label} CSV for adapter heads; examples with a target and a label
 *       (the spec's {@code label.field} of the target).</li>
 * </ul>
 */
public enum ExportFormat {
    OPENAI_CHAT("openai-chat", "jsonl"),
    OPENAI_DPO("openai-dpo", "jsonl"),
    TRL_MESSAGES("trl-messages", "jsonl"),
    TRL_PROMPT_COMPLETION("trl-prompt-completion", "jsonl"),
    TRL_DPO("trl-dpo", "jsonl"),
    TRL_KTO("trl-kto", "jsonl"),
    CLASSIFICATION_CSV("classification-csv", "csv");

    private final String wire;
    private final String extension;

    ExportFormat(String wire, String extension) {
        this.wire = wire;
        this.extension = extension;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The file of this format for one split, e.g. {@code openai-chat.train.jsonl}. */
    public String fileName(String split) {
        return wire + "." + split + "." + extension;
    }

    /** The media type a server sends the file with. */
    public String mediaType() {
        return extension.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
    }

    public static Optional<ExportFormat> parse(String wire) {
        return Arrays.stream(values()).filter(f -> f.wire.equals(wire)).findFirst();
    }

    public static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(ExportFormat::wire).toList());
    }
}
