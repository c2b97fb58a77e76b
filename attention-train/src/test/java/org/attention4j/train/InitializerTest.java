package org.attention4j.train;

import static org.attention4j.train.Fixtures.spec;
import static org.attention4j.train.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/**
 * Initialisers: exact values for a seed (java.util.Random is specified), bounds, and sample moments
 * of 20,000 draws within 5 standard errors.
 */
@WithRootAllocator
class InitializerTest {
  private static final int OUT = 100;
  private static final int IN = 200;

  @Test void glorotUniformIsBoundedAndHasTheRightSpread(BufferAllocator allocator) {
    double a = Math.sqrt(6.0 / (IN + OUT));
    try (ParameterSet p = Parameters.create(allocator, List.of(spec("W", OUT, IN)), Initializer.glorotUniform(), 3)) {
      float[] w = values(p, "W");
      for (float x : w) assertTrue(Math.abs(x) <= a * (1 + 1e-7), "within ±" + a + " (+ float32 rounding): " + x);
      assertMoments(w, 0, a / Math.sqrt(3));
    }
  }

  @Test void glorotNormalHasStd(BufferAllocator allocator) {
    try (ParameterSet p = Parameters.create(allocator, List.of(spec("W", OUT, IN)), Initializer.glorotNormal(), 3)) {
      assertMoments(values(p, "W"), 0, Math.sqrt(2.0 / (IN + OUT)));
    }
  }

  @Test void normalHasMeanAndStd(BufferAllocator allocator) {
    try (ParameterSet p = Parameters.create(allocator, List.of(spec("W", OUT, IN)), Initializer.normal(0.5, 2), 3)) {
      assertMoments(values(p, "W"), 0.5, 2);
    }
  }

  @Test void uniformAndZeros(BufferAllocator allocator) {
    try (ParameterSet p = Parameters.create(allocator, List.of(spec("u", 1000)), Initializer.uniform(0.1), 3);
         ParameterSet z = Parameters.create(allocator, List.of(spec("z", 3, 3)), Initializer.zeros(), 3)) {
      for (float x : values(p, "u")) assertTrue(Math.abs(x) <= 0.1 * (1 + 1e-7));
      assertArrayEquals(new float[9], values(z, "z"));
    }
  }

  @Test void valuesAreThoseOfJavaUtilRandomRowMajor(BufferAllocator allocator) {
    try (FixedSizeListVector w = DenseMatrices.allocate(allocator, "W", 2, 3)) {
      Initializer.glorotUniform().initialize(w, new Random(42));
      Random r = new Random(42);
      double a = Math.sqrt(6.0 / (2 + 3));
      float[] expected = new float[6];
      for (int i = 0; i < 6; i++) expected[i] = (float) ((2 * r.nextDouble() - 1) * a);
      assertArrayEquals(expected, DenseMatrices.toArray(w));
    }
  }

  @Test void fansFollowPyTorch() {
    assertEquals(200, Initializer.fanIn(new int[] {100, 200}));
    assertEquals(100, Initializer.fanOut(new int[] {100, 200}));
    assertEquals(7, Initializer.fanIn(new int[] {7}));
    assertEquals(7, Initializer.fanOut(new int[] {7}));
    assertEquals(3 * 5 * 2, Initializer.fanIn(new int[] {4, 3, 5, 2}));
    assertEquals(4 * 5 * 2, Initializer.fanOut(new int[] {4, 3, 5, 2}));
  }

  @Test void badArgumentsAreNamed() {
    assertEquals("std: expected a finite number >= 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> Initializer.normal(0, -1)).getMessage());
    assertEquals("limit: expected a finite number >= 0, got NaN",
        assertThrows(IllegalArgumentException.class, () -> Initializer.uniform(Double.NaN)).getMessage());
  }

  /** Mean within 5 standard errors, std within 5% (about 5 standard errors of a std estimate at n = 20,000). */
  private static void assertMoments(float[] x, double mean, double std) {
    double sum = 0, sq = 0;
    for (float v : x) sum += v;
    double m = sum / x.length;
    for (float v : x) sq += (v - m) * (v - m);
    double s = Math.sqrt(sq / (x.length - 1));
    assertEquals(mean, m, 5 * std / Math.sqrt(x.length), "mean");
    assertEquals(std, s, 0.05 * std, "std");
  }
}
