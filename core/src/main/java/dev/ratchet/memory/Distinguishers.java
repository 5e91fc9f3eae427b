package dev.ratchet.memory;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tokens that tell two otherwise alike statements apart: any token with a digit or a capital letter, so
 * numbers and codes ({@code 500}, {@code AC-104233}, {@code 02:00}), acronyms ({@code EUR}) and names ({@code Ada}).
 * "Ada Berg prefers email" and "Ben Costa prefers email" embed within a few hundredths of each other, yet are
 * two facts; merging them would silently drop one. Near-duplicate merging therefore also requires {@link #same}.
 *
 * <p>The test is deliberately conservative: a wrong merge loses a fact, a missed merge only leaves a
 * paraphrase beside its twin. A capitalised word of one text is excused when the other has it in any case
 * ("Email is what Ada prefers" / "Ada prefers email"), so sentence starts rarely block a paraphrase.
 */
final class Distinguishers {

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}](?:[\\p{L}\\p{N}]|[:._/-](?=[\\p{L}\\p{N}]))*");

    private Distinguishers() {
    }

    /** The distinguishing tokens of {@code text}, as written. */
    static Set<String> of(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            String t = m.group();
            if (t.chars().anyMatch(c -> Character.isDigit(c) || Character.isUpperCase(c))) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * True when every distinguishing token of each text occurs in the other, as written or (a word with capitals
     * only, no digit) in any case.
     */
    static boolean same(String a, String b) {
        return covered(of(a), b) && covered(of(b), a);
    }

    private static boolean covered(Set<String> tokens, String other) {
        Set<String> exact = of(other);
        Set<String> lower = new HashSet<>();
        Matcher m = TOKEN.matcher(other);
        while (m.find()) {
            lower.add(m.group().toLowerCase(Locale.ROOT));
        }
        for (String t : tokens) {
            boolean hasDigit = t.chars().anyMatch(Character::isDigit);
            if (!exact.contains(t) && (hasDigit || !lower.contains(t.toLowerCase(Locale.ROOT)))) {
                return false;
            }
        }
        return true;
    }
}
