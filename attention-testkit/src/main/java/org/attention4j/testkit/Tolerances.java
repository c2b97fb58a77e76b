package org.attention4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Assertions;

/**
 * Closeness of float32 results to float64 references, in one form everywhere:
 * {@code |a − b| ≤ atol + rtol·|b|}, where {@code a} is the value under test and {@code b} the
 * reference. NaN never passes (not even against NaN); equal infinities do. Failures name the worst
 * entries, worst first, by how far each exceeds its allowance:
 * <pre>
 * scores: expected |actual − expected| ≤ 1e-05 + 1e-05·|expected| everywhere, got 2 of 12 entries outside;
 *   worst at (row 1, col 3): actual 0.5012, expected 0.5, |diff| 0.0012 &gt; allowed 1.5e-05; ...
 * </pre>
 *
 * <p>The constants are the tolerances this project states for its comparisons; use them, or state
 * your own next to the test.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Tolerances {
  /**
   * Absolute part for a float32 kernel against a float64 reference when each output is one rounded
   * sum of float32 products (scores, matmul): 1e-5.
   */
  public static final double FLOAT32_ATOL = 1e-5;

  /**
   * Relative part for the same: 1e-5, about 80 float32 ulps (2⁻²⁴ ≈ 6e-8), room for float32
   * accumulation over a few hundred terms in fast kernels.
   */
  public static final double FLOAT32_RTOL = 1e-5;

  /** How many of the worst entries a failure message lists. */
  public static final int WORST_LISTED = 5;

  private Tolerances() {}

  /** One entry compared: its flat index, both values, the error and what was allowed. */
  public record Entry(int index, double actual, double expected, double error, double allowed) {
    /** error / allowed: above 1 fails; infinite for NaN or an infinite error. */
    public double excess() { return allowed == 0 ? (error == 0 ? 0 : Double.POSITIVE_INFINITY) : error / allowed; }
  }

  /**
   * The result of a comparison: how many entries failed and the worst ones (failing or not), worst
   * first, at most {@link #WORST_LISTED}.
   *
   * @param size entries compared
   * @param failures entries outside the tolerance
   * @param worst the entries with the largest {@link Entry#excess()}, worst first
   * @param atol the absolute tolerance used
   * @param rtol the relative tolerance used
   */
  public record Comparison(int size, int failures, List<Entry> worst, double atol, double rtol) {
    public Comparison {
      worst = List.copyOf(worst);
    }

    /** True when every entry is within the tolerance. */
    public boolean passed() { return failures == 0; }

    /**
     * A one-paragraph description, e.g. for a failure message; {@code cols > 0} shows (row, col)
     * positions of a row-major matrix with that many columns, otherwise flat indices.
     */
    public String describe(String what, String actualLabel, String expectedLabel, int cols) {
      StringBuilder sb = new StringBuilder(what).append(": expected |").append(actualLabel).append(" − ")
          .append(expectedLabel).append("| ≤ ").append(num(atol)).append(" + ").append(num(rtol)).append("·|")
          .append(expectedLabel).append("| everywhere, got ").append(failures).append(" of ").append(size)
          .append(size == 1 ? " entry" : " entries").append(" outside");
      String sep = "; worst at ";
      for (Entry e : worst) {
        if (!(e.excess() > 1)) break;
        sb.append(sep).append(position(e.index(), cols)).append(": ").append(actualLabel).append(' ').append(num(e.actual()))
            .append(", ").append(expectedLabel).append(' ').append(num(e.expected())).append(", |diff| ")
            .append(num(e.error())).append(" > allowed ").append(num(e.allowed()));
        sep = "; then ";
      }
      return sb.toString();
    }
  }

  /** Is {@code |a − b| ≤ atol + rtol·|b|}? False when either is NaN; true for equal infinities. */
  public static boolean close(double actual, double expected, double atol, double rtol) {
    return entry(0, actual, expected, atol, rtol).excess() <= 1;
  }

  private static Entry entry(int i, double a, double b, double atol, double rtol) {
    double allowed = atol + rtol * Math.abs(b);
    double error;
    if (Double.isNaN(a) || Double.isNaN(b)) error = Double.POSITIVE_INFINITY;
    else if (a == b) error = 0;                        // also equal infinities
    else error = Math.abs(a - b);
    if (Double.isNaN(allowed)) allowed = 0;
    return new Entry(i, a, b, error, allowed);
  }

  /** Compares entry by entry; arrays of different lengths are a caller mistake. */
  public static Comparison compare(double[] actual, double[] expected, double atol, double rtol) {
    checkTolerances(atol, rtol);
    if (actual.length != expected.length) {
      throw new IllegalArgumentException("actual: expected " + expected.length + " values (= expected.length), got "
          + actual.length);
    }
    int failures = 0;
    List<Entry> all = new ArrayList<>();
    Comparator<Entry> byExcess = Comparator.comparingDouble(Entry::excess);
    for (int i = 0; i < actual.length; i++) {
      Entry e = entry(i, actual[i], expected[i], atol, rtol);
      if (!(e.excess() <= 1)) failures++;
      if (all.size() < WORST_LISTED) {
        all.add(e);
        all.sort(byExcess.reversed());
      } else if (e.excess() > all.get(WORST_LISTED - 1).excess()) {
        all.set(WORST_LISTED - 1, e);
        all.sort(byExcess.reversed());
      }
    }
    return new Comparison(actual.length, failures, all, atol, rtol);
  }

  /** {@link #compare(double[], double[], double, double)} for float32 results. */
  public static Comparison compare(float[] actual, double[] expected, double atol, double rtol) {
    return compare(Float64Oracles.toDouble(actual), expected, atol, rtol);
  }

  /**
   * Asserts {@code |actual[i] − expected[i]| ≤ atol + rtol·|expected[i]|} for every i; the failure
   * names {@code what}, how many entries failed and the worst indices.
   */
  public static void assertClose(float[] actual, double[] expected, double atol, double rtol, String what) {
    assertClose(Float64Oracles.toDouble(actual), expected, atol, rtol, what, 0);
  }

  /**
   * As {@link #assertClose(float[], double[], double, double, String)} for a dense matrix, naming
   * positions as (row, col).
   */
  public static void assertClose(FixedSizeListVector actual, double[] expected, double atol, double rtol, String what) {
    DenseMatrices.require(actual, what, -1);
    assertClose(Float64Oracles.toDouble(actual), expected, atol, rtol, what, DenseMatrices.cols(actual));
  }

  /**
   * As {@link #assertClose(float[], double[], double, double, String)} for float64 values; a
   * positive {@code cols} names positions as (row, col) of a row-major matrix.
   */
  public static void assertClose(double[] actual, double[] expected, double atol, double rtol, String what, int cols) {
    Comparison c = compare(actual, expected, atol, rtol);
    if (!c.passed()) Assertions.fail(c.describe(what, "actual", "expected", cols));
  }

  static void checkTolerances(double atol, double rtol) {
    if (!(atol >= 0) || !Double.isFinite(atol)) throw new IllegalArgumentException("atol: expected a finite number >= 0, got " + atol);
    if (!(rtol >= 0) || !Double.isFinite(rtol)) throw new IllegalArgumentException("rtol: expected a finite number >= 0, got " + rtol);
  }

  static String position(int index, int cols) {
    return cols > 0 ? "(row " + index / cols + ", col " + index % cols + ")" : "[" + index + "]";
  }

  static String num(double x) {
    if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) return Double.toString(x);
    double a = Math.abs(x);
    if (a >= 1e-3 && a < 1e6) {
      String s = String.format(Locale.ROOT, "%.6g", x);
      return s.indexOf('.') < 0 ? s : s.replaceAll("\\.?0+$", "");
    }
    return String.format(Locale.ROOT, "%.3e", x).replaceAll("\\.?0+e", "e");
  }
}
