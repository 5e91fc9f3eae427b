package dev.ratchet.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Expands the phrasing templates of {@link DeskCatalog}: {@code (a|b)} picks one alternative, {@code [...]} is an
 * optional detail, {@code {name}} is a slot. Alternatives and slots draw from one random stream and the decision to
 * keep a detail from another, so changing the detail rate leaves the choice of words elsewhere as it was.
 */
final class Phrasings {

    /** The slots a template may name. */
    static final List<String> SLOTS = List.of("card", "order", "item", "app", "account", "plan", "merchant", "days",
            "date", "orderno", "amount", "email", "last4", "address");

    private static final List<String> CARDS = List.of("card", "card", "debit card", "bank card", "credit card",
            "Visa card", "payment card", "shop card");
    private static final List<String> ORDERS = List.of("order", "order", "package", "parcel", "delivery",
            "purchase");
    private static final List<String> ITEMS = List.of("headset", "blender", "pair of running shoes", "jacket",
            "phone case", "coffee maker", "lamp", "backpack", "kettle", "book", "charger", "desk chair", "vacuum",
            "watch", "pair of jeans", "toaster");
    private static final List<String> APPS = List.of("the app", "your app", "the mobile app", "the iPhone app",
            "the Android app", "the shop app");
    private static final List<String> ACCOUNTS = List.of("account", "account", "profile", "customer account");
    private static final List<String> PLANS = List.of("Plus", "Premium", "Pro", "Family", "Gold");
    private static final List<String> MERCHANTS = List.of("the supermarket", "a gas station", "an online store",
            "a restaurant", "the pharmacy", "a hotel", "the cinema", "a coffee shop");
    private static final List<String> DAYS = List.of("3 days", "five days", "a week", "two weeks", "10 days",
            "over a month", "almost three weeks", "six days");
    private static final List<String> RELATIVE_DATES = List.of("yesterday", "last Tuesday", "on Monday",
            "two days ago", "last week", "this morning");
    private static final List<String> MONTHS = List.of("January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December");
    private static final List<String> STREETS = List.of("Baker Street", "Mill Lane", "Station Road",
            "Park Avenue", "High Street", "Church Road", "Oak Drive");
    private static final List<String> NAMES = List.of("anna", "tom", "j.smith", "maria.k", "dave", "lee", "sophie",
            "omar", "chen.li", "peter");
    private static final List<String> DOMAINS = List.of("gmail.com", "outlook.com", "mail.com", "yahoo.com",
            "proton.me");

    private Phrasings() {
    }

    /**
     * One phrasing of {@code template}, tidied: no doubled spaces, no space before punctuation, stripped.
     *
     * @param words picks alternatives and fills slots
     * @param details decides whether each optional detail is kept, at {@code detailRate}
     * @throws IllegalStateException if the template is malformed or names an unknown slot (a catalog bug)
     */
    static String expand(String template, Random words, Random details, double detailRate) {
        return tidy(raw(template, words, details, detailRate));
    }

    private static String raw(String t, Random words, Random details, double detailRate) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c == '(') {
                int end = closing(t, i, '(', ')');
                List<String> alternatives = alternatives(t.substring(i + 1, end));
                out.append(raw(alternatives.get(words.nextInt(alternatives.size())), words, details, detailRate));
                i = end + 1;
            } else if (c == '[') {
                int end = closing(t, i, '[', ']');
                if (details.nextDouble() < detailRate) {
                    out.append(raw(t.substring(i + 1, end), words, details, detailRate));
                }
                i = end + 1;
            } else if (c == '{') {
                int end = t.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalStateException("template has an unclosed {: " + t);
                }
                out.append(slot(t.substring(i + 1, end), words));
                i = end + 1;
            } else if (c == ')' || c == ']' || c == '}' || c == '|') {
                throw new IllegalStateException("template has a stray " + c + ": " + t);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    static String slot(String name, Random rng) {
        return switch (name) {
            case "card" -> pick(CARDS, rng);
            case "order" -> pick(ORDERS, rng);
            case "item" -> pick(ITEMS, rng);
            case "app" -> pick(APPS, rng);
            case "account" -> pick(ACCOUNTS, rng);
            case "plan" -> pick(PLANS, rng);
            case "merchant" -> pick(MERCHANTS, rng);
            case "days" -> pick(DAYS, rng);
            case "date" -> rng.nextBoolean() ? pick(RELATIVE_DATES, rng)
                    : "on " + pick(MONTHS, rng) + " " + (1 + rng.nextInt(28));
            case "orderno" -> switch (rng.nextInt(3)) {
                case 0 -> "order #A" + (10_000 + rng.nextInt(90_000));
                case 1 -> "order " + (1_000_000 + rng.nextInt(9_000_000));
                default -> "order no. " + (10_000 + rng.nextInt(90_000));
            };
            case "amount" -> amount(rng);
            case "email" -> pick(NAMES, rng) + (rng.nextBoolean() ? "" : String.valueOf(rng.nextInt(100))) + "@"
                    + pick(DOMAINS, rng);
            case "last4" -> "ending in " + (1000 + rng.nextInt(9000));
            case "address" -> (1 + rng.nextInt(120)) + " " + pick(STREETS, rng);
            default -> throw new IllegalStateException("template slot {" + name + "} is not one of " + SLOTS);
        };
    }

    private static String amount(Random rng) {
        int units = 5 + rng.nextInt(300);
        int cents = rng.nextInt(4) == 0 ? 0 : rng.nextInt(100);
        String value = cents == 0 ? String.valueOf(units) : String.format(Locale.ROOT, "%d.%02d", units, cents);
        return switch (rng.nextInt(3)) {
            case 0 -> "$" + value;
            case 1 -> "€" + value;
            default -> value + " EUR";
        };
    }

    static <T> T pick(List<T> list, Random rng) {
        return list.get(rng.nextInt(list.size()));
    }

    /** Collapses the spaces an omitted detail or empty alternative leaves, and the space before punctuation. */
    static String tidy(String s) {
        return s.replaceAll(" {2,}", " ").replaceAll(" ([,.?!])", "$1").strip();
    }

    private static int closing(String t, int open, char opening, char close) {
        int depth = 0;
        for (int i = open; i < t.length(); i++) {
            if (t.charAt(i) == opening) {
                depth++;
            } else if (t.charAt(i) == close && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("template has an unclosed " + opening + ": " + t);
    }

    /** The top-level alternatives of the inside of a {@code (...)}. */
    private static List<String> alternatives(String inside) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < inside.length(); i++) {
            char c = inside.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == '|' && depth == 0) {
                out.add(inside.substring(from, i));
                from = i + 1;
            }
        }
        out.add(inside.substring(from));
        return out;
    }
}
