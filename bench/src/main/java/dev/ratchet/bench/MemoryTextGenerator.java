package dev.ratchet.bench;

import java.util.SplittableRandom;

/**
 * Deterministic memory items and queries of a support-desk agent, as many distinct ones as asked for. Each
 * item is two sentences from different templates with their slots filled from word pools (customers,
 * account codes, merchants, amounts, channels, problems, fixes), so items share vocabulary the way a real
 * memory does without being near-copies of each other; queries ask about the same things in other words.
 */
final class MemoryTextGenerator {

    private static final String[] FIRST = {"Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farah", "Gustav", "Hana",
        "Ines", "Jonas", "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq",
        "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Anil", "Bianca", "Carlos", "Daria"};
    private static final String[] LAST = {"Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia",
        "Haddad", "Ivanova", "Jensen", "Kowalski", "Laurent", "Moreau", "Novak", "Okafor", "Petrov", "Quinn",
        "Rossi", "Schmidt", "Tanaka", "Usman", "Varga", "Weber", "Xu", "Yilmaz", "Zhang", "Almeida", "Brandt"};
    private static final String[] MERCHANTS = {"Grocer & Co", "City Transit", "Bookshop 24", "Fuel Stop",
        "Cloud Storage Ltd", "Pharmacy Plus", "Metro Cinema", "Hotel Riverside", "SkyAir", "Garden Centre",
        "Electro World", "Pet Palace", "Music Hall", "Taxi Now", "Bike Share"};
    private static final String[] CHANNELS = {"email", "phone", "chat", "SMS", "a letter", "the mobile app"};
    private static final String[] LANGUAGES = {"English", "German", "Spanish", "French", "Polish", "Turkish",
        "Portuguese", "Japanese", "Italian", "Dutch"};
    private static final String[] PRODUCTS = {"the virtual card", "the savings pot", "the travel card",
        "the business account", "the joint account", "the credit line", "the crypto wallet", "the premium plan"};
    private static final String[] PROBLEMS = {"was declined abroad", "showed a pending charge twice",
        "could not be topped up by bank transfer", "was blocked after three wrong PINs",
        "displayed the wrong exchange rate", "stopped syncing with the budgeting app",
        "charged a fee for a cash withdrawal", "rejected the verification selfie"};
    private static final String[] FIXES = {"reset the PIN at an ATM", "re-run identity verification",
        "wait two working days for the transfer to settle", "refund the duplicate charge",
        "enable contactless payments in the settings", "update the app to the latest version",
        "order a replacement card", "raise the daily spending limit"};
    private static final String[] ROLES = {"a team lead", "the fraud desk", "a compliance officer",
        "the account owner", "two support agents", "the finance team"};
    private static final String[] CURRENCIES = {"EUR", "GBP", "USD", "CHF", "PLN", "SEK"};
    private static final String[] WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
        "Saturday", "Sunday"};

    private static final int TEMPLATES = 6;

    private final SplittableRandom random;

    MemoryTextGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next memory item text. */
    String item() {
        int a = random.nextInt(TEMPLATES);
        int b = (a + 1 + random.nextInt(TEMPLATES - 1)) % TEMPLATES;
        return sentence(a) + " " + sentence(b);
    }

    /** The next query: a question about the kind of thing items record. */
    String query() {
        return switch (random.nextInt(5)) {
            case 0 -> "How does " + pick(FIRST) + " " + pick(LAST) + " want to be contacted?";
            case 1 -> "Who has to approve a refund from " + pick(MERCHANTS) + "?";
            case 2 -> "What should I tell a customer whose card " + pick(PROBLEMS) + "?";
            case 3 -> "Which language does the holder of account " + account() + " speak?";
            default -> "Known fix when " + pick(PRODUCTS) + " " + pick(PROBLEMS) + "?";
        };
    }

    private String sentence(int template) {
        return switch (template) {
            case 0 -> pick(FIRST) + " " + pick(LAST) + " (account " + account() + ") prefers to be contacted by "
                    + pick(CHANNELS) + " and speaks " + pick(LANGUAGES) + ".";
            case 1 -> "Refunds from " + pick(MERCHANTS) + " above " + (50 + random.nextInt(1950)) + " "
                    + pick(CURRENCIES) + " need approval from " + pick(ROLES) + ".";
            case 2 -> "When " + pick(PRODUCTS) + " " + pick(PROBLEMS) + ", the fix that worked was to " + pick(FIXES)
                    + ".";
            case 3 -> "On " + pick(WEEKDAYS) + " " + pick(FIRST) + " reported that " + pick(PRODUCTS) + " "
                    + pick(PROBLEMS) + " at " + pick(MERCHANTS) + ".";
            case 4 -> "Account " + account() + " has a monthly limit of " + (100 + random.nextInt(9900)) + " "
                    + pick(CURRENCIES) + "; ask " + pick(ROLES) + " before raising it.";
            default -> "Customers on " + pick(PRODUCTS) + " should " + pick(FIXES) + " before contacting "
                    + pick(ROLES) + " by " + pick(CHANNELS) + ".";
        };
    }

    private String account() {
        return String.format("AC-%06d", random.nextInt(1_000_000));
    }

    private String pick(String[] pool) {
        return pool[random.nextInt(pool.length)];
    }
}
