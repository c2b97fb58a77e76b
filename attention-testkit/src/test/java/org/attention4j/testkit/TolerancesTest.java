package org.attention4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** {@link Tolerances}: the |a − b| ≤ atol + rtol·|b| rule, NaN handling and messages naming the worst entry. */
@WithRootAllocator
class TolerancesTest {
  @Test void closeIsAbsolutePlusRelativeToTheExpectedValue() {
    assertTrue(Tolerances.close(1.0, 1.0, 0, 0));
    assertTrue(Tolerances.close(101.0, 100.0, 0, 0.01));
    assertFalse(Tolerances.close(100.0, 101.0 + 1e-9, 0, 0.0099));
    assertTrue(Tolerances.close(1e-7, 0, 1e-6, 0));
    assertFalse(Tolerances.close(2e-6, 0, 1e-6, 0.5));
  }

  @Test void nanNeverPassesAndEqualInfinitiesDo() {
    assertFalse(Tolerances.close(Double.NaN, 1, 1, 1));
    assertFalse(Tolerances.close(1, Double.NaN, 1, 1));
    assertFalse(Tolerances.close(Double.NaN, Double.NaN, 1, 1));
    assertTrue(Tolerances.close(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 0));
    assertFalse(Tolerances.close(Double.POSITIVE_INFINITY, 1e300, 0, 0.5));
  }

  @Test void assertCloseNamesTheWorstIndexFirst() {
    float[] actual = {1f, 2.5f, 3f, 4.01f};
    double[] expected = {1, 2, 3, 4};
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> Tolerances.assertClose(actual, expected, 1e-3, 1e-3, "scores"));
    assertTrue(e.getMessage().startsWith("scores: expected |actual − expected| ≤ 0.001 + 0.001·|expected| everywhere, "
        + "got 2 of 4 entries outside; worst at [1]: actual 2.5, expected 2, |diff| 0.5 > allowed 0.003; then [3]: "),
        e.getMessage());
  }

  @Test void matricesAreNamedByRowAndColumn(BufferAllocator allocator) {
    try (FixedSizeListVector m = DenseMatrices.of(allocator, "weights", 2, 3, new float[] {0, 0, 0, 0, 0, Float.NaN})) {
      AssertionFailedError e = assertThrows(AssertionFailedError.class,
          () -> Tolerances.assertClose(m, new double[6], 1e-6, 0, "weights"));
      assertTrue(e.getMessage().contains("got 1 of 6 entries outside; worst at (row 1, col 2): actual NaN"), e.getMessage());
    }
  }

  @Test void passingComparisonsAreSilent() {
    Tolerances.assertClose(new float[] {0, 1}, new double[] {1e-7, 1 + 1e-6}, 1e-6, 1e-6, "ok");
  }

  @Test void comparisonCountsEveryFailureButListsAtMostFive() {
    double[] a = new double[100], b = new double[100];
    for (int i = 0; i < 100; i++) { a[i] = i; b[i] = 0; }
    Tolerances.Comparison c = Tolerances.compare(a, b, 0.5, 0);
    assertEquals(99, c.failures());
    assertEquals(Tolerances.WORST_LISTED, c.worst().size());
    assertEquals(99, c.worst().get(0).index());
    assertEquals(95, c.worst().get(4).index());
  }

  @Test void refusesMismatchedLengthsAndNegativeTolerances() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tolerances.compare(new double[2], new double[3], 0, 0));
    assertEquals("actual: expected 3 values (= expected.length), got 2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Tolerances.compare(new double[1], new double[1], -1, 0));
    assertEquals("atol: expected a finite number >= 0, got -1.0", e.getMessage());
  }
}
