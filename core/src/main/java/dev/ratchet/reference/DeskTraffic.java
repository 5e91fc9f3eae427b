package dev.ratchet.reference;

import dev.ratchet.common.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Generates labelled support-desk traffic from {@link DeskCatalog}: customer requests, each labelled with its
 * intent. The same seed and options give the same requests in the same order, on every JVM (the streams come from
 * {@link java.util.Random}, whose algorithm is specified), so a data set is reproducible from its seed alone.
 *
 * <p>A request is one of its intent's templates with alternatives picked and slots filled (cards, products, plans,
 * apps; order numbers, amounts, dates and e-mail addresses as slot values), or, about one time in eight, one of its
 * short, chat-like forms ("card gone??"). Around a full sentence, at the rates of the {@link Options}: a greeting and
 * a sign-off, a context sentence that says nothing about the intent, a filler word; on every request, lower or upper
 * casing and typos. The options change how a request is dressed, never which intent and template it is: the same
 * seed gives the same labels under any options. Intents are roughly balanced but not uniform: each has a fixed share
 * of the traffic, the largest about three times the smallest, as at a real desk where late parcels outnumber closed
 * accounts.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DeskTraffic {

    /**
     * How noisy generated requests are. Each rate is a probability between 0 and 1. Greetings, context, fillers
     * and details dress full sentences only; casing and typos apply to short forms too.
     *
     * @param typoRate per letter, the chance of a typo: two letters swapped, a letter dropped or doubled
     * @param casingRate per request, the chance it is written all in lower case (mostly) or all in capitals
     * @param fillerRate per request, the chance of a filler word ("just", "basically", "um") somewhere in it
     * @param greetingRate per request, the chance of a greeting before it, and independently of a sign-off after it
     * @param contextRate per request, the chance of a sentence of context that does not bear on the intent
     * @param slotRate per optional detail of a template, the chance it is kept with its slot values (order number,
     *     amount, date, e-mail address, card digits)
     */
    public record Options(double typoRate, double casingRate, double fillerRate, double greetingRate,
            double contextRate, double slotRate) {

        /** Clean requests: templates as written, no details, no noise. */
        public static final Options NONE = new Options(0, 0, 0, 0, 0, 0);

        /** The noise of the generated data sets: some typos, casual casing, greetings and details. */
        public static final Options DEFAULT = new Options(0.01, 0.3, 0.1, 0.25, 0.1, 0.5);

        /** @throws BadInputException naming the first rate that is not between 0 and 1 */
        public Options {
            requireRate("typoRate", typoRate);
            requireRate("casingRate", casingRate);
            requireRate("fillerRate", fillerRate);
            requireRate("greetingRate", greetingRate);
            requireRate("contextRate", contextRate);
            requireRate("slotRate", slotRate);
        }

        public Options withTypoRate(double rate) {
            return new Options(rate, casingRate, fillerRate, greetingRate, contextRate, slotRate);
        }

        public Options withCasingRate(double rate) {
            return new Options(typoRate, rate, fillerRate, greetingRate, contextRate, slotRate);
        }

        public Options withFillerRate(double rate) {
            return new Options(typoRate, casingRate, rate, greetingRate, contextRate, slotRate);
        }

        public Options withGreetingRate(double rate) {
            return new Options(typoRate, casingRate, fillerRate, rate, contextRate, slotRate);
        }

        public Options withContextRate(double rate) {
            return new Options(typoRate, casingRate, fillerRate, greetingRate, rate, slotRate);
        }

        public Options withSlotRate(double rate) {
            return new Options(typoRate, casingRate, fillerRate, greetingRate, contextRate, rate);
        }

        private static void requireRate(String field, double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new BadInputException(field, "must be between 0 and 1, got " + rate);
            }
        }
    }

    /** A training and a test draw that share no text, ignoring case (see {@link #writeDataset}). */
    record Split(List<LabeledText> train, List<LabeledText> test) {
    }

    // The share of requests written as a short, chat-like form instead of a full sentence.
    private static final double SHORT_RATE = 0.12;
    // Separates a request's noise generator from its words generator (both seeded from the request's seed).
    private static final long NOISE_SALT = 0x6E6F_6973_655F_5EEDL;

    private static final List<String> GREETINGS = List.of("Hi", "Hello", "Hey", "Hi there", "Good morning",
            "Good afternoon", "Dear support", "Hello team", "Hey guys", "Hi,", "Hello,", "Dear customer service,");
    private static final List<String> SIGN_OFFS = List.of("Thanks", "Thank you", "Thanks in advance", "Cheers",
            "Regards", "Best, Anna", "Kind regards, Tom", "Please help", "Appreciate it", "ty", "Thanks a lot!",
            "Many thanks, J.");
    private static final List<String> CONTEXT = List.of(
            "I've been a customer for years.", "This is my second message about this.",
            "I'm writing from my phone.", "I already checked the FAQ.", "Nobody answered my last email.",
            "I'm travelling abroad at the moment.", "It's quite urgent.", "I'm not very good with technology.",
            "My partner usually handles this.", "I called yesterday but the line was busy.",
            "Sorry if this is the wrong place to ask.", "I hope someone can sort this out today.",
            "This is really frustrating.", "Your chat bot couldn't help me.", "I'm a bit in a hurry.",
            "I'm on the Plus plan.", "I shop with you every month.");
    private static final List<String> FILLERS = List.of("just", "really", "actually", "basically", "like", "um",
            "so", "honestly", "literally", "kind of");
    private static final List<String> ENDINGS = List.of(".", ".", "", "!", ".", "");

    private final Options options;

    /** A generator with {@link Options#DEFAULT}. */
    public DeskTraffic() {
        this(Options.DEFAULT);
    }

    /**
     * A generator with these options.
     *
     * @throws BadInputException if {@code options} is null
     */
    public DeskTraffic(Options options) {
        if (options == null) {
            throw new BadInputException("options", "must not be null");
        }
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /**
     * {@code count} labelled requests drawn from the stream of {@code seed}. The same seed gives the same list, and
     * a longer list starts with a shorter one of the same seed. Draws are independent, so a list may repeat a text
     * (mostly the short forms), as real traffic does.
     *
     * @throws BadInputException if {@code count} is negative
     */
    public List<LabeledText> generate(long seed, int count) {
        if (count < 0) {
            throw new BadInputException("count", "must not be negative, got " + count);
        }
        Draw draw = new Draw(seed);
        List<LabeledText> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(draw.next());
        }
        return out;
    }

    /**
     * Writes a data set in the shape of Banking77 into {@code dir} (created if needed): {@code train.csv} with
     * {@code trainCount} requests and {@code test.csv} with {@code testCount}, both {@code text,category} (see
     * {@link LabeledTexts#writeCsv}), generated with {@link Options#DEFAULT}. See {@link #writeDataset(Path,
     * long, int, int, Options)}.
     */
    public static void writeDataset(Path dir, long seed, int trainCount, int testCount) throws IOException {
        writeDataset(dir, seed, trainCount, testCount, Options.DEFAULT);
    }

    /**
     * Writes {@code train.csv} and {@code test.csv} into {@code dir} (created if needed), replacing them. The
     * training file is {@link #generate generate(seed, trainCount)}; the test file is drawn from a second stream,
     * seeded from {@code seed} by a mixing function so that it is unrelated to the first.
     *
     * <p>No test request is a verbatim copy of a training one: a test draw whose text equals a training text,
     * ignoring case, is dropped and the next one taken, so a classifier cannot score by remembering texts. Such
     * collisions are few to begin with (about one test draw in twenty with the default options, mostly short forms,
     * whose alternatives keep them varied), so dropping them hardly changes the test file's mix. Near duplicates
     * remain, as in real traffic: the same template with other words and values. Within one file a text may repeat.
     *
     * @throws BadInputException if a count is negative or {@code options} is null; nothing is written then
     * @throws IOException if the folder or a file cannot be written
     */
    public static void writeDataset(Path dir, long seed, int trainCount, int testCount, Options options)
            throws IOException {
        Split split = new DeskTraffic(options).split(seed, trainCount, testCount);
        Files.createDirectories(dir);
        LabeledTexts.writeCsv(dir.resolve("train.csv"), split.train());
        LabeledTexts.writeCsv(dir.resolve("test.csv"), split.test());
    }

    /** The two draws {@link #writeDataset} writes. */
    Split split(long seed, int trainCount, int testCount) {
        if (trainCount < 0) {
            throw new BadInputException("trainCount", "must not be negative, got " + trainCount);
        }
        if (testCount < 0) {
            throw new BadInputException("testCount", "must not be negative, got " + testCount);
        }
        List<LabeledText> train = generate(seed, trainCount);
        Set<String> seen = new HashSet<>();
        for (LabeledText t : train) {
            seen.add(t.text().toLowerCase(Locale.ROOT));
        }
        Draw draw = new Draw(testSeed(seed));
        List<LabeledText> test = new ArrayList<>(testCount);
        // The template space is large, so few draws are dropped; the bound only guards against a catalog change
        // that would make the loop endless.
        long budget = 20L * testCount + 1_000;
        while (test.size() < testCount) {
            if (budget-- == 0) {
                throw new IllegalStateException("could not draw " + testCount + " test requests unlike the "
                        + trainCount + " training ones");
            }
            LabeledText t = draw.next();
            if (!seen.contains(t.text().toLowerCase(Locale.ROOT))) {
                test.add(t);
            }
        }
        return new Split(train, test);
    }

    // SplitMix64's finaliser: a seed for the test stream that is unrelated to the training stream's.
    private static long testSeed(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * One stream of requests; not thread-safe. Each request gets its own seed from the stream, and from that seed
     * two generators: one picks the intent, the template and its words, the other every kind of noise. So the
     * options change how a request is dressed, never which intent and template it is.
     */
    private final class Draw {

        private final Random stream;
        private final double[] cumulative;

        Draw(long seed) {
            this.stream = new Random(seed);
            List<DeskCatalog.Entry> entries = DeskCatalog.entries();
            cumulative = new double[entries.size()];
            double sum = 0;
            for (int i = 0; i < entries.size(); i++) {
                sum += entries.get(i).share();
                cumulative[i] = sum;
            }
        }

        LabeledText next() {
            long seed = stream.nextLong();
            Random words = new Random(seed);
            Random noise = new Random(seed ^ NOISE_SALT);
            DeskCatalog.Entry entry = DeskCatalog.entries().get(pickIntent(words));
            String text = words.nextDouble() < SHORT_RATE
                    ? Phrasings.expand(Phrasings.pick(entry.shorts(), words), words, noise, options.slotRate())
                    : sentence(Phrasings.pick(entry.templates(), words), words, noise);
            text = typos(casing(text, noise), noise).strip();
            return new LabeledText(text, entry.intent().name());
        }

        private int pickIntent(Random words) {
            double x = words.nextDouble() * cumulative[cumulative.length - 1];
            for (int i = 0; i < cumulative.length; i++) {
                if (x < cumulative[i]) {
                    return i;
                }
            }
            return cumulative.length - 1;
        }

        private String sentence(String template, Random words, Random noise) {
            String core = Phrasings.expand(template, words, noise, options.slotRate());
            if (noise.nextDouble() < options.fillerRate()) {
                core = withFiller(core, noise);
            }
            if (!endsSentence(core)) {
                core += Phrasings.pick(ENDINGS, noise);
            }
            StringBuilder out = new StringBuilder();
            // After a greeting that ends in a comma ("Hi, ...") the next sentence goes on in lower case.
            boolean lowerNext = false;
            if (noise.nextDouble() < options.greetingRate()) {
                String greeting = Phrasings.pick(GREETINGS, noise);
                lowerNext = greeting.endsWith(",") || noise.nextBoolean();
                out.append(greeting).append(greeting.endsWith(",") ? " " : lowerNext ? ", " : ". ");
            }
            boolean context = noise.nextDouble() < options.contextRate();
            boolean contextFirst = noise.nextBoolean();
            if (context && contextFirst) {
                out.append(continued(Phrasings.pick(CONTEXT, noise), lowerNext)).append(' ');
                lowerNext = false;
            }
            out.append(continued(core, lowerNext));
            if (context && !contextFirst) {
                out.append(endsSentence(out) ? " " : ". ").append(Phrasings.pick(CONTEXT, noise));
            }
            if (noise.nextDouble() < options.greetingRate()) {
                out.append(endsSentence(out) ? " " : ". ").append(Phrasings.pick(SIGN_OFFS, noise));
            }
            return out.toString();
        }

        private String withFiller(String core, Random noise) {
            String[] words = core.split(" ");
            int at = noise.nextInt(words.length);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < words.length; i++) {
                if (i == at) {
                    out.append(Phrasings.pick(FILLERS, noise)).append(' ');
                }
                out.append(words[i]);
                if (i < words.length - 1) {
                    out.append(' ');
                }
            }
            return out.toString();
        }

        private String casing(String text, Random noise) {
            if (noise.nextDouble() >= options.casingRate()) {
                return text;
            }
            return noise.nextInt(6) == 0 ? text.toUpperCase(Locale.ROOT) : text.toLowerCase(Locale.ROOT);
        }

        /** Typos touch letters only and never drop every letter, so a request never comes out blank. */
        private String typos(String text, Random noise) {
            if (options.typoRate() == 0) {
                return text;
            }
            StringBuilder out = new StringBuilder(text.length() + 4);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!Character.isLetter(c) || noise.nextDouble() >= options.typoRate()) {
                    out.append(c);
                    continue;
                }
                switch (noise.nextInt(3)) {
                    case 0 -> {
                        if (i + 1 < text.length() && Character.isLetter(text.charAt(i + 1))) {
                            out.append(text.charAt(i + 1)).append(c);
                            i++;
                        } else {
                            out.append(c).append(c);
                        }
                    }
                    case 1 -> {
                        // Dropping a one-letter word ("I", "a") would leave two spaces, not a typo.
                        boolean word = (i == 0 || !Character.isLetter(text.charAt(i - 1)))
                                && (i + 1 == text.length() || !Character.isLetter(text.charAt(i + 1)));
                        boolean lastLetter = i + 1 == text.length() && out.chars().noneMatch(Character::isLetter);
                        if (word || lastLetter) {
                            out.append(c);
                        }
                    }
                    default -> out.append(c).append(c);
                }
            }
            return out.toString();
        }
    }

    private static boolean endsSentence(CharSequence s) {
        char last = s.charAt(s.length() - 1);
        return last == '.' || last == '?' || last == '!';
    }

    /** {@code s} with its first letter in lower case after a comma, else in upper case. */
    private static String continued(String s, boolean afterComma) {
        char first = afterComma ? Character.toLowerCase(s.charAt(0)) : Character.toUpperCase(s.charAt(0));
        // "I" stays a capital whatever comes before it.
        if (afterComma && s.charAt(0) == 'I' && (s.length() == 1 || !Character.isLetter(s.charAt(1)))) {
            first = 'I';
        }
        return first + s.substring(1);
    }
}
