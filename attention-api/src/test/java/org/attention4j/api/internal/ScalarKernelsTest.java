package org.attention4j.api.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.attention4j.api.Mask;
import org.attention4j.api.spi.Kernels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every op of {@link ScalarKernels} against float64 oracles written here (and central differences
 * of those oracles for the backward ops), on awkward sizes, with masks, fully masked rows and huge
 * logits. Data lives in Arrow buffers read zero-copy, as in production.
 *
 * <p>Tolerance, for every float32 output against its float64 oracle:
 * {@code |a − b| ≤ 1e-5 + 1e-5·|b|}. Masked entries, empty rows and DTW values are compared exactly.
 */
class ScalarKernelsTest {
  static final double ATOL = 1e-5, RTOL = 1e-5;
  static final int[] SIZES = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 65, 100};
  /** Step of the central differences, taken on the float64 oracles (truncation ~h², round-off ~1e-16/h). */
  static final double H = 1e-4;

  private final Kernels kernels = new ScalarKernels();
  private BufferAllocator allocator;
  private final List<ArrowBuf> buffers = new ArrayList<>();

  @BeforeEach void open() { allocator = new RootAllocator(); }

  @AfterEach void close() {
    buffers.forEach(ArrowBuf::close);
    buffers.clear();
    allocator.close();     // throws on any outstanding buffer
  }

  // ---- Arrow-backed segments ---------------------------------------------------------------------

  private MemorySegment segment(long bytes) {
    ArrowBuf buf = allocator.buffer(Math.max(bytes, 1));
    buffers.add(buf);
    return MemorySegment.ofAddress(buf.memoryAddress()).reinterpret(bytes);
  }

  private MemorySegment floats(float[] v) {
    MemorySegment s = segment(4L * v.length);
    MemorySegment.copy(v, 0, s, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, v.length);
    return s;
  }

  /** A float32 segment full of NaN: outputs must overwrite every entry. */
  private MemorySegment garbage(int n) {
    float[] nan = new float[n];
    Arrays.fill(nan, Float.NaN);
    return floats(nan);
  }

  private MemorySegment doubles(double[] v) {
    MemorySegment s = segment(8L * v.length);
    MemorySegment.copy(v, 0, s, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, v.length);
    return s;
  }

  private static float[] read(MemorySegment s) { return s.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED); }

  private static double[] readDoubles(MemorySegment s) { return s.toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED); }

  private static int[] readInts(MemorySegment s) { return s.toArray(ValueLayout.JAVA_INT_UNALIGNED); }

  // ---- data and comparisons ----------------------------------------------------------------------

  static float[] gaussian(Random r, int n, double sigma) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = (float) (r.nextGaussian() * sigma);
    return out;
  }

  static double[] widen(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i];
    return out;
  }

  static void assertClose(double expected, float actual, String what) {
    assertTrue(Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected),
        () -> what + ": got " + actual + ", oracle " + expected + " (|diff| " + Math.abs(actual - expected) + ")");
  }

  static void assertAllClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) assertClose(expected[i], actual[i], what + "[" + i + "]");
  }

  /** A random mask (about 3/4 allowed) whose row {@code emptyRow} allows nothing (if in range). */
  static byte[] randomMask(Random r, int rows, int cols, int emptyRow) {
    byte[] m = new byte[rows * cols];
    for (int i = 0; i < m.length; i++) m[i] = (byte) (r.nextInt(4) == 0 ? 0 : 1);
    if (emptyRow >= 0 && emptyRow < rows) Arrays.fill(m, emptyRow * cols, (emptyRow + 1) * cols, (byte) 0);
    return m;
  }

  static boolean allowed(byte[] mask, int idx) { return mask == null || mask[idx] != 0; }

  static MemorySegment maskSegment(byte[] mask) { return mask == null ? null : MemorySegment.ofArray(mask); }

  /** Central differences of {@code loss} at {@code x} for the given coordinates. */
  static double[] centralDifferences(ToDoubleFunction<double[]> loss, double[] x, int[] coords) {
    double[] out = new double[coords.length];
    for (int c = 0; c < coords.length; c++) {
      int i = coords[c];
      double keep = x[i];
      x[i] = keep + H;
      double plus = loss.applyAsDouble(x);
      x[i] = keep - H;
      double minus = loss.applyAsDouble(x);
      x[i] = keep;
      out[c] = (plus - minus) / (2 * H);
    }
    return out;
  }

  /** All coordinates of a tensor of n elements, or {@code max} distinct random ones. */
  static int[] coords(Random r, int n, int max) {
    if (n <= max) return IntStream.range(0, n).toArray();
    return r.ints(0, n).distinct().limit(max).toArray();
  }

  // ---- oracles (float64) -------------------------------------------------------------------------

  static double[] matmulOracle(float[] a, boolean ta, float[] b, boolean tb, float[] c, int m, int n, int k, double alpha,
      double beta) {
    double[] out = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int p = 0; p < k; p++) acc += (double) (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
        out[i * n + j] = alpha * acc + (beta == 0 ? 0 : beta * c[i * n + j]);
      }
    }
    return out;
  }

  static double[] softmaxOracle(double[] s, int rows, int cols, double scale, byte[] mask) {
    double[] out = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) if (allowed(mask, i * cols + j)) max = Math.max(max, scale * s[i * cols + j]);
      if (max == Double.NEGATIVE_INFINITY) continue;
      double sum = 0;
      for (int j = 0; j < cols; j++) if (allowed(mask, i * cols + j)) sum += Math.exp(scale * s[i * cols + j] - max);
      for (int j = 0; j < cols; j++) {
        if (allowed(mask, i * cols + j)) out[i * cols + j] = Math.exp(scale * s[i * cols + j] - max) / sum;
      }
    }
    return out;
  }

  /** O = softmax(scale·QKᵀ, mask)·V; the weights go to {@code weights} when non-null. */
  static double[] attentionOracle(double[] q, double[] k, double[] v, int nq, int nk, int d, int dv, double scale,
      byte[] mask, double[] weights) {
    double[] s = new double[nq * nk];
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        double dot = 0;
        for (int c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
        s[i * nk + j] = dot;
      }
    }
    double[] a = softmaxOracle(s, nq, nk, scale, mask);
    if (weights != null) System.arraycopy(a, 0, weights, 0, a.length);
    double[] o = new double[nq * dv];
    for (int i = 0; i < nq; i++) {
      for (int c = 0; c < dv; c++) {
        double acc = 0;
        for (int j = 0; j < nk; j++) acc += a[i * nk + j] * v[j * dv + c];
        o[i * dv + c] = acc;
      }
    }
    return o;
  }

  static double[] additiveOracle(double[] p, double[] r, double[] w, int nq, int nk, int h) {
    double[] s = new double[nq * nk];
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        double acc = 0;
        for (int c = 0; c < h; c++) acc += w[c] * Math.tanh(p[i * h + c] + r[j * h + c]);
        s[i * nk + j] = acc;
      }
    }
    return s;
  }

  static double dot(double[] a, double[] b) {
    double acc = 0;
    for (int i = 0; i < a.length; i++) acc += a[i] * b[i];
    return acc;
  }

  // ---- identity ------------------------------------------------------------------------------------

  @Test void describesItself() {
    assertEquals("scalar", kernels.id());
    assertTrue(kernels.describe().startsWith("scalar"), kernels.describe());
    assertEquals("scalar", new ScalarKernelProvider().create().id());
  }

  // ---- matmul ------------------------------------------------------------------------------------

  private void checkMatmul(Random r, int m, int n, int k, boolean ta, boolean tb, float alpha, float beta) {
    float[] a = gaussian(r, m * k, 1), b = gaussian(r, k * n, 1), c0 = gaussian(r, m * n, 1);
    double[] expected = matmulOracle(a, ta, b, tb, c0, m, n, k, alpha, beta);
    MemorySegment c = beta == 0 ? garbage(m * n) : floats(c0);
    kernels.matmul(floats(a), ta, floats(b), tb, c, m, n, k, alpha, beta);
    assertAllClose(expected, read(c), "C (m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb
        + " alpha=" + alpha + " beta=" + beta + ")");
  }

  @Test void matmulAllTransposesOnAwkwardSizes() {
    Random r = new Random(1);
    for (int i = 0; i < SIZES.length; i++) {
      int s = SIZES[i];
      int[][] shapes = {{s, s, s}, {s, SIZES[(i + 5) % SIZES.length], SIZES[(i + 9) % SIZES.length]}, {1, s, 3}, {s, 1, 17}};
      for (int[] sh : shapes) {
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) checkMatmul(r, sh[0], sh[1], sh[2], ta, tb, 1f, 0f);
        }
      }
    }
  }

  @Test void matmulAlphaAndBeta() {
    Random r = new Random(2);
    float[][] ab = {{1f, 0f}, {0.5f, 0f}, {-2f, 1f}, {1f, 1f}, {0.25f, -0.75f}, {0f, 2f}};
    for (int s : SIZES) {
      for (float[] x : ab) {
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) checkMatmul(r, s, (s % 7) + 1, (s % 5) + 2, ta, tb, x[0], x[1]);
        }
      }
    }
  }

  @Test void matmulWithBetaZeroIgnoresNaNGarbageInC() {
    float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
    MemorySegment c = garbage(4);
    kernels.matmul(floats(a), false, floats(b), false, c, 2, 2, 2, 1f, 0f);
    assertArrayEquals(new float[] {19, 22, 43, 50}, read(c));
    MemorySegment inf = floats(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.NaN});
    kernels.matmul(floats(a), true, floats(b), true, inf, 2, 2, 2, 2f, 0f);
    assertArrayEquals(new float[] {2 * 23, 2 * 31, 2 * 34, 2 * 46}, read(inf));
  }

  // ---- softmaxRows -------------------------------------------------------------------------------

  private void checkSoftmax(float[] s, int rows, int cols, float scale, byte[] mask, boolean inPlace) {
    double[] expected = softmaxOracle(widen(s), rows, cols, scale, mask);
    MemorySegment in = floats(s);
    MemorySegment out = inPlace ? in : garbage(rows * cols);
    kernels.softmaxRows(in, out, rows, cols, scale, maskSegment(mask));
    float[] got = read(out);
    String what = "softmax " + rows + "x" + cols + " scale=" + scale + (mask == null ? "" : " masked") + (inPlace ? " in place" : "");
    assertAllClose(expected, got, what);
    for (int i = 0; i < rows; i++) {
      double rowSum = 0;
      boolean any = false;
      for (int j = 0; j < cols; j++) {
        float x = got[i * cols + j];
        assertTrue(Float.isFinite(x) && x >= 0, what + ": entry (" + i + ", " + j + ") = " + x);
        if (!allowed(mask, i * cols + j)) assertEquals(0f, x, what + ": masked entry (" + i + ", " + j + ") must be exactly 0");
        else any = true;
        rowSum += x;
      }
      if (any) assertEquals(1.0, rowSum, 1e-5, what + ": row " + i + " sums to 1");
      else assertEquals(0.0, rowSum, what + ": fully masked row " + i + " is exactly zero");
    }
  }

  @Test void softmaxRowsOnAwkwardSizesWithAndWithoutMasks() {
    Random r = new Random(3);
    for (int rows : new int[] {1, 2, 7, 17}) {
      for (int cols : SIZES) {
        float[] s = gaussian(r, rows * cols, 4);
        for (float scale : new float[] {1f, 0.125f, 3f}) {
          checkSoftmax(s, rows, cols, scale, null, false);
          checkSoftmax(s, rows, cols, scale, randomMask(r, rows, cols, rows / 2), false);
          checkSoftmax(s, rows, cols, scale, randomMask(r, rows, cols, -1), true);
        }
        checkSoftmax(s, rows, cols, 1f, Mask.causal().toBytes(rows, cols), false);
      }
    }
  }

  @Test void softmaxRowsFullyMaskedRowsAreExactZerosNeverNaN() {
    float[] s = {1, 2, 3, 1e30f, -1e30f, 0};
    MemorySegment out = garbage(6);
    kernels.softmaxRows(floats(s), out, 2, 3, 1f, MemorySegment.ofArray(new byte[6]));
    assertArrayEquals(new float[6], read(out));
    checkSoftmax(new float[] {5, 6, 7, 8}, 4, 1, 1f, new byte[] {0, 1, 0, 1}, false);
  }

  @Test void softmaxRowsHugeLogitsStayFinite() {
    float big = 3e38f;
    float[] s = {big, -big, big, 0, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-40f, 0, -1e-40f};
    checkSoftmax(s, 3, 3, 1f, null, false);
    checkSoftmax(s, 3, 3, 1000f, null, false);   // scale·s overflows float32, not the kernel's float64 arithmetic
    checkSoftmax(s, 3, 3, 1e-3f, new byte[] {1, 0, 1, 1, 1, 1, 0, 1, 0}, false);
    MemorySegment out = garbage(3);
    kernels.softmaxRows(floats(new float[] {big, big, -big}), out, 1, 3, 10f, null);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, read(out));
  }

  // ---- softmaxBackwardRows -----------------------------------------------------------------------

  @Test void softmaxBackwardRowsMatchesCentralDifferences() {
    Random r = new Random(4);
    for (int cols : SIZES) {
      int rows = 1 + cols % 4;
      float scale = cols % 2 == 0 ? 0.7f : 1.3f;
      for (byte[] mask : new byte[][] {null, randomMask(r, rows, cols, rows - 1), Mask.causal().toBytes(rows, cols)}) {
        float[] s = gaussian(r, rows * cols, 2), g = gaussian(r, rows * cols, 1);
        MemorySegment a = garbage(rows * cols), dA = floats(g), dS = garbage(rows * cols);
        kernels.softmaxRows(floats(s), a, rows, cols, scale, maskSegment(mask));
        kernels.softmaxBackwardRows(a, dA, dS, rows, cols, scale);
        double[] gd = widen(g);
        ToDoubleFunction<double[]> loss = x -> dot(softmaxOracle(x, rows, cols, scale, mask), gd);
        int[] cs = coords(r, rows * cols, 40);
        double[] fd = centralDifferences(loss, widen(s), cs);
        float[] got = read(dS);
        for (int c = 0; c < cs.length; c++) assertClose(fd[c], got[cs[c]], "dS[" + cs[c] + "] " + rows + "x" + cols);
        for (int idx = 0; idx < rows * cols; idx++) {
          if (!allowed(mask, idx)) assertEquals(0f, got[idx], "masked dS entry " + idx + " is exactly 0");
        }
        kernels.softmaxBackwardRows(a, dA, dA, rows, cols, scale);          // dS may alias dA
        assertArrayEquals(got, read(dA), "in place");
      }
    }
  }

  // ---- attentionForward --------------------------------------------------------------------------

  private void checkAttentionForward(Random r, int nq, int nk, int d, int dv, byte[] mask, boolean withWeights) {
    float[] q = gaussian(r, nq * d, 1), k = gaussian(r, nk * d, 1), v = gaussian(r, nk * dv, 1);
    float scale = (float) (1 / Math.sqrt(d));
    double[] w = new double[nq * nk];
    double[] expected = attentionOracle(widen(q), widen(k), widen(v), nq, nk, d, dv, scale, mask, w);
    MemorySegment out = garbage(nq * dv), weights = withWeights ? garbage(nq * nk) : null;
    kernels.attentionForward(floats(q), floats(k), floats(v), out, weights, nq, nk, d, dv, scale, maskSegment(mask));
    String what = "attention nq=" + nq + " nk=" + nk + " d=" + d + " dv=" + dv + (mask == null ? "" : " masked");
    float[] o = read(out);
    assertAllClose(expected, o, what + " output");
    if (withWeights) {
      float[] got = read(weights);
      assertAllClose(w, got, what + " weights");
      for (int idx = 0; idx < got.length; idx++) if (!allowed(mask, idx)) assertEquals(0f, got[idx], what + " masked weight");
    }
    for (int i = 0; i < nq; i++) {
      boolean any = false;
      for (int j = 0; j < nk; j++) any |= allowed(mask, i * nk + j);
      if (!any) {
        for (int c = 0; c < dv; c++) assertEquals(0f, o[i * dv + c], what + ": fully masked row " + i + " gives exactly 0");
      }
    }
  }

  @Test void attentionForwardOnAwkwardSizes() {
    Random r = new Random(5);
    for (int i = 0; i < SIZES.length; i++) {
      int nq = SIZES[i], nk = SIZES[(i + 4) % SIZES.length], d = SIZES[(i + 8) % SIZES.length], dv = SIZES[(i + 2) % SIZES.length];
      checkAttentionForward(r, nq, nk, d, dv, null, true);
      checkAttentionForward(r, nq, nk, d, dv, null, false);
      checkAttentionForward(r, nq, nk, d, dv, randomMask(r, nq, nk, nq / 2), true);
      checkAttentionForward(r, nq, nk, d, dv, randomMask(r, nq, nk, 0), false);
      checkAttentionForward(r, nq, nk, d, dv, Mask.causal().toBytes(nq, nk), true);
      checkAttentionForward(r, SIZES[i], SIZES[i], SIZES[i], SIZES[i], Mask.causal().toBytes(SIZES[i], SIZES[i]), true);
    }
  }

  @Test void attentionForwardCausalWithDifferentQueryAndKeyCounts() {
    Random r = new Random(6);
    for (int[] sh : new int[][] {{3, 8}, {8, 3}, {1, 33}, {33, 1}, {16, 17}, {17, 16}}) {
      checkAttentionForward(r, sh[0], sh[1], 8, 5, Mask.causal().toBytes(sh[0], sh[1]), true);
    }
  }

  @Test void attentionForwardFullyMaskedRowGivesZeroOutputAndWeights() {
    byte[] mask = {0, 0, 0, 1, 0, 1};
    MemorySegment out = garbage(4), weights = garbage(6);
    kernels.attentionForward(floats(new float[] {1, 2, 3, 4}), floats(new float[] {1, 0, 0, 1, 1, 1}),
        floats(new float[] {10, 20, 30, 40, 50, 60}), out, weights, 2, 3, 2, 2, 1f, MemorySegment.ofArray(mask));
    float[] o = read(out), w = read(weights);
    assertArrayEquals(new float[] {0, 0, 0}, Arrays.copyOfRange(w, 0, 3));
    assertArrayEquals(new float[] {0, 0}, Arrays.copyOfRange(o, 0, 2));
    assertEquals(0f, w[4]);
    assertEquals(1.0, w[3] + w[5], 1e-6);
  }

  @Test void attentionForwardHugeLogitsStayFinite() {
    MemorySegment out = garbage(2), weights = garbage(2);
    kernels.attentionForward(floats(new float[] {1e18f}), floats(new float[] {1e18f, -1e18f}), floats(new float[] {1, 2, 3, 4}),
        out, weights, 1, 2, 1, 2, 1f, null);
    assertArrayEquals(new float[] {1, 0}, read(weights));
    assertArrayEquals(new float[] {1, 2}, read(out));
  }

  // ---- attentionBackward -------------------------------------------------------------------------

  private void checkAttentionBackward(Random r, int nq, int nk, int d, int dv, byte[] mask) {
    float[] q = gaussian(r, nq * d, 1), k = gaussian(r, nk * d, 1), v = gaussian(r, nk * dv, 1), go = gaussian(r, nq * dv, 1);
    float scale = (float) (1 / Math.sqrt(d));
    MemorySegment dq = garbage(nq * d), dk = garbage(nk * d), dvs = garbage(nk * dv);
    kernels.attentionBackward(floats(q), floats(k), floats(v), floats(go), dq, dk, dvs, nq, nk, d, dv, scale, maskSegment(mask));
    double[] qd = widen(q), kd = widen(k), vd = widen(v), god = widen(go);
    String what = "attention backward nq=" + nq + " nk=" + nk + " d=" + d + " dv=" + dv + (mask == null ? "" : " masked");
    int[] cq = coords(r, qd.length, 24), ck = coords(r, kd.length, 24), cv = coords(r, vd.length, 24);
    double[] fq = centralDifferences(x -> dot(attentionOracle(x, kd, vd, nq, nk, d, dv, scale, mask, null), god), qd, cq);
    double[] fk = centralDifferences(x -> dot(attentionOracle(qd, x, vd, nq, nk, d, dv, scale, mask, null), god), kd, ck);
    double[] fv = centralDifferences(x -> dot(attentionOracle(qd, kd, x, nq, nk, d, dv, scale, mask, null), god), vd, cv);
    float[] gq = read(dq), gk = read(dk), gv = read(dvs);
    for (int c = 0; c < cq.length; c++) assertClose(fq[c], gq[cq[c]], what + " dQ[" + cq[c] + "]");
    for (int c = 0; c < ck.length; c++) assertClose(fk[c], gk[ck[c]], what + " dK[" + ck[c] + "]");
    for (int c = 0; c < cv.length; c++) assertClose(fv[c], gv[cv[c]], what + " dV[" + cv[c] + "]");
    for (float x : gq) assertTrue(Float.isFinite(x), what + ": finite dQ");
    for (float x : gk) assertTrue(Float.isFinite(x), what + ": finite dK");
    for (float x : gv) assertTrue(Float.isFinite(x), what + ": finite dV");
  }

  @Test void attentionBackwardMatchesCentralDifferencesOfTheForward() {
    Random r = new Random(7);
    for (int i = 0; i < SIZES.length; i++) {
      int nq = SIZES[i], nk = SIZES[(i + 4) % SIZES.length], d = SIZES[(i + 8) % SIZES.length] % 20 + 1;
      int dv = SIZES[(i + 2) % SIZES.length] % 10 + 1;
      checkAttentionBackward(r, nq, nk, d, dv, null);
      checkAttentionBackward(r, nq, nk, d, dv, randomMask(r, nq, nk, nq / 2));
      checkAttentionBackward(r, nq, nk, d, dv, Mask.causal().toBytes(nq, nk));
    }
  }

  @Test void attentionBackwardFullyMaskedRowsGiveZeroGradients() {
    int nq = 4, nk = 2, d = 3, dv = 2;                        // causal with nq > nk: rows 0 and 1 see nothing
    Random r = new Random(8);
    float[] q = gaussian(r, nq * d, 1), k = gaussian(r, nk * d, 1), v = gaussian(r, nk * dv, 1), go = gaussian(r, nq * dv, 1);
    MemorySegment dq = garbage(nq * d), dk = garbage(nk * d), dvs = garbage(nk * dv);
    kernels.attentionBackward(floats(q), floats(k), floats(v), floats(go), dq, dk, dvs, nq, nk, d, dv, 1f,
        Mask.causal().toSegment(nq, nk));
    float[] gq = read(dq);
    for (int c = 0; c < 2 * d; c++) assertEquals(0f, gq[c], "dQ of an empty row is exactly 0");
    checkAttentionBackward(r, nq, nk, d, dv, Mask.causal().toBytes(nq, nk));
  }

  // ---- additive ----------------------------------------------------------------------------------

  @Test void additiveScoresMatchTheOracle() {
    Random r = new Random(9);
    for (int i = 0; i < SIZES.length; i++) {
      int nq = SIZES[i], nk = SIZES[(i + 3) % SIZES.length], h = SIZES[(i + 7) % SIZES.length];
      float[] p = gaussian(r, nq * h, 1), rr = gaussian(r, nk * h, 1), w = gaussian(r, h, 1);
      MemorySegment s = garbage(nq * nk);
      kernels.additiveScores(floats(p), floats(rr), floats(w), s, nq, nk, h);
      assertAllClose(additiveOracle(widen(p), widen(rr), widen(w), nq, nk, h), read(s),
          "additive scores nq=" + nq + " nk=" + nk + " h=" + h);
    }
  }

  @Test void additiveScoresSaturateWithHugeInputs() {
    MemorySegment s = garbage(2);
    kernels.additiveScores(floats(new float[] {1e30f, -1e30f}), floats(new float[] {0, 0}), floats(new float[] {2, 3}), s, 1, 1, 2);
    assertArrayEquals(new float[] {-1f}, Arrays.copyOf(read(s), 1));
  }

  @Test void additiveBackwardMatchesCentralDifferences() {
    Random r = new Random(10);
    for (int i = 0; i < SIZES.length; i++) {
      int nq = SIZES[i], nk = SIZES[(i + 3) % SIZES.length] % 20 + 1, h = SIZES[(i + 7) % SIZES.length] % 24 + 1;
      float[] p = gaussian(r, nq * h, 1), rr = gaussian(r, nk * h, 1), w = gaussian(r, h, 1), g = gaussian(r, nq * nk, 1);
      for (int z = 0; z < g.length; z += 3) g[z] = 0;            // zero upstream gradients are skipped, not mistaken
      MemorySegment dP = garbage(nq * h), dR = garbage(nk * h), dw = garbage(h);
      kernels.additiveBackward(floats(p), floats(rr), floats(w), floats(g), dP, dR, dw, nq, nk, h);
      double[] pd = widen(p), rd = widen(rr), wd = widen(w), gd = widen(g);
      String what = "additive backward nq=" + nq + " nk=" + nk + " h=" + h;
      int[] cp = coords(r, pd.length, 30), cr = coords(r, rd.length, 30), cw = coords(r, wd.length, 30);
      double[] fp = centralDifferences(x -> dot(additiveOracle(x, rd, wd, nq, nk, h), gd), pd, cp);
      double[] fr = centralDifferences(x -> dot(additiveOracle(pd, x, wd, nq, nk, h), gd), rd, cr);
      double[] fw = centralDifferences(x -> dot(additiveOracle(pd, rd, x, nq, nk, h), gd), wd, cw);
      float[] gp = read(dP), gr = read(dR), gw = read(dw);
      for (int c = 0; c < cp.length; c++) assertClose(fp[c], gp[cp[c]], what + " dP[" + cp[c] + "]");
      for (int c = 0; c < cr.length; c++) assertClose(fr[c], gr[cr[c]], what + " dR[" + cr[c] + "]");
      for (int c = 0; c < cw.length; c++) assertClose(fw[c], gw[cw[c]], what + " dw[" + cw[c] + "]");
    }
  }

  // ---- topK --------------------------------------------------------------------------------------

  /** Ids of the k best keys by float32 inner product, best first, ties by lower id. */
  static int[][] topKOracle(float[] keys, int n, int d, float[] queries, int nq, int k, float[][] scoresOut) {
    int[][] ids = new int[nq][];
    for (int i = 0; i < nq; i++) {
      float[] sc = new float[n];
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int c = 0; c < d; c++) acc += (double) queries[i * d + c] * keys[j * d + c];
        sc[j] = (float) acc;
      }
      ids[i] = IntStream.range(0, n).boxed()
          .sorted(Comparator.comparingDouble((Integer j) -> -sc[j]).thenComparingInt(j -> j))
          .limit(k).mapToInt(Integer::intValue).toArray();
      scoresOut[i] = new float[k];
      for (int c = 0; c < k; c++) scoresOut[i][c] = sc[ids[i][c]];
    }
    return ids;
  }

  private void checkTopK(float[] keys, int n, int d, float[] queries, int nq, int k, String what) {
    float[][] expectedScores = new float[nq][];
    int[][] expected = topKOracle(keys, n, d, queries, nq, k, expectedScores);
    MemorySegment ids = segment(4L * nq * k), scores = garbage(nq * k);
    ids.fill((byte) 0x7f);
    kernels.topK(floats(keys), n, d, floats(queries), nq, k, ids, scores);
    int[] gotIds = readInts(ids);
    float[] gotScores = read(scores);
    for (int i = 0; i < nq; i++) {
      int row = i;
      assertArrayEquals(expected[i], Arrays.copyOfRange(gotIds, i * k, (i + 1) * k),
          () -> what + ": ids of query " + row + " (n=" + n + ", d=" + d + ", k=" + k + ")");
      for (int c = 0; c < k; c++) {
        assertClose(expectedScores[i][c], gotScores[i * k + c], what + ": score " + c + " of query " + i);
        if (c > 0) assertTrue(gotScores[i * k + c - 1] >= gotScores[i * k + c], what + ": best first");
      }
    }
  }

  @Test void topKBestFirstOnAwkwardSizes() {
    Random r = new Random(11);
    for (int n : SIZES) {
      int d = 1 + n % 9, nq = 3;
      float[] keys = gaussian(r, n * d, 1), queries = gaussian(r, nq * d, 1);
      for (int k : new int[] {1, Math.min(5, n), n}) checkTopK(keys, n, d, queries, nq, k, "gaussian");
    }
  }

  @Test void topKBreaksExactTiesByLowerIndex() {
    Random r = new Random(12);
    for (int n : SIZES) {
      int d = 4, nq = 4;
      float[] keys = new float[n * d], queries = new float[nq * d];
      for (int i = 0; i < keys.length; i++) keys[i] = r.nextInt(3) - 1;      // small integers: many exact ties
      for (int i = 0; i < queries.length; i++) queries[i] = r.nextInt(3) - 1;
      for (int k : new int[] {1, Math.min(3, n), Math.min(10, n), n}) checkTopK(keys, n, d, queries, nq, k, "ties");
    }
  }

  @Test void topKAllEqualScoresGiveIdsInOrder() {
    int n = 17, d = 3;
    float[] keys = new float[n * d];
    Arrays.fill(keys, 1f);
    MemorySegment ids = segment(4L * n), scores = garbage(n);
    kernels.topK(floats(keys), n, d, floats(new float[] {1, 1, 1}), 1, n, ids, scores);
    assertArrayEquals(IntStream.range(0, n).toArray(), readInts(ids));
    MemorySegment ids5 = segment(4L * 5), scores5 = garbage(5);
    kernels.topK(floats(keys), n, d, floats(new float[] {-1, -1, -1}), 1, 5, ids5, scores5);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, readInts(ids5), "negative ties too");
  }

  @Test void topKWithAllNegativeScores() {
    float[] keys = {-1, -5, -2, -4, -3};
    MemorySegment ids = segment(4L * 3), scores = garbage(3);
    kernels.topK(floats(keys), 5, 1, floats(new float[] {1}), 1, 3, ids, scores);
    assertArrayEquals(new int[] {0, 2, 4}, readInts(ids));
    assertArrayEquals(new float[] {-1, -2, -3}, read(scores));
  }

  // ---- dtwRow ------------------------------------------------------------------------------------

  /** The full DTW table in float64 over [lo_i, hi_i) per row (+∞ outside), from (0, 0). */
  static double[][] dtwOracle(float[] cost, int n, int m, int[] lo, int[] hi) {
    double inf = Double.POSITIVE_INFINITY;
    double[][] t = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        if (j < lo[i] || j >= hi[i]) { t[i][j] = inf; continue; }
        double best;
        if (i == 0) best = j == 0 ? 0 : t[0][j - 1];
        else best = Math.min(t[i - 1][j], j == 0 ? inf : Math.min(t[i - 1][j - 1], t[i][j - 1]));
        t[i][j] = best + cost[i * m + j];
      }
    }
    return t;
  }

  /** Builds the table row by row with the kernel; {@code prev} of the first row is NaN garbage. */
  private double[][] dtwByRows(float[] cost, int n, int m, int[] lo, int[] hi) {
    double[] nan = new double[m];
    Arrays.fill(nan, Double.NaN);
    MemorySegment prev = doubles(nan), cur = doubles(nan);
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      MemorySegment row = doubles(nan);                           // cur starts as garbage, every entry is written
      kernels.dtwRow(prev, floats(Arrays.copyOfRange(cost, i * m, (i + 1) * m)), row, m, lo[i], hi[i], i == 0);
      out[i] = readDoubles(row);
      prev = row;
    }
    return out;
  }

  private void checkDtw(float[] cost, int n, int m, int[] lo, int[] hi, String what) {
    double[][] expected = dtwOracle(cost, n, m, lo, hi), got = dtwByRows(cost, n, m, lo, hi);
    for (int i = 0; i < n; i++) {
      int row = i;
      assertArrayEquals(expected[i], got[i], () -> what + ": row " + row + " of " + n + "x" + m);
    }
  }

  static int[] fill(int n, int v) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test void dtwRowsBuildTheFullTable() {
    Random r = new Random(13);
    for (int i = 0; i < SIZES.length; i++) {
      int n = SIZES[i], m = SIZES[(i + 6) % SIZES.length];
      float[] cost = new float[n * m];
      for (int c = 0; c < cost.length; c++) cost[c] = r.nextFloat() * 4;
      checkDtw(cost, n, m, fill(n, 0), fill(n, m), "full");
      checkDtw(cost, m, n, fill(m, 0), fill(m, n), "full, transposed shape");
    }
  }

  @Test void dtwRowsWithABand() {
    Random r = new Random(14);
    for (int i = 0; i < SIZES.length; i++) {
      int n = SIZES[i], m = SIZES[(i + 2) % SIZES.length];
      float[] cost = new float[n * m];
      for (int c = 0; c < cost.length; c++) cost[c] = r.nextFloat();
      for (int w : new int[] {0, 1, 3, 10}) {
        int[] lo = new int[n], hi = new int[n];
        for (int row = 0; row < n; row++) {                         // |i·m/n − j| ≤ w
          double centre = (double) row * m / n;
          lo[row] = (int) Math.max(0, Math.ceil(centre - w));
          hi[row] = (int) Math.min(m, Math.floor(centre + w) + 1);
        }
        checkDtw(cost, n, m, lo, hi, "band " + w);
      }
    }
  }

  @Test void dtwRowsWithRandomWindowsIncludingAFirstRowThatMissesTheOrigin() {
    Random r = new Random(15);
    for (int m : SIZES) {
      int n = 1 + m % 11;
      float[] cost = new float[n * m];
      for (int c = 0; c < cost.length; c++) cost[c] = r.nextFloat() * 10;
      int[] lo = new int[n], hi = new int[n];
      for (int row = 0; row < n; row++) {
        lo[row] = r.nextInt(m);
        hi[row] = lo[row] + 1 + r.nextInt(m - lo[row]);
      }
      checkDtw(cost, n, m, lo, hi, "random windows");
      lo[0] = Math.min(1, m - 1);                                   // origin outside the first row's window
      checkDtw(cost, n, m, lo, hi, "first row without the origin");
    }
  }

  @Test void dtwFirstRowIsARunningSum() {
    MemorySegment prev = doubles(new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
    MemorySegment cur = doubles(new double[4]);
    kernels.dtwRow(prev, floats(new float[] {1, 2, 3, 4}), cur, 4, 0, 3, true);
    assertArrayEquals(new double[] {1, 3, 6, Double.POSITIVE_INFINITY}, readDoubles(cur));
  }

  @Test void dtwEmptyWindowIsAllInfinite() {
    MemorySegment cur = doubles(new double[] {1, 2, 3});
    kernels.dtwRow(doubles(new double[] {0, 0, 0}), floats(new float[] {1, 1, 1}), cur, 3, 2, 2, false);
    double inf = Double.POSITIVE_INFINITY;
    assertArrayEquals(new double[] {inf, inf, inf}, readDoubles(cur));
  }

  // ---- many-pairs DTW and fused additive attention (the interface's reference defaults) ---------

  @Test void dtwDistancesByHandWithBandsAndEmptyBands() {
    MemorySegment out = doubles(new double[] {Double.NaN, Double.NaN});
    // pair 0: x = [0, 0], y = [1]: D = 1, then 1 + 1; pair 1: x = [1, 3], y = [1]: 0, then 0 + 4
    kernels.dtwDistances(floats(new float[] {0, 0, 1, 3}), floats(new float[] {1, 1}), 2, 2, 1, 1, -1, out);
    assertArrayEquals(new double[] {2, 4}, readDoubles(out));
    kernels.dtwDistances(floats(new float[] {0, 0, 1, 3}), floats(new float[] {1, 1}), 2, 2, 1, 1, 0, out);
    assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, readDoubles(out),
        "band 0 with n = 2, m = 1: |1·1 − 0·2| > 0, no path fits");
    MemorySegment one = doubles(new double[] {Double.NaN});
    // 2-D points, x = [(0,0), (1,1), (2,2)], y = [(0,0), (2,2)]: the path (0,0) (1,0) or (1,1), (2,1): 0 + 2 + 0
    kernels.dtwDistances(floats(new float[] {0, 0, 1, 1, 2, 2}), floats(new float[] {0, 0, 2, 2}), 1, 3, 2, 2, -1, one);
    assertEquals(2.0, readDoubles(one)[0]);
    kernels.dtwDistances(floats(new float[] {0.5f, 1.5f, 2.5f}), floats(new float[] {0.5f, 1.5f, 2.5f}), 1, 3, 3, 1, 0, one);
    assertEquals(0.0, readDoubles(one)[0], "identical series, diagonal band");
  }

  @Test void additiveAttentionForwardMatchesScoresSoftmaxAndValues() {
    Random r = new Random(77);
    int nq = 5, nk = 7, h = 3, dv = 2;
    float[] p = gaussian(r, nq * h, 1), rr = gaussian(r, nk * h, 1), w = gaussian(r, h, 1), v = gaussian(r, nk * dv, 1);
    byte[] mask = new byte[nq * nk];
    for (int i = 0; i < mask.length; i++) mask[i] = (byte) (i % 3 == 0 || i / nk == 4 ? 0 : 1);   // row 4 empty
    MemorySegment out = garbage(nq * dv), weights = garbage(nq * nk);
    MemorySegment maskSeg = segment(mask.length);
    MemorySegment.copy(mask, 0, maskSeg, ValueLayout.JAVA_BYTE, 0, mask.length);
    kernels.additiveAttentionForward(floats(p), floats(rr), floats(w), floats(v), out, weights, nq, nk, h, dv, 0.5f, maskSeg);
    float[] o = read(out), a = read(weights);
    for (int i = 0; i < nq; i++) {
      double[] s = new double[nk];
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int j = 0; j < nk; j++) {
        for (int c = 0; c < h; c++) s[j] += w[c] * Math.tanh((double) p[i * h + c] + rr[j * h + c]);
        s[j] = mask[i * nk + j] == 0 ? Double.NEGATIVE_INFINITY : 0.5 * s[j];
        max = Math.max(max, s[j]);
      }
      for (int j = 0; j < nk; j++) sum += s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
      for (int c = 0; c < dv; c++) {
        double acc = 0;
        for (int j = 0; j < nk; j++) {
          double aij = max == Double.NEGATIVE_INFINITY || s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max) / sum;
          if (c == 0) {
            if (aij == 0) assertEquals(0f, a[i * nk + j], "masked or empty: exactly 0");
            else assertClose(aij, a[i * nk + j], "weight " + i + "," + j);
          }
          acc += aij * v[j * dv + c];
        }
        assertClose(acc, o[i * dv + c], "output " + i + "," + c);
      }
    }
  }
}
