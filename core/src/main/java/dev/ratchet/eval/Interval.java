package dev.ratchet.eval;

/** A confidence interval, {@code lower <= upper}, at the confidence level it was computed for. */
public record Interval(double lower, double upper) {
}
