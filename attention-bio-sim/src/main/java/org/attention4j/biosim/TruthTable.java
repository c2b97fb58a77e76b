package org.attention4j.biosim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.function.DoubleBinaryOperator;
import org.apiguardian.api.API;

/**
 * A two-input function read as a logic gate: its values at the four corners (low, low), (low, high),
 * (high, low), (high, high), each "on" when at or above {@code threshold}.
 *
 * @param low the low input level (both inputs)
 * @param high the high input level
 * @param threshold the output level that counts as "on"
 * @param lowLow f(low, low)
 * @param lowHigh f(low, high) — first input low, second high
 * @param highLow f(high, low)
 * @param highHigh f(high, high)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TruthTable(double low, double high, double threshold, double lowLow, double lowHigh, double highLow,
    double highHigh) {

  /** Evaluates {@code f} at the four corners. */
  public static TruthTable of(DoubleBinaryOperator f, double low, double high, double threshold) {
    if (!(low < high)) throw new IllegalArgumentException("low: expected < high (" + high + "), got " + low);
    return new TruthTable(low, high, threshold, f.applyAsDouble(low, low), f.applyAsDouble(low, high),
        f.applyAsDouble(high, low), f.applyAsDouble(high, high));
  }

  /** True when only (high, high) is on: the AND gate. */
  public boolean isAnd() {
    return highHigh >= threshold && lowLow < threshold && lowHigh < threshold && highLow < threshold;
  }

  /** True when (high, high), (low, high) and (high, low) are on and (low, low) is off: the OR gate. */
  public boolean isOr() {
    return highHigh >= threshold && lowHigh >= threshold && highLow >= threshold && lowLow < threshold;
  }

  /** ON/OFF contrast f(high, high) / max(f(low, high), f(high, low)); infinite when both are 0. */
  public double contrast() {
    double off = Math.max(lowHigh, highLow);
    return off == 0 ? Double.POSITIVE_INFINITY : highHigh / off;
  }

  /** The outputs as 0/1 in the order (low, low), (low, high), (high, low), (high, high). */
  public int[] bits() {
    return new int[] {lowLow >= threshold ? 1 : 0, lowHigh >= threshold ? 1 : 0, highLow >= threshold ? 1 : 0,
        highHigh >= threshold ? 1 : 0};
  }
}
