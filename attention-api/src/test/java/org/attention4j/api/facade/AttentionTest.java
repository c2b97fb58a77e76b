package org.attention4j.api.facade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.internal.ScalarKernels;
import org.attention4j.api.internal.SoftmaxNormalizerProvider;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.Scorer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Attention} facade: input checks (widths, row counts, non-finite values, mask shape)
 * name the argument, the expected and the actual value before any kernel runs, and nothing leaks;
 * the fused scaled-dot path and the unfused scorer → softmax → A·V path agree.
 */
class AttentionTest {
  /** Fused and unfused float32 paths against each other: |a − b| ≤ 1e-5 + 1e-5·|b|. */
  private static final double ATOL = 1e-5, RTOL = 1e-5;

  private final Kernels kernels = new ScalarKernels();
  private BufferAllocator allocator;

  @BeforeEach void open() { allocator = new RootAllocator(); }

  @AfterEach void close() { allocator.close(); }   // throws on any outstanding buffer

  /** s(q, k) = c·qᵀk; {@code fusable} says whether it admits the fused kernel (dotProductScale). */
  private record DotScorer(int dim, double c, boolean fusable, Kernels kernels) implements Scorer {
    @Override public int queryDim() { return dim; }
    @Override public int keyDim() { return dim; }

    @Override public FixedSizeListVector score(FixedSizeListVector q, FixedSizeListVector k, BufferAllocator allocator) {
      int nq = DenseMatrices.rows(q), nk = DenseMatrices.rows(k);
      FixedSizeListVector s = DenseMatrices.allocate(allocator, "scores", nq, nk);
      kernels.matmul(DenseMatrices.segment(q), false, DenseMatrices.segment(k), true, DenseMatrices.segment(s), nq, nk, dim,
          (float) c, 0f);
      return s;
    }

    @Override public FixedSizeListVector scorePairs(FixedSizeListVector q, FixedSizeListVector k, int[] src, int[] dst,
        BufferAllocator allocator) {
      throw new UnsupportedOperationException("not needed here");
    }

    @Override public Gradients backward(FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector dS,
        BufferAllocator allocator) {
      int nq = DenseMatrices.rows(q), nk = DenseMatrices.rows(k);
      FixedSizeListVector dq = DenseMatrices.allocate(allocator, "dQuery", nq, dim);
      FixedSizeListVector dk = DenseMatrices.allocate(allocator, "dKeys", nk, dim);
      kernels.matmul(DenseMatrices.segment(dS), false, DenseMatrices.segment(k), false, DenseMatrices.segment(dq), nq, dim, nk,
          (float) c, 0f);
      kernels.matmul(DenseMatrices.segment(dS), true, DenseMatrices.segment(q), false, DenseMatrices.segment(dk), nk, dim, nq,
          (float) c, 0f);
      return new Gradients(dq, dk, new ParameterSet());
    }

    @Override public Gradients backwardPairs(FixedSizeListVector q, FixedSizeListVector k, int[] src, int[] dst,
        FixedSizeListVector dScores, BufferAllocator allocator) {
      throw new UnsupportedOperationException("not needed here");
    }

    @Override public ParameterSet parameters() { return new ParameterSet(); }
    @Override public OptionalDouble dotProductScale() { return fusable ? OptionalDouble.of(c) : OptionalDouble.empty(); }
    @Override public void close() {}
  }

  private Attention attention(int dim, boolean fused, Mask mask) {
    return Attention.builder(new DotScorer(dim, 1 / Math.sqrt(dim), fused, kernels), SoftmaxNormalizerProvider.over(kernels),
        kernels).mask(mask).build();
  }

  private FixedSizeListVector random(String name, int rows, int cols, long seed) {
    Random r = new Random(seed);
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
    return DenseMatrices.of(allocator, name, rows, cols, v);
  }

  /** Runs {@code call} on both paths, expecting the same message, and checks nothing was left allocated. */
  private void assertRefused(String expected, java.util.function.Function<Attention, Object> call, int dim, Mask mask) {
    for (boolean fused : new boolean[] {true, false}) {
      Attention a = attention(dim, fused, mask);
      assertEquals(fused, a.fused());
      long before = allocator.getAllocatedMemory();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.apply(a),
          () -> "fused=" + fused);
      assertEquals(expected, e.getMessage(), "fused=" + fused);
      assertEquals(before, allocator.getAllocatedMemory(), "nothing allocated by a refused call (fused=" + fused + ")");
    }
  }

  private void assertAttendRefused(String expected, Supplier<FixedSizeListVector[]> inputs, int dim, Mask mask) {
    FixedSizeListVector[] in = inputs.get();
    try {
      assertRefused(expected, a -> a.attend(in[0], in[1], in[2], true, allocator), dim, mask);
      assertRefused(expected, a -> {
        try (FixedSizeListVector dOut = DenseMatrices.allocate(allocator, "dOutput", DenseMatrices.rows(in[0]),
            DenseMatrices.cols(in[2]))) {
          return a.backward(in[0], in[1], in[2], dOut, allocator);
        }
      }, dim, mask);
    } finally {
      for (FixedSizeListVector v : in) v.close();
    }
  }

  @Test void wrongQueryWidthNamesArgumentExpectedAndActual() {
    assertAttendRefused("query: expected 4 columns, got 3",
        () -> new FixedSizeListVector[] {random("q", 2, 3, 1), random("k", 5, 4, 2), random("v", 5, 6, 3)}, 4, Mask.all());
  }

  @Test void wrongKeyWidthNamesArgumentExpectedAndActual() {
    assertAttendRefused("keys: expected 4 columns, got 5",
        () -> new FixedSizeListVector[] {random("q", 2, 4, 1), random("k", 5, 5, 2), random("v", 5, 6, 3)}, 4, Mask.all());
  }

  @Test void valuesRowCountMustMatchKeys() {
    assertAttendRefused("values: expected 5 rows (= keys rows), got 4",
        () -> new FixedSizeListVector[] {random("q", 2, 4, 1), random("k", 5, 4, 2), random("v", 4, 6, 3)}, 4, Mask.all());
  }

  @Test void nonFiniteQueryNamesArgumentAndFirstPosition() {
    assertAttendRefused("query: expected finite values, got NaN at (row 1, col 2)", () -> {
      FixedSizeListVector q = random("q", 3, 4, 1);
      DenseMatrices.set(q, 1, 2, Float.NaN);
      DenseMatrices.set(q, 2, 0, Float.NaN);
      return new FixedSizeListVector[] {q, random("k", 5, 4, 2), random("v", 5, 6, 3)};
    }, 4, Mask.all());
  }

  @Test void nonFiniteKeysNamesArgumentAndFirstPosition() {
    assertAttendRefused("keys: expected finite values, got Infinity at (row 0, col 3)", () -> {
      FixedSizeListVector k = random("k", 5, 4, 2);
      DenseMatrices.set(k, 0, 3, Float.POSITIVE_INFINITY);
      DenseMatrices.set(k, 4, 1, Float.NaN);
      return new FixedSizeListVector[] {random("q", 3, 4, 1), k, random("v", 5, 6, 3)};
    }, 4, Mask.all());
  }

  @Test void nonFiniteValuesNamesArgumentAndFirstPosition() {
    assertAttendRefused("values: expected finite values, got -Infinity at (row 4, col 5)", () -> {
      FixedSizeListVector v = random("v", 5, 6, 3);
      DenseMatrices.set(v, 4, 5, Float.NEGATIVE_INFINITY);
      return new FixedSizeListVector[] {random("q", 3, 4, 1), random("k", 5, 4, 2), v};
    }, 4, Mask.all());
  }

  @Test void maskOfTheWrongShapeIsRefused() {
    assertAttendRefused("mask: expected [3, 5] (= [query rows, keys rows]), got [3, 4]",
        () -> new FixedSizeListVector[] {random("q", 3, 4, 1), random("k", 5, 4, 2), random("v", 5, 6, 3)}, 4,
        Mask.causal().and(Mask.explicit(3, 4, new boolean[12])));
    assertAttendRefused("key-padding: expected [5] (= keys rows), got [2]",
        () -> new FixedSizeListVector[] {random("q", 3, 4, 1), random("k", 5, 4, 2), random("v", 5, 6, 3)}, 4,
        Mask.keyPadding(new boolean[] {true, true}));
  }

  @Test void backwardRefusesAGradientOfTheWrongShape() {
    try (FixedSizeListVector q = random("q", 3, 4, 1); FixedSizeListVector k = random("k", 5, 4, 2);
         FixedSizeListVector v = random("v", 5, 6, 3); FixedSizeListVector rows = random("dO", 2, 6, 4);
         FixedSizeListVector cols = random("dO", 3, 5, 5)) {
      assertRefused("dOutput: expected 3 rows, got 2", a -> a.backward(q, k, v, rows, allocator), 4, Mask.all());
      assertRefused("dOutput: expected 6 columns, got 5", a -> a.backward(q, k, v, cols, allocator), 4, Mask.all());
    }
  }

  @Test void badTemperaturesAreRefused() {
    for (float t : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
      Attention.Builder b = Attention.builder(new DotScorer(2, 1, true, kernels), SoftmaxNormalizerProvider.over(kernels), kernels);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.temperature(t));
      assertEquals("temperature: expected a finite number > 0, got " + t, e.getMessage());
    }
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      int at = i;
      assertTrue(Math.abs(actual[i] - expected[i]) <= ATOL + RTOL * Math.abs(expected[i]),
          () -> what + "[" + at + "]: fused " + actual[at] + ", unfused " + expected[at]);
    }
  }

  @Test void fusedAndUnfusedPathsAgreeWithCausalAndEmptyRows() {
    int nq = 7, nk = 4, d = 5, dv = 3;                   // causal with nq > nk: the first 3 queries see nothing
    for (Mask mask : new Mask[] {Mask.all(), Mask.causal(), Mask.causal().and(Mask.keyPadding(new boolean[] {true, false, true, true}))}) {
      try (FixedSizeListVector q = random("q", nq, d, 11); FixedSizeListVector k = random("k", nk, d, 12);
           FixedSizeListVector v = random("v", nk, dv, 13); FixedSizeListVector dOut = random("dO", nq, dv, 14)) {
        Attention fused = attention(d, true, mask), unfused = attention(d, false, mask);
        assertTrue(fused.fused());
        assertFalse(unfused.fused());
        try (AttentionResult f = fused.attend(q, k, v, true, allocator); AttentionResult u = unfused.attend(q, k, v, true, allocator);
             Attention.AttentionGradients gf = fused.backward(q, k, v, dOut, allocator);
             Attention.AttentionGradients gu = unfused.backward(q, k, v, dOut, allocator)) {
          String what = mask.toString();
          assertClose(DenseMatrices.toArray(u.output()), DenseMatrices.toArray(f.output()), what + " output");
          assertClose(DenseMatrices.toArray(u.weights().orElseThrow()), DenseMatrices.toArray(f.weights().orElseThrow()),
              what + " weights");
          assertClose(DenseMatrices.toArray(gu.dQuery()), DenseMatrices.toArray(gf.dQuery()), what + " dQ");
          assertClose(DenseMatrices.toArray(gu.dKeys()), DenseMatrices.toArray(gf.dKeys()), what + " dK");
          assertClose(DenseMatrices.toArray(gu.dValues()), DenseMatrices.toArray(gf.dValues()), what + " dV");
          if (!mask.isAll()) {
            for (AttentionResult r : new AttentionResult[] {f, u}) {
              for (int i = 0; i < nq - nk; i++) {
                for (int c = 0; c < dv; c++) assertEquals(0f, DenseMatrices.get(r.output(), i, c), what + " empty row output");
                for (int j = 0; j < nk; j++) assertEquals(0f, DenseMatrices.get(r.weights().orElseThrow(), i, j));
              }
            }
          }
        }
        try (AttentionResult noWeights = fused.attend(q, k, v, false, allocator)) {
          assertTrue(noWeights.weights().isEmpty());
        }
      }
    }
  }
}
