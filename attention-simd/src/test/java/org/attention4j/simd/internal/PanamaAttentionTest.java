package org.attention4j.simd.internal;

import static org.attention4j.simd.internal.SimdTestSupport.SCALAR;
import static org.attention4j.simd.internal.SimdTestSupport.SIZES;
import static org.attention4j.simd.internal.SimdTestSupport.coords;
import static org.attention4j.simd.internal.SimdTestSupport.gaussian;
import static org.attention4j.simd.internal.SimdTestSupport.memo;
import static org.attention4j.simd.internal.SimdTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.Mask;
import org.attention4j.simd.internal.SimdTestSupport.ArrowSegments;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused attention of {@link PanamaKernels} against the testkit's float64 oracle and against
 * attention-api's scalar kernels, at 128, 256 and 512 bits: awkward sizes, the tiled path and the
 * decode path (n_q ≤ 3, keys in chunks), masks with fully masked rows, causal with n_q ≠ n_k, huge
 * logits, and a few sizes around 1024. Tolerances: {@link SimdTolerances}.
 */
@WithRootAllocator
class PanamaAttentionTest {
  private ArrowSegments mem;

  static Stream<Named<PanamaKernels>> kernels() { return SimdTestSupport.widths(); }

  @BeforeEach void open(BufferAllocator allocator) { mem = new ArrowSegments(allocator); }

  @AfterEach void close() { mem.close(); }

  /** A random mask (about 3/4 allowed) whose row {@code emptyRow} allows nothing (if in range). */
  static Mask randomMask(Random r, int rows, int cols, int emptyRow) {
    boolean[] allowed = new boolean[rows * cols];
    for (int i = 0; i < allowed.length; i++) allowed[i] = r.nextInt(4) != 0;
    if (emptyRow >= 0 && emptyRow < rows) Arrays.fill(allowed, emptyRow * cols, (emptyRow + 1) * cols, false);
    return Mask.explicit(rows, cols, allowed);
  }

  /** Inputs, float64 reference and scalar-kernel results of one forward case. */
  record Case(float[] q, float[] k, float[] v, float scale, Float64Oracles.Forward oracle, float[] scalarOut,
      float[] scalarWeights) {}

  private static Case forwardCase(long seed, int nq, int nk, int d, int dv, Mask mask, double sigma) {
    Random r = new Random(seed);
    float[] q = gaussian(r, nq * d, sigma), k = gaussian(r, nk * d, 1), v = gaussian(r, nk * dv, 1);
    float scale = (float) (1 / Math.sqrt(d));
    Float64Oracles.Forward oracle = Float64Oracles.dotAttention(Float64Oracles.toDouble(q), Float64Oracles.toDouble(k),
        Float64Oracles.toDouble(v), nq, nk, d, dv, scale, 1, mask);
    MemorySegment out = MemorySegment.ofArray(new float[nq * dv]), w = MemorySegment.ofArray(new float[nq * nk]);
    SCALAR.attentionForward(MemorySegment.ofArray(q), MemorySegment.ofArray(k), MemorySegment.ofArray(v), out, w, nq, nk, d, dv,
        scale, mask.toSegment(nq, nk));
    return new Case(q, k, v, scale, oracle, read(out), read(w));
  }

  private void checkForward(PanamaKernels simd, String what, Case c, int nq, int nk, int d, int dv, Mask mask,
      boolean withWeights) {
    byte[] maskBytes = mask.toBytes(nq, nk);
    MemorySegment out = mem.garbage(nq * dv), weights = withWeights ? mem.garbage(nq * nk) : null;
    MemorySegment maskSeg = mask.isAll() ? null : (nq % 2 == 0 ? mem.bytes(maskBytes) : MemorySegment.ofArray(maskBytes));
    simd.attentionForward(mem.floats(c.q()), mem.floats(c.k()), mem.floats(c.v()), out, weights, nq, nk, d, dv, c.scale(),
        maskSeg);
    String name = what + " nq=" + nq + " nk=" + nk + " d=" + d + " dv=" + dv + " mask=" + mask;
    float[] o = read(out);
    SimdTolerances.assertClose(o, c.oracle().output(), name + ": output vs float64");
    SimdTolerances.assertClose(o, Float64Oracles.toDouble(c.scalarOut()), name + ": output vs scalar kernels");
    if (withWeights) {
      float[] w = read(weights);
      SimdTolerances.assertClose(w, c.oracle().weights(), name + ": weights vs float64");
      SimdTolerances.assertClose(w, Float64Oracles.toDouble(c.scalarWeights()), name + ": weights vs scalar kernels");
      for (int idx = 0; idx < w.length; idx++) {
        if (maskBytes[idx] == 0) assertEquals(0f, w[idx], name + ": masked weight " + idx + " is exactly +0");
      }
    }
    for (int i = 0; i < nq; i++) {
      boolean any = false;
      for (int j = 0; j < nk; j++) any |= maskBytes[i * nk + j] != 0;
      if (!any) {
        for (int col = 0; col < dv; col++) assertEquals(0f, o[i * dv + col], name + ": fully masked row " + i + " gives +0");
      }
    }
  }

  /** The case's references, computed once for the three widths. */
  private static Case cached(long seed, int nq, int nk, int d, int dv, Mask mask, double sigma) {
    String key = "forward " + seed + " " + nq + " " + nk + " " + d + " " + dv + " " + sigma + " " + mask + " "
        + Arrays.hashCode(mask.toBytes(nq, nk));
    return memo(key, () -> forwardCase(seed, nq, nk, d, dv, mask, sigma));
  }

  private void forward(PanamaKernels simd, long seed, int nq, int nk, int d, int dv, Mask mask, boolean withWeights) {
    checkForward(simd, "attention", cached(seed, nq, nk, d, dv, mask, 1), nq, nk, d, dv, mask, withWeights);
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void forwardOnAwkwardSizesWithAndWithoutMasks(PanamaKernels simd) {
    Random r = new Random(5);
    int n = SIZES.length;
    for (int i = 0; i < n; i++) {
      int nq = SIZES[i], nk = SIZES[(i + 4) % n], d = SIZES[(i + 8) % n], dv = SIZES[(i + 2) % n];
      forward(simd, 100 + i, nq, nk, d, dv, Mask.all(), true);
      forward(simd, 200 + i, nq, nk, d, dv, Mask.all(), false);
      forward(simd, 300 + i, nq, nk, d, dv, randomMask(r, nq, nk, nq / 2), true);
      forward(simd, 400 + i, nq, nk, d, dv, randomMask(r, nq, nk, 0), false);
      forward(simd, 500 + i, nq, nk, d, dv, Mask.causal(), true);
      forward(simd, 600 + i, SIZES[i], SIZES[i], SIZES[i], SIZES[i], Mask.causal(), true);
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void forwardCausalWithDifferentQueryAndKeyCounts(PanamaKernels simd) {
    // the last two: several query tiles per task sharing several key chunks (prefill grouping)
    int[][] shapes = {{3, 8}, {8, 3}, {1, 33}, {33, 1}, {16, 17}, {17, 16}, {100, 207}, {207, 100}, {4, 300}, {300, 4},
        {70, 1100}, {261, 1537}};
    for (int[] sh : shapes) forward(simd, 7 + sh[0] * 1000L + sh[1], sh[0], sh[1], 8, 5, Mask.causal(), true);
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void decodePathSplitsKeysIntoChunksAndMergesThem(PanamaKernels simd) {
    Random r = new Random(9);
    int chunk = PanamaKernels.DECODE_CHUNK;
    int[] nks = {1, 17, chunk - 1, chunk, chunk + 1, 2 * chunk + 3, 1025};
    int[][] dims = {{1, 1}, {15, 33}, {64, 16}, {128, 128}};
    for (int nq = 1; nq <= PanamaKernels.DECODE_ROWS; nq++) {
      for (int a = 0; a < nks.length; a++) {
        int nk = nks[a], d = dims[a % dims.length][0], dv = dims[a % dims.length][1];
        forward(simd, 31L * nq + a, nq, nk, d, dv, Mask.all(), a % 2 == 0);
        forward(simd, 37L * nq + a, nq, nk, d, dv, randomMask(r, nq, nk, nq - 1), true);
        forward(simd, 41L * nq + a, nq, nk, d, dv, Mask.causal(), a % 2 == 1);
      }
    }
    boolean[] padding = new boolean[3 * chunk];                             // the middle chunk entirely masked
    for (int j = 0; j < padding.length; j++) padding[j] = j < chunk || j >= 2 * chunk;
    forward(simd, 43, 1, 3 * chunk, 64, 64, Mask.keyPadding(padding), true);
    boolean[] onlyLast = new boolean[3 * chunk];
    onlyLast[3 * chunk - 1] = true;                                         // first chunks empty, the max arrives late
    forward(simd, 47, 2, 3 * chunk, 16, 8, Mask.keyPadding(onlyLast), true);
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void fullyMaskedRowsGiveExactZeros(PanamaKernels simd) {
    byte[] mask = {0, 0, 0, 1, 0, 1};
    MemorySegment out = mem.garbage(4), weights = mem.garbage(6);
    simd.attentionForward(mem.floats(new float[] {1, 2, 3, 4}), mem.floats(new float[] {1, 0, 0, 1, 1, 1}),
        mem.floats(new float[] {10, 20, 30, 40, 50, 60}), out, weights, 2, 3, 2, 2, 1f, MemorySegment.ofArray(mask));
    float[] o = read(out), w = read(weights);
    assertArrayEquals(new float[] {0, 0, 0}, Arrays.copyOfRange(w, 0, 3));
    assertArrayEquals(new float[] {0, 0}, Arrays.copyOfRange(o, 0, 2));
    assertEquals(0f, w[4]);
    assertEquals(1.0, w[3] + w[5], 1e-6);
    int nq = 9, nk = 70;                                                     // tiled path: causal with nq > nk
    forward(simd, 53, nq, nk, 16, 16, Mask.causal(), true);
    forward(simd, 59, 80, 3, 7, 9, Mask.causal(), true);
    forward(simd, 61, 5, 40, 8, 8, Mask.explicit(5, 40, new boolean[200]), true);   // nothing allowed anywhere
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void hugeLogitsStayFinite(PanamaKernels simd) {
    for (int nq : new int[] {1, 5}) {                                        // decode and tiled paths
      float[] q = new float[nq];
      Arrays.fill(q, 1e18f);
      MemorySegment out = mem.garbage(2 * nq), weights = mem.garbage(2 * nq);
      simd.attentionForward(mem.floats(q), mem.floats(new float[] {1e18f, -1e18f}), mem.floats(new float[] {1, 2, 3, 4}), out,
          weights, nq, 2, 1, 2, 1f, null);
      float[] w = read(weights), o = read(out);
      for (int i = 0; i < nq; i++) {
        assertArrayEquals(new float[] {1, 0}, Arrays.copyOfRange(w, 2 * i, 2 * i + 2), "weights of row " + i);
        assertArrayEquals(new float[] {1, 2}, Arrays.copyOfRange(o, 2 * i, 2 * i + 2), "output of row " + i);
      }
    }
    Random r = new Random(3);
    for (int[] sh : new int[][] {{2, 300}, {37, 65}}) {                     // logits ~ ±1e4: near one-hot rows
      int nq = sh[0], nk = sh[1], d = 16, dv = 8;
      Mask mask = randomMask(r, nq, nk, -1);
      checkForward(simd, "huge logits", cached(71 + nq, nq, nk, d, dv, mask, 2e3), nq, nk, d, dv, mask, true);
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void forwardAroundOneThousand(PanamaKernels simd) {
    int[][] shapes = {{1023, 1025, 64, 64}, {1025, 1023, 31, 17}, {1, 1024, 128, 128}};
    Mask[] masks = {Mask.causal(), null, Mask.all()};
    for (int s = 0; s < shapes.length; s++) {
      int nq = shapes[s][0], nk = shapes[s][1], d = shapes[s][2], dv = shapes[s][3];
      Mask mask = masks[s] != null ? masks[s] : memo("mask-" + s, () -> randomMask(new Random(11), nq, nk, 500));
      checkForward(simd, "large", cached(1000 + nq, nq, nk, d, dv, mask, 1), nq, nk, d, dv, mask, s != 1);
    }
  }

  // ---- backward ---------------------------------------------------------------------------------

  private static double[] forwardOutput(double[] q, double[] k, double[] v, int nq, int nk, int d, int dv, double scale,
      Mask mask) {
    return Float64Oracles.dotAttention(q, k, v, nq, nk, d, dv, scale, 1, mask).output();
  }


  /** Inputs, scalar-kernel gradients and sampled central differences of one backward case. */
  record BackwardCase(float[] q, float[] k, float[] v, float[] g, float scale, float[] dq, float[] dk, float[] dv, int[][] coords,
      double[][] central) {}

  private static BackwardCase backwardCase(long seed, int nq, int nk, int d, int dv, Mask mask, boolean centralDifferences) {
    Random r = new Random(seed);
    float[] q = gaussian(r, nq * d, 1), k = gaussian(r, nk * d, 1), v = gaussian(r, nk * dv, 1), g = gaussian(r, nq * dv, 1);
    float scale = (float) (1 / Math.sqrt(d));
    float[] sq = new float[nq * d], sk = new float[nk * d], sv = new float[nk * dv];
    SCALAR.attentionBackward(MemorySegment.ofArray(q), MemorySegment.ofArray(k), MemorySegment.ofArray(v),
        MemorySegment.ofArray(g), MemorySegment.ofArray(sq), MemorySegment.ofArray(sk), MemorySegment.ofArray(sv), nq, nk, d, dv,
        scale, mask.toSegment(nq, nk));
    int[][] coords = new int[3][];
    double[][] numeric = new double[3][];
    if (centralDifferences) {
      double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), vd = Float64Oracles.toDouble(v);
      double[] gd = Float64Oracles.toDouble(g);
      coords[0] = coords(r, qd.length, 20);
      coords[1] = coords(r, kd.length, 20);
      coords[2] = coords(r, vd.length, 20);
      numeric[0] = SimdTolerances.central(x -> Float64Oracles.inner(forwardOutput(x, kd, vd, nq, nk, d, dv, scale, mask), gd), qd, coords[0]);
      numeric[1] = SimdTolerances.central(x -> Float64Oracles.inner(forwardOutput(qd, x, vd, nq, nk, d, dv, scale, mask), gd), kd, coords[1]);
      numeric[2] = SimdTolerances.central(x -> Float64Oracles.inner(forwardOutput(qd, kd, x, nq, nk, d, dv, scale, mask), gd), vd, coords[2]);
    }
    return new BackwardCase(q, k, v, g, scale, sq, sk, sv, coords, numeric);
  }

  private void backward(PanamaKernels simd, long seed, int nq, int nk, int d, int dv, Mask mask, boolean centralDifferences) {
    String key = "backward " + seed + " " + nq + " " + nk + " " + d + " " + dv + " " + mask + " " + Arrays.hashCode(mask.toBytes(nq, nk));
    BackwardCase c = memo(key, () -> backwardCase(seed, nq, nk, d, dv, mask, centralDifferences));
    MemorySegment dq = mem.garbage(nq * d), dk = mem.garbage(nk * d), dvs = mem.garbage(nk * dv);
    simd.attentionBackward(mem.floats(c.q()), mem.floats(c.k()), mem.floats(c.v()), mem.floats(c.g()), dq, dk, dvs, nq, nk, d, dv,
        c.scale(), mask.toSegment(nq, nk));
    String what = "attention backward nq=" + nq + " nk=" + nk + " d=" + d + " dv=" + dv + " mask=" + mask;
    float[] gq = read(dq), gk = read(dk), gv = read(dvs);
    SimdTolerances.assertGradient(gq, Float64Oracles.toDouble(c.dq()), what + ": dQ vs scalar kernels");
    SimdTolerances.assertGradient(gk, Float64Oracles.toDouble(c.dk()), what + ": dK vs scalar kernels");
    SimdTolerances.assertGradient(gv, Float64Oracles.toDouble(c.dv()), what + ": dV vs scalar kernels");
    if (centralDifferences) {
      SimdTolerances.assertCentral(gq, c.coords()[0], c.central()[0], what + ": dQ");
      SimdTolerances.assertCentral(gk, c.coords()[1], c.central()[1], what + ": dK");
      SimdTolerances.assertCentral(gv, c.coords()[2], c.central()[2], what + ": dV");
    }
    byte[] bytes = mask.toBytes(nq, nk);
    for (int i = 0; i < nq; i++) {
      boolean any = false;
      for (int j = 0; j < nk; j++) any |= bytes[i * nk + j] != 0;
      if (!any) for (int col = 0; col < d; col++) assertEquals(0f, gq[i * d + col], what + ": dQ of fully masked row " + i + " is +0");
    }
    for (float[] grad : new float[][] {gq, gk, gv}) for (float x : grad) assertTrue(Float.isFinite(x), what + ": finite gradients");
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void backwardMatchesScalarKernelsAndCentralDifferences(PanamaKernels simd) {
    Random r = new Random(17);
    int n = SIZES.length;
    for (int i = 0; i < n; i++) {
      int nq = SIZES[i], nk = SIZES[(i + 4) % n], d = SIZES[(i + 8) % n] % 40 + 1, dv = SIZES[(i + 2) % n] % 20 + 1;
      boolean small = (long) nq * nk * (d + dv) < 40_000;
      backward(simd, 10L * i, nq, nk, d, dv, Mask.all(), small);
      backward(simd, 10L * i + 1, nq, nk, d, dv, randomMask(r, nq, nk, nq / 2), small);
      backward(simd, 10L * i + 2, nq, nk, d, dv, Mask.causal(), false);
    }
    backward(simd, 3, 4, 2, 3, 2, Mask.causal(), true);                      // rows 0 and 1 see nothing
  }
}
