package org.attention4j.simd.internal;

import static org.attention4j.simd.internal.SimdTestSupport.SCALAR;
import static org.attention4j.simd.internal.SimdTestSupport.SIZES;
import static org.attention4j.simd.internal.SimdTestSupport.coords;
import static org.attention4j.simd.internal.SimdTestSupport.gaussian;
import static org.attention4j.simd.internal.SimdTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.Mask;
import org.attention4j.simd.internal.SimdTestSupport.ArrowSegments;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The additive kernels' fast tanh (error bound, |tanh| ≤ 1, oddness, lanes equal to the scalar
 * twin) and the fused additive attention forward and backward, at 128, 256 and 512 bits, against a
 * float64 oracle, the scalar kernels and central differences, with masks and empty rows.
 */
@WithRootAllocator
class AdditiveAttentionTest {
  private ArrowSegments mem;

  static Stream<Named<PanamaKernels>> kernels() { return SimdTestSupport.widths(); }

  @BeforeEach void open(BufferAllocator allocator) { mem = new ArrowSegments(allocator); }

  @AfterEach void close() { mem.close(); }

  // ---- fast tanh --------------------------------------------------------------------------------

  /**
   * Every 61st float in [0, 10] plus [10, 1e30] sparsely, and the negatives: the relative error
   * stays within {@link SimdTolerances#FAST_TANH_REL}, |t| ≤ 1, t(−x) = −t(x) exactly.
   */
  @Test void fastTanhErrorBoundOverTheWholeRange() {
    double worst = 0;
    float at = 0;
    int top = Float.floatToRawIntBits(10f);
    for (int bits = 0; bits <= top + 2_000_000; bits += bits < top ? 61 : 100_003) {
      float x = Float.intBitsToFloat(bits);
      float t = FloatMath.tanhFast(x);
      double exact = Math.tanh(x);
      double rel = exact == 0 ? Math.abs(t) : Math.abs(t - exact) / exact;
      if (rel > worst) {
        worst = rel;
        at = x;
      }
      assertTrue(t <= 1f && t >= 0f, "tanhFast(" + x + ") in [0, 1], got " + t);
      assertEquals(Float.floatToRawIntBits(-t), Float.floatToRawIntBits(FloatMath.tanhFast(-x)), "odd at " + x);
    }
    final double w = worst;
    final float a = at;
    assertTrue(w <= SimdTolerances.FAST_TANH_REL, () -> "fast tanh: expected relative error ≤ " + SimdTolerances.FAST_TANH_REL
        + ", got " + w + " at x = " + a);
    assertTrue(w > 1e-8, "the bound is not vacuous: worst " + w);
    assertEquals(1f, Math.abs(FloatMath.tanhFast(Float.MAX_VALUE)), 4.2e-7f);
    assertTrue(FloatMath.tanhFast(Float.POSITIVE_INFINITY) <= 1f);
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void fastTanhLanesEqualTheScalarTwin(PanamaKernels k) {
    VectorSpecies<Float> sp = VectorSpecies.of(float.class, VectorShape.forBitSize(k.vectorBits()));
    Random r = new Random(4);
    float[] x = new float[sp.length() * 4000];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 20 : 2));
    x[0] = 0f;
    x[1] = -0f;
    x[2] = Float.MAX_VALUE;
    x[3] = -Float.MAX_VALUE;
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i += sp.length()) k.math().tanhFast(FloatVector.fromArray(sp, x, i)).intoArray(y, i);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Float.floatToRawIntBits(FloatMath.tanhFast(x[i])), Float.floatToRawIntBits(y[i]), "fast tanh lane at x = " + x[i]);
    }
  }

  // ---- fused additive attention -----------------------------------------------------------------

  /** Float64 additive attention: weights [nq×nk] and output [nq×dv]. */
  static double[][] oracle(double[] p, double[] rr, double[] w, double[] v, int nq, int nk, int h, int dv, double scale,
      Mask mask) {
    double[] a = new double[nq * nk], o = new double[nq * dv];
    for (int i = 0; i < nq; i++) {
      double max = Double.NEGATIVE_INFINITY;
      double[] s = new double[nk];
      for (int j = 0; j < nk; j++) {
        double acc = 0;
        for (int c = 0; c < h; c++) acc += w[c] * Math.tanh(p[i * h + c] + rr[j * h + c]);
        s[j] = mask.allows(i, j, nq, nk) ? scale * acc : Double.NEGATIVE_INFINITY;
        max = Math.max(max, s[j]);
      }
      if (max == Double.NEGATIVE_INFINITY) continue;                           // empty row: zeros
      double sum = 0;
      for (int j = 0; j < nk; j++) sum += s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
      for (int j = 0; j < nk; j++) {
        double aij = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max) / sum;
        a[i * nk + j] = aij;
        for (int c = 0; c < dv; c++) o[i * dv + c] += aij * v[j * dv + c];
      }
    }
    return new double[][] {a, o};
  }

  private void forward(PanamaKernels simd, long seed, int nq, int nk, int h, int dv, Mask mask, boolean withWeights) {
    Random r = new Random(seed);
    float[] p = gaussian(r, nq * h, 1), rr = gaussian(r, nk * h, 1), w = gaussian(r, h, 1 / Math.sqrt(h)), v = gaussian(r, nk * dv, 1);
    float scale = 0.7f;
    MemorySegment maskSeg = mask.toSegment(nq, nk);
    MemorySegment out = mem.garbage(nq * dv), weights = withWeights ? mem.garbage(nq * nk) : null;
    simd.additiveAttentionForward(mem.floats(p), mem.floats(rr), mem.floats(w), mem.floats(v), out, weights, nq, nk, h, dv, scale,
        maskSeg);
    double[][] ref = oracle(Float64Oracles.toDouble(p), Float64Oracles.toDouble(rr), Float64Oracles.toDouble(w),
        Float64Oracles.toDouble(v), nq, nk, h, dv, scale, mask);
    float[] so = new float[nq * dv], sw = new float[nq * nk];
    SCALAR.additiveAttentionForward(MemorySegment.ofArray(p), MemorySegment.ofArray(rr), MemorySegment.ofArray(w),
        MemorySegment.ofArray(v), MemorySegment.ofArray(so), MemorySegment.ofArray(sw), nq, nk, h, dv, scale, maskSeg);
    String what = "additive attention nq=" + nq + " nk=" + nk + " h=" + h + " dv=" + dv;
    float[] o = read(out);
    SimdTolerances.assertClose(o, ref[1], what + ": output vs float64");
    SimdTolerances.assertClose(o, Float64Oracles.toDouble(so), what + ": output vs scalar kernels");
    if (withWeights) {
      float[] a = read(weights);
      SimdTolerances.assertClose(a, ref[0], what + ": weights vs float64");
      for (int idx = 0; idx < a.length; idx++) {
        if (ref[0][idx] == 0) assertEquals(0f, a[idx], what + ": masked weight is +0 at " + idx);
      }
    }
    for (int i = 0; i < nq; i++) {
      boolean any = false;
      for (int j = 0; j < nk; j++) any |= mask.allows(i, j, nq, nk);
      if (!any) for (int c = 0; c < dv; c++) assertEquals(0f, o[i * dv + c], what + ": empty row " + i + " gives zeros");
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void fusedForwardMatchesFloat64AndScalarOnAwkwardSizesAndMasks(PanamaKernels simd) {
    Random r = new Random(31);
    int s = SIZES.length;
    for (int i = 0; i < s; i++) {
      int nq = SIZES[i], nk = SIZES[(i + 4) % s], h = SIZES[(i + 9) % s] % 70 + 1, dv = SIZES[(i + 2) % s] % 90 + 1;
      forward(simd, 100 + i, nq, nk, h, dv, Mask.all(), i % 2 == 0);
      forward(simd, 200 + i, nq, nk, h, dv, PanamaAttentionTest.randomMask(r, nq, nk, nq / 2), true);
      forward(simd, 300 + i, nq, nk, h, dv, Mask.causal(), false);
    }
    forward(simd, 400, 70, 300, 64, 64, PanamaAttentionTest.randomMask(r, 70, 300, 69), true);   // several key blocks
    forward(simd, 401, 3, 5, 4, 2, Mask.explicit(3, 5, new boolean[15]), true);                 // nothing allowed at all
  }

  private static double loss(double[] p, double[] rr, double[] w, double[] v, double[] g, int nq, int nk, int h, int dv,
      double scale, Mask mask) {
    return Float64Oracles.inner(oracle(p, rr, w, v, nq, nk, h, dv, scale, mask)[1], g);
  }


  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void backwardMatchesScalarAndCentralDifferences(PanamaKernels simd) {
    Random r = new Random(32);
    int[][] shapes = {{1, 1, 1, 1}, {3, 7, 5, 2}, {17, 33, 16, 9}, {8, 65, 31, 17}, {31, 15, 64, 33}};
    for (int si = 0; si < shapes.length; si++) {
      int nq = shapes[si][0], nk = shapes[si][1], h = shapes[si][2], dv = shapes[si][3];
      float[] p = gaussian(r, nq * h, 1), rr = gaussian(r, nk * h, 1), w = gaussian(r, h, 1 / Math.sqrt(h));
      float[] v = gaussian(r, nk * dv, 1), g = gaussian(r, nq * dv, 1);
      Mask mask = si % 2 == 0 ? PanamaAttentionTest.randomMask(r, nq, nk, nq - 1) : Mask.causal();
      MemorySegment maskSeg = mask.toSegment(nq, nk);
      float scale = 0.9f;
      MemorySegment dP = mem.garbage(nq * h), dR = mem.garbage(nk * h), dw = mem.garbage(h), dV = mem.garbage(nk * dv);
      simd.additiveAttentionBackward(mem.floats(p), mem.floats(rr), mem.floats(w), mem.floats(v), mem.floats(g), dP, dR, dw, dV,
          nq, nk, h, dv, scale, maskSeg);
      float[][] ref = {new float[nq * h], new float[nk * h], new float[h], new float[nk * dv]};
      SCALAR.additiveAttentionBackward(MemorySegment.ofArray(p), MemorySegment.ofArray(rr), MemorySegment.ofArray(w),
          MemorySegment.ofArray(v), MemorySegment.ofArray(g), MemorySegment.ofArray(ref[0]), MemorySegment.ofArray(ref[1]),
          MemorySegment.ofArray(ref[2]), MemorySegment.ofArray(ref[3]), nq, nk, h, dv, scale, maskSeg);
      String what = "additive attention backward nq=" + nq + " nk=" + nk + " h=" + h + " dv=" + dv;
      float[][] got = {read(dP), read(dR), read(dw), read(dV)};
      String[] names = {"dP", "dR", "dw", "dV"};
      for (int x = 0; x < 4; x++) SimdTolerances.assertGradient(got[x], Float64Oracles.toDouble(ref[x]), what + ": " + names[x] + " vs scalar");
      double[] pd = Float64Oracles.toDouble(p), rd = Float64Oracles.toDouble(rr), wd = Float64Oracles.toDouble(w);
      double[] vd = Float64Oracles.toDouble(v), gd = Float64Oracles.toDouble(g);
      int[] cp = coords(r, pd.length, 12), cr = coords(r, rd.length, 12), cw = coords(r, wd.length, 12), cv = coords(r, vd.length, 12);
      SimdTolerances.assertCentral(got[0], cp, SimdTolerances.central(x -> loss(x, rd, wd, vd, gd, nq, nk, h, dv, scale, mask), pd, cp), what + ": dP");
      SimdTolerances.assertCentral(got[1], cr, SimdTolerances.central(x -> loss(pd, x, wd, vd, gd, nq, nk, h, dv, scale, mask), rd, cr), what + ": dR");
      SimdTolerances.assertCentral(got[2], cw, SimdTolerances.central(x -> loss(pd, rd, x, vd, gd, nq, nk, h, dv, scale, mask), wd, cw), what + ": dw");
      SimdTolerances.assertCentral(got[3], cv, SimdTolerances.central(x -> loss(pd, rd, wd, x, gd, nq, nk, h, dv, scale, mask), vd, cv), what + ": dV");
    }
  }
}
