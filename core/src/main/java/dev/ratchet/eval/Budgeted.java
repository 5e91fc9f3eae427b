package dev.ratchet.eval;

/**
 * Text that stops a regular expression after a number of character reads. Java's regex engine backtracks, so a
 * pattern like {@code (a+)+b} takes exponential time on some texts; since patterns come from users and texts from
 * agents, a scorer must not hang a run on them.
 */
final class Budgeted implements CharSequence {

    /** Thrown through the matcher when the budget is spent. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super(null, null, false, false);
        }
    }

    private final CharSequence text;
    private final long[] left;

    Budgeted(CharSequence text, long budget) {
        this(text, new long[] {budget});
    }

    private Budgeted(CharSequence text, long[] left) {
        this.text = text;
        this.left = left;
    }

    @Override
    public char charAt(int index) {
        if (--left[0] < 0) {
            throw new Exceeded();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new Budgeted(text.subSequence(start, end), left);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
