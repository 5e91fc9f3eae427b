package dev.ratchet.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.resource.AllowSchemaLoader;
import dev.ratchet.common.FieldError;
import java.util.List;

/**
 * JSON Schemas of the quality gates, compiled once per build. Loaded as the feedback verifiers load theirs: draft
 * 2020-12 by default, and only the bundled meta-schemas may be fetched, so a spec's {@code $ref} can make the server
 * load nothing from outside. Compiled schemas are thread-safe.
 */
final class Schemas {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaLoaders(loaders -> loaders.add(
                    new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:")))));

    private Schemas() {
    }

    /** The compiled schema, or null (with the reason added to {@code errors} under {@code field}) when unusable. */
    static JsonSchema compile(JsonNode schema, String field, List<FieldError> errors) {
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            errors.add(FieldError.of(field, "a JSON Schema is an object (or true/false)"));
            return null;
        }
        try {
            JsonSchema s = FACTORY.getSchema(schema);
            s.initializeValidators(); // resolves every $ref now, so that a bad one is refused with the spec
            return s;
        } catch (RuntimeException e) {
            errors.add(FieldError.of(field, "not a usable JSON Schema: " + e.getMessage()));
            return null;
        }
    }

    /** Whether {@code value} satisfies {@code schema}. */
    static boolean valid(JsonSchema schema, JsonNode value) {
        return schema.validate(value).isEmpty();
    }
}
