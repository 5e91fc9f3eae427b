package dev.ratchet.curation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ratchet.common.BadInputException;
import dev.ratchet.common.FieldError;
import dev.ratchet.common.Json;
import dev.ratchet.curation.CurationPolicy.Scope;
import dev.ratchet.curation.CurationPolicy.SourceRule;
import dev.ratchet.feedback.FeedbackSource;
import org.junit.jupiter.api.Test;

/** Reading a policy as a client sends it: fields left out keep their defaults, anything unknown or wrong is named. */
class CurationPoliciesTest {

    private static CurationPolicy read(String json) {
        return CurationPolicies.read(Json.readTree(json));
    }

    private static BadInputException refused(String json) {
        return catchThrowableOfType(BadInputException.class, () -> read(json));
    }

    @Test
    void emptyObject_isTheDefaults() {
        assertThat(read("{}")).isEqualTo(CurationPolicy.defaults());
        assertThat(CurationPolicy.defaults().sources()).containsEntry(FeedbackSource.END_USER, SourceRule.ALWAYS)
                .containsEntry(FeedbackSource.ANNOTATOR, SourceRule.ALWAYS)
                .containsEntry(FeedbackSource.SYSTEM, SourceRule.THRESHOLD);
    }

    @Test
    void givenFields_replaceTheirDefaults_andSourcesLeftOutKeepTheirs() {
        CurationPolicy p = read("""
                {"enabled":false,"minConfidence":0.95,"sources":{"end_user":"never"},"reviewPromotes":false,
                 "kind":"example","scope":"session","ttlSeconds":86400}""");

        assertThat(p).isEqualTo(new CurationPolicy(false, 0.95, p.sources(), false, "example", Scope.SESSION, 86400L));
        assertThat(p.sources()).containsEntry(FeedbackSource.END_USER, SourceRule.NEVER)
                .containsEntry(FeedbackSource.ANNOTATOR, SourceRule.ALWAYS)
                .containsEntry(FeedbackSource.SYSTEM, SourceRule.THRESHOLD);
    }

    @Test
    void storedPolicy_readsBackEqual() {
        CurationPolicy p = read("{\"sources\":{\"system\":\"always\"},\"ttlSeconds\":60}");
        assertThat(Json.MAPPER.convertValue(Json.readTree(Json.write(p)), CurationPolicy.class)).isEqualTo(p);
        assertThat(Json.readTree(Json.write(p)).path("sources").path("system").asText()).isEqualTo("always");
    }

    @Test
    void everyBadField_isNamedWithItsReason() {
        BadInputException e = refused("""
                {"minConfidence":1.5,"sources":{"robot":"always","system":"sometimes"},"kind":"rumour",
                 "scope":"planet","ttlSeconds":0,"enabled":"yes","colour":"red"}""");

        assertThat(e.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("colour", "enabled",
                "minConfidence", "sources.robot", "sources.system", "kind", "scope", "ttlSeconds");
        assertThat(e.errors()).filteredOn(f -> f.field().equals("colour")).singleElement()
                .satisfies(f -> assertThat(f.reason()).startsWith("unknown field; the fields are enabled, kind,"));
        assertThat(e.errors()).filteredOn(f -> f.field().equals("sources.system")).singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("must be one of always, threshold, never"));

        assertThat(refused("{\"minConfidence\":\"high\"}").errors()).extracting(FieldError::reason)
                .containsExactly("must be a number from 0 to 1");
        assertThat(refused("{\"ttlSeconds\":1.5}").errors()).extracting(FieldError::field).containsExactly("ttlSeconds");
        assertThat(refused("{\"ttlSeconds\":" + (CurationPolicy.MAX_TTL_SECONDS + 1) + "}").errors())
                .extracting(FieldError::field).containsExactly("ttlSeconds");
        assertThat(refused("[]").errors()).extracting(FieldError::field).containsExactly("$");
        assertThat(refused("{\"sources\":[\"system\"]}").errors()).extracting(FieldError::field).containsExactly("sources");
    }

    @Test
    void nullTtl_meansNoLimit() {
        assertThat(read("{\"ttlSeconds\":null}").ttlSeconds()).isNull();
    }
}
