package dev.ratchet.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactorTest {

    private final Redactor redactor = Redactor.defaults();

    private List<String> types(String text) {
        return redactor.find(text).stream().map(PiiMatch::type).toList();
    }

    @ParameterizedTest(name = "{0} in \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "EMAIL|write to Jane.Roe+desk@mail.example.co.uk today",
        "PHONE|call +1 650-253-0000 after six",
        "PHONE|ring 020 7031 3000",
        "CARD|card 4111 1111 1111 1111 expires soon",
        "CARD|amex 378282246310005",
        "IBAN|send to GB82 WEST 1234 5698 7654 32 now",
        "IBAN|NL91ABNA0417164300",
        "IP|from 192.168.10.20:8080",
        "IP|host 2001:db8::ff00:42:8329 is down",
        "SSN|ssn 123-45-6789",
        "SSN|my social security number is 123456789",
        "NINO|NI number AB 12 34 56 C",
        "BSN|mijn BSN is 111222333",
        "DE_TAX_ID|Steuer-ID: 86095742719",
        "ES_ID|DNI 12345678Z",
        "ES_ID|NIE X-1234567-L",
        "URL_CREDENTIALS|postgres://admin:s3cret@db.internal:5432/app",
        "AWS_KEY|AKIAIOSFODNN7EXAMPLE",
        "AWS_KEY|aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "GITHUB_TOKEN|ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "SLACK_TOKEN|xoxb-123456789012-1234567890123-abcdefghij",
        "API_KEY|OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz123456",
        "BEARER_TOKEN|Authorization: Bearer abcdef1234567890abcdef",
        "BEARER_TOKEN|token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    })
    void find_eachDetector_findsItsKind(String type, String text) {
        assertThat(types(text)).containsExactly(type);
    }

    @ParameterizedTest(name = "nothing in \"{0}\"")
    @CsvSource(delimiter = '|', value = {
        "card 4111 1111 1111 1112 fails Luhn",
        "IBAN DE89 3704 0044 0532 0130 01 has a bad check",
        "release version 1.2.3.4 and v10.0.0.1 and 999.1.1.1",
        "meeting at 10:30:00 on 2026-11-21, MAC 00:1a:2b:3c:4d:5e, std::vector",
        "ssn 666-12-3456 and 000-12-3456 are never issued",
        "order 111222334 for BSN checks fails the 11-proof",
        "Steuer-ID 86095742718 has a bad check digit",
        "DNI 12345678A has the wrong letter",
        "NI number QQ 12 34 56 C is not valid",
        "user@localhost is not an address",
        "sk-short is not a key",
        "invoice 1234567890123456 is just a number",
    })
    void find_hardNegatives_findNothing(String text) {
        assertThat(types(text)).isEmpty();
    }

    @Test
    void session_sameValueAcrossTexts_getsTheSamePlaceholder() {
        Redactor.Session s = redactor.session();

        String a = s.redact("I am JANE@example.com, also jane@example.com; my colleague is bob@example.com");
        String b = s.redact("Reply to jane@example.com");

        assertThat(a).isEqualTo("I am <EMAIL_1>, also <EMAIL_1>; my colleague is <EMAIL_2>");
        assertThat(b).isEqualTo("Reply to <EMAIL_1>");
        assertThat(s.counts()).containsEntry("EMAIL", 4);
        assertThat(redactor.session().redact("bob@example.com")).isEqualTo("<EMAIL_1>");
    }

    @Test
    void redactInPlace_stringsAndNumbersInJson_areReplacedButKeysKept() {
        JsonNode n = Json.readTree("""
                {"jane@example.com":"x","card":4111111111111111,"amount":12.5,
                 "nested":[{"note":"call +1 650-253-0000"}]}""");

        JsonNode r = redactor.session().redactInPlace(n);

        assertThat(r.toString()).isEqualTo("{\"jane@example.com\":\"x\",\"card\":\"<CARD_1>\",\"amount\":12.5,"
                + "\"nested\":[{\"note\":\"call <PHONE_1>\"}]}");
    }

    @Test
    void find_overlappingDetectors_theEarlierWins() {
        // The credentials of a URL are not also an e-mail; a card number is not also a phone number.
        assertThat(types("https://bob:pw@example.com/x")).containsExactly("URL_CREDENTIALS");
        assertThat(types("4111111111111111")).containsExactly("CARD");
    }

    @Test
    void create_customPatterns_runAfterSecretsAndBeforePersonalData() {
        Redactor r = Redactor.create(Redactor.BUILT_IN, List.of("US"),
                List.of(new DatasetSpec.CustomPattern("CUSTOMER", "CUS-\\d{6}")));

        assertThat(r.session().redact("customer CUS-123456 wrote")).isEqualTo("customer <CUSTOMER_1> wrote");
        assertThat(r.types()).contains("CUSTOMER");
        assertThat(r.types().indexOf("CUSTOMER")).isLessThan(r.types().indexOf("EMAIL"))
                .isGreaterThan(r.types().indexOf("BEARER_TOKEN"));
    }

    @Test
    void create_onlyTheChosenDetectorsRun() {
        Redactor r = Redactor.create(List.of("email"), List.of("US"), List.of());

        assertThat(r.session().redact("jane@example.com 4111 1111 1111 1111"))
                .isEqualTo("<EMAIL_1> 4111 1111 1111 1111");
    }

    @Test
    void find_privateKeyBlock_isOneMatch() {
        String pem = "before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAAbm9uZQ==\n"
                + "-----END OPENSSH PRIVATE KEY-----\nafter";

        assertThat(redactor.session().redact(pem)).isEqualTo("before\n<PRIVATE_KEY_1>\nafter");
    }
}
