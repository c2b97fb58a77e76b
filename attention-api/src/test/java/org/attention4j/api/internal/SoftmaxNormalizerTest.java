package org.attention4j.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.spi.Normalizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Softmax against a float64 reference: temperature, masks, causal with n_q ≠ n_k, empty rows. */
class SoftmaxNormalizerTest {
  /** float32 kernel vs float64 reference: |a − b| ≤ 1e-6 + 1e-5·|b|. */
  private static final double ATOL = 1e-6, RTOL = 1e-5;

  private BufferAllocator allocator;
  private final Normalizer softmax = SoftmaxNormalizerProvider.over(new ScalarKernels());

  @BeforeEach void open() { allocator = new RootAllocator(); }

  @AfterEach void close() { allocator.close(); }   // throws on any outstanding buffer

  static double[] reference(float[] s, int rows, int cols, double t, Mask mask) {
    double[] out = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) if (mask.allows(i, j, rows, cols)) max = Math.max(max, s[i * cols + j] / t);
      if (max == Double.NEGATIVE_INFINITY) continue;
      double sum = 0;
      for (int j = 0; j < cols; j++) if (mask.allows(i, j, rows, cols)) sum += Math.exp(s[i * cols + j] / t - max);
      for (int j = 0; j < cols; j++) {
        if (mask.allows(i, j, rows, cols)) out[i * cols + j] = Math.exp(s[i * cols + j] / t - max) / sum;
      }
    }
    return out;
  }

  private void check(int rows, int cols, float t, Mask mask, long seed) {
    Random r = new Random(seed);
    float[] s = new float[rows * cols];
    for (int i = 0; i < s.length; i++) s[i] = (float) (r.nextGaussian() * 5);
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", rows, cols, s);
         FixedSizeListVector a = softmax.normalize(sv, mask, t, allocator)) {
      double[] ref = reference(s, rows, cols, t, mask);
      float[] got = DenseMatrices.toArray(a);
      for (int i = 0; i < ref.length; i++) {
        assertTrue(Math.abs(got[i] - ref[i]) <= ATOL + RTOL * Math.abs(ref[i]),
            "entry " + i + ": got " + got[i] + ", reference " + ref[i]);
        if (ref[i] == 0) assertEquals(0f, got[i], "masked entry " + i + " must be exactly zero");
      }
    }
  }

  @Test void matchesReferenceWithTemperatures() {
    for (float t : new float[] {0.5f, 1f, 2f}) check(7, 13, t, Mask.all(), 1);
  }

  @Test void causalBottomRightWithMoreKeysThanQueries() {
    check(3, 8, 1f, Mask.causal(), 2);
    check(8, 3, 1f, Mask.causal(), 3);     // the first five queries may attend nothing
  }

  @Test void fullyMaskedRowGivesZeroWeightsAndZeroGradient() {
    boolean[] allowed = new boolean[2 * 4];
    for (int j = 0; j < 4; j++) allowed[4 + j] = true;      // row 0 fully masked
    Mask m = Mask.explicit(2, 4, allowed);
    check(2, 4, 1f, m, 4);
    try (FixedSizeListVector s = DenseMatrices.of(allocator, "s", 2, 4, new float[] {1, 2, 3, 4, 1, 2, 3, 4});
         FixedSizeListVector a = softmax.normalize(s, m, 1f, allocator);
         FixedSizeListVector dA = DenseMatrices.of(allocator, "dA", 2, 4, new float[] {1, 1, 1, 1, 1, -1, 2, 0});
         FixedSizeListVector dS = softmax.backward(a, dA, m, 1f, allocator)) {
      for (int j = 0; j < 4; j++) assertEquals(0f, DenseMatrices.get(dS, 0, j));
      for (float x : DenseMatrices.toArray(dS)) assertTrue(Float.isFinite(x));
    }
  }

  @Test void hugeLogitsStayFinite() {
    try (FixedSizeListVector s = DenseMatrices.of(allocator, "s", 1, 3, new float[] {1e30f, -1e30f, 1e30f});
         FixedSizeListVector a = softmax.normalize(s, Mask.all(), 1f, allocator)) {
      assertEquals(0.5f, DenseMatrices.get(a, 0, 0), 1e-7);
      assertEquals(0f, DenseMatrices.get(a, 0, 1));
    }
  }

  @Test void backwardMatchesCentralDifferences() {
    int rows = 3, cols = 5;
    float t = 0.7f;
    Random r = new Random(9);
    float[] s = new float[rows * cols], g = new float[rows * cols];
    for (int i = 0; i < s.length; i++) { s[i] = (float) r.nextGaussian(); g[i] = (float) r.nextGaussian(); }
    Mask m = Mask.causal();
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "s", rows, cols, s);
         FixedSizeListVector a = softmax.normalize(sv, m, t, allocator);
         FixedSizeListVector gv = DenseMatrices.of(allocator, "g", rows, cols, g);
         FixedSizeListVector dS = softmax.backward(a, gv, m, t, allocator)) {
      double h = 1e-4;   // central differences on the float64 reference; tolerance 1e-5 absolute
      for (int i = 0; i < s.length; i++) {
        float[] plus = s.clone(), minus = s.clone();
        double lp = 0, lm = 0;
        plus[i] += (float) h;
        minus[i] -= (float) h;
        double[] ap = reference(plus, rows, cols, t, m), am = reference(minus, rows, cols, t, m);
        for (int j = 0; j < s.length; j++) { lp += ap[j] * g[j]; lm += am[j] * g[j]; }
        double fd = (lp - lm) / ((double) plus[i] - minus[i]);
        assertEquals(fd, DenseMatrices.toArray(dS)[i], 1e-4, "dS[" + i + "]");
      }
    }
  }

  @Test void refusesBadTemperature() {
    try (FixedSizeListVector s = DenseMatrices.of(allocator, "s", 1, 2, new float[] {1, 2})) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> softmax.normalize(s, Mask.all(), 0f, allocator));
      assertTrue(e.getMessage().startsWith("temperature: expected"), e.getMessage());
    }
  }
}
