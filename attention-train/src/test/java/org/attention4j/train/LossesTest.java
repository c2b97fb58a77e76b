package org.attention4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.GradientCheck;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/**
 * Each loss against a float64 reference written from its textbook definition (plain log Σ exp,
 * −y·log σ − (1 − y)·log(1 − σ), no stabilising tricks, on moderate inputs), and each analytic
 * gradient against central differences of that reference (testkit {@link GradientCheck}, step
 * 1e-3·max(1, |x|)).
 *
 * <p>Tolerances: loss values |a − b| ≤ 1e-12 + 1e-12·|b| (both are float64 sums over the same
 * float32 inputs; only the order differs). Gradients |a − b| ≤ 1e-6 + 1e-4·|b|: the analytic side
 * is rounded to float32 (relative 6e-8) and the central difference errs by about h²·|f'''|/6 ≈ 1e-7
 * here, far below either bound, while a real bug (sign, factor, missing term) is an O(1) error.
 */
@WithRootAllocator
class LossesTest {
  private static final GradientCheck CHECK = GradientCheck.defaults().tolerance(1e-6, 1e-4);
  private static final double VALUE_TOL = 1e-12;

  @Test void meanSquaredError(BufferAllocator allocator) {
    int r = 4, c = 3;
    float[] x = Fixtures.gaussian(r * c, 1, 1), y = Fixtures.gaussian(r * c, 1, 2);
    double[] y64 = Float64Oracles.toDouble(y);
    GradientCheck.ScalarFunction f = p -> {
      double s = 0;
      for (int i = 0; i < p.length; i++) s += (p[i] - y64[i]) * (p[i] - y64[i]);
      return s / p.length;
    };
    try (FixedSizeListVector xv = DenseMatrices.of(allocator, "predictions", r, c, x);
         FixedSizeListVector yv = DenseMatrices.of(allocator, "targets", r, c, y);
         LossResult loss = MeanSquaredError.create().compute(xv, yv, allocator)) {
      assertClose(f.value(Float64Oracles.toDouble(x)), loss.value());
      assertEquals(loss.value(), MeanSquaredError.create().value(xv, yv));
      assertArrayEquals(new int[] {r, c}, DenseMatrices.shape(loss.gradient()));
      CHECK.check("dPredictions", DenseMatrices.toArray(loss.gradient()), f, Float64Oracles.toDouble(x), c);
    }
  }

  @Test void softmaxCrossEntropyWithClassWeightsAndIgnoredRows(BufferAllocator allocator) {
    int n = 6, classes = 4;
    float[] x = Fixtures.gaussian(n * classes, 2, 3);
    int[] labels = {2, -100, 0, 3, 3, 1};
    double[] w = {0.5, 2, 1, 3};
    for (double[] weights : new double[][] {null, w}) {
      SoftmaxCrossEntropy ce = weights == null ? SoftmaxCrossEntropy.create() : SoftmaxCrossEntropy.create().withClassWeights(weights);
      GradientCheck.ScalarFunction f = p -> crossEntropy(p, labels, weights, n, classes, -100);
      try (FixedSizeListVector xv = DenseMatrices.of(allocator, "logits", n, classes, x);
           LossResult loss = ce.compute(xv, labels, allocator)) {
        assertClose(f.value(Float64Oracles.toDouble(x)), loss.value());
        assertEquals(loss.value(), ce.value(xv, labels));
        float[] g = DenseMatrices.toArray(loss.gradient());
        CHECK.check("dLogits", g, f, Float64Oracles.toDouble(x), classes);
        for (int j = 0; j < classes; j++) assertEquals(0f, g[classes + j], "the ignored row has no gradient");
      }
    }
  }

  @Test void softmaxCrossEntropyWithAnotherIgnoreIndex(BufferAllocator allocator) {
    int[] labels = {1, -1, 0};
    SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.create().withIgnoreIndex(-1);
    float[] x = Fixtures.gaussian(6, 1, 4);
    try (FixedSizeListVector xv = DenseMatrices.of(allocator, "logits", 3, 2, x);
         LossResult loss = ce.compute(xv, labels, allocator)) {
      assertClose(crossEntropy(Float64Oracles.toDouble(x), labels, null, 3, 2, -1), loss.value());
      assertEquals(-1, ce.ignoreIndex());
    }
  }

  @Test void softmaxCrossEntropyIsZeroWhenEveryRowIsIgnored(BufferAllocator allocator) {
    try (FixedSizeListVector xv = DenseMatrices.of(allocator, "logits", 2, 3, new float[] {1, 2, 3, 4, 5, 6});
         LossResult loss = SoftmaxCrossEntropy.create().compute(xv, new int[] {-100, -100}, allocator)) {
      assertEquals(0, loss.value());
      assertArrayEquals(new float[6], DenseMatrices.toArray(loss.gradient()));
    }
  }

  @Test void softmaxCrossEntropyStaysFiniteForHugeLogits(BufferAllocator allocator) {
    try (FixedSizeListVector xv = DenseMatrices.of(allocator, "logits", 2, 2, new float[] {1e30f, -1e30f, 1e4f, 0});
         LossResult loss = SoftmaxCrossEntropy.create().compute(xv, new int[] {0, 1}, allocator)) {
      assertEquals(0.5 * (0 + 1e4), loss.value(), 1e-9);          // row 0: log(1) = 0; row 1: 1e4 − 0
      assertArrayEquals(new float[] {0, 0, 0.5f, -0.5f}, DenseMatrices.toArray(loss.gradient()), 1e-7f);
    }
  }

  @Test void binaryCrossEntropyWithLogits(BufferAllocator allocator) {
    int r = 3, c = 4;
    float[] x = Fixtures.gaussian(r * c, 2, 5);
    float[] y = new float[r * c];
    for (int i = 0; i < y.length; i++) y[i] = i % 3 == 0 ? 1 : i % 3 == 1 ? 0 : 0.3f;
    double[] y64 = Float64Oracles.toDouble(y);
    GradientCheck.ScalarFunction f = p -> {
      double s = 0;
      for (int i = 0; i < p.length; i++) {
        double sig = 1 / (1 + Math.exp(-p[i]));
        s += -y64[i] * Math.log(sig) - (1 - y64[i]) * Math.log(1 - sig);
      }
      return s / p.length;
    };
    try (FixedSizeListVector xv = DenseMatrices.of(allocator, "logits", r, c, x);
         FixedSizeListVector yv = DenseMatrices.of(allocator, "targets", r, c, y);
         LossResult loss = BinaryCrossEntropy.withLogits().compute(xv, yv, allocator)) {
      assertEquals(f.value(Float64Oracles.toDouble(x)), loss.value(), 1e-10, "the textbook form loses digits to log(1 − σ)");
      assertEquals(loss.value(), BinaryCrossEntropy.withLogits().value(xv, yv));
      CHECK.check("dLogits", DenseMatrices.toArray(loss.gradient()), f, Float64Oracles.toDouble(x), c);
    }
  }

  @Test void binaryCrossEntropyIsStableForHugeLogits(BufferAllocator allocator) {
    try (FixedSizeListVector xv = DenseMatrices.of(allocator, "logits", 1, 4, new float[] {1e4f, -1e4f, 3e38f, -3e38f});
         FixedSizeListVector yv = DenseMatrices.of(allocator, "targets", 1, 4, new float[] {0, 0, 1, 1});
         LossResult loss = BinaryCrossEntropy.withLogits().compute(xv, yv, allocator)) {
      assertEquals((1e4 + 0 + 0 + (double) 3e38f) / 4, loss.value(), 1e24);   // the textbook form gives ∞ and NaN here
      assertArrayEquals(new float[] {0.25f, 0, 0, -0.25f}, DenseMatrices.toArray(loss.gradient()));
    }
    assertEquals(0.5, BinaryCrossEntropy.sigmoid(0));
    assertEquals(1, BinaryCrossEntropy.sigmoid(800));
    assertEquals(0, BinaryCrossEntropy.sigmoid(-800));
  }

  @Test void infoNceRowsAndSymmetric(BufferAllocator allocator) {
    for (int[] shape : new int[][] {{5, 5}, {3, 6}}) {
      int nq = shape[0], nk = shape[1];
      float[] s = Fixtures.gaussian(nq * nk, 1.5, 6);
      for (double tau : new double[] {0.5, 1, 2}) {
        for (boolean symmetric : nq == nk ? new boolean[] {false, true} : new boolean[] {false}) {
          InfoNce loss = symmetric ? InfoNce.withTemperature(tau).symmetric() : InfoNce.withTemperature(tau);
          GradientCheck.ScalarFunction f = p -> infoNce(p, nq, nk, tau, symmetric);
          try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", nq, nk, s);
               LossResult r = loss.compute(sv, allocator)) {
            assertClose(f.value(Float64Oracles.toDouble(s)), r.value());
            assertEquals(r.value(), loss.value(sv));
            CHECK.check("dScores (tau " + tau + ", symmetric " + symmetric + ")", DenseMatrices.toArray(r.gradient()), f,
                Float64Oracles.toDouble(s), nk);
          }
        }
      }
    }
  }

  @Test void infoNceIsSmallWhenThePositivesStandOut(BufferAllocator allocator) {
    float[] s = new float[16];
    for (int i = 0; i < 4; i++) s[i * 4 + i] = 10;
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", 4, 4, s)) {
      assertTrue(InfoNce.withTemperature(1).value(sv) < 1e-3);
      assertTrue(InfoNce.withTemperature(100).value(sv) > 1, "a high temperature blurs the positives");
    }
  }

  @Test void badInputsAreNamed(BufferAllocator allocator) {
    try (FixedSizeListVector a = DenseMatrices.of(allocator, "a", 2, 3, new float[6]);
         FixedSizeListVector b = DenseMatrices.of(allocator, "b", 3, 2, new float[6]);
         FixedSizeListVector nan = DenseMatrices.of(allocator, "nan", 2, 3, new float[] {0, 0, 0, 0, Float.NaN, 0});
         FixedSizeListVector half = DenseMatrices.of(allocator, "half", 2, 3, new float[] {0, 0, 0, 0, 1.5f, 0})) {
      assertEquals("targets: expected shape [2, 3] (= predictions), got [3, 2]",
          assertThrows(IllegalArgumentException.class, () -> MeanSquaredError.create().compute(a, b, allocator)).getMessage());
      assertEquals("predictions: expected finite values, got NaN at (row 1, col 1)",
          assertThrows(IllegalArgumentException.class, () -> MeanSquaredError.create().value(nan, a)).getMessage());
      assertEquals("labels[1]: expected a class in [0, 3) or the ignore index -100, got 3",
          assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.create().value(a, new int[] {0, 3})).getMessage());
      assertEquals("labels: expected 2 labels (= logits rows), got 1",
          assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.create().value(a, new int[] {0})).getMessage());
      assertEquals("classWeights: expected 3 weights (= logits columns), got 2",
          assertThrows(IllegalArgumentException.class,
              () -> SoftmaxCrossEntropy.create().withClassWeights(new double[] {1, 1}).value(a, new int[] {0, 1})).getMessage());
      assertEquals("classWeights[1]: expected a finite number >= 0, got -1.0",
          assertThrows(IllegalArgumentException.class,
              () -> SoftmaxCrossEntropy.create().withClassWeights(new double[] {1, -1})).getMessage());
      assertEquals("targets: expected values in [0, 1], got 1.5 at (row 1, col 1)",
          assertThrows(IllegalArgumentException.class, () -> BinaryCrossEntropy.withLogits().value(a, half)).getMessage());
      assertEquals("scores: expected at least 3 columns (= rows; key i is the positive of query i), got 2",
          assertThrows(IllegalArgumentException.class, () -> InfoNce.withTemperature(1).value(b)).getMessage());
      assertEquals("scores: expected 2 columns (= rows; symmetric InfoNCE needs one key per query), got 3",
          assertThrows(IllegalArgumentException.class, () -> InfoNce.withTemperature(1).symmetric().value(a)).getMessage());
      assertEquals("temperature: expected a finite number > 0, got 0.0",
          assertThrows(IllegalArgumentException.class, () -> InfoNce.withTemperature(0)).getMessage());
    }
  }

  private static void assertClose(double expected, double actual) {
    assertEquals(expected, actual, VALUE_TOL + VALUE_TOL * Math.abs(expected));
  }

  /** Σ w_y·(log Σ exp x − x_y) / Σ w_y, textbook. */
  private static double crossEntropy(double[] x, int[] labels, double[] w, int n, int c, int ignore) {
    double total = 0, wsum = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] == ignore) continue;
      double z = 0;
      for (int j = 0; j < c; j++) z += Math.exp(x[i * c + j]);
      double wi = w == null ? 1 : w[labels[i]];
      total += wi * (Math.log(z) - x[i * c + labels[i]]);
      wsum += wi;
    }
    return total / wsum;
  }

  /** Mean over rows of −log softmax(S_i/τ)_i, and over columns too when symmetric. */
  private static double infoNce(double[] s, int nq, int nk, double tau, boolean symmetric) {
    double rows = 0;
    for (int i = 0; i < nq; i++) {
      double z = 0;
      for (int j = 0; j < nk; j++) z += Math.exp(s[i * nk + j] / tau);
      rows += -Math.log(Math.exp(s[i * nk + i] / tau) / z);
    }
    if (!symmetric) return rows / nq;
    double cols = 0;
    for (int j = 0; j < nk; j++) {
      double z = 0;
      for (int i = 0; i < nq; i++) z += Math.exp(s[i * nk + j] / tau);
      cols += -Math.log(Math.exp(s[j * nk + j] / tau) / z);
    }
    return 0.5 * (rows / nq + cols / nk);
  }
}
