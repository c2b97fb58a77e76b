package org.attention4j.simd.internal;

import static org.attention4j.simd.internal.SimdTestSupport.SCALAR;
import static org.attention4j.simd.internal.SimdTestSupport.SIZES;
import static org.attention4j.simd.internal.SimdTestSupport.abs;
import static org.attention4j.simd.internal.SimdTestSupport.coords;
import static org.attention4j.simd.internal.SimdTestSupport.gaussian;
import static org.attention4j.simd.internal.SimdTestSupport.memo;
import static org.attention4j.simd.internal.SimdTestSupport.read;
import static org.attention4j.simd.internal.SimdTestSupport.readDoubles;
import static org.attention4j.simd.internal.SimdTestSupport.readInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
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
 * Every op of {@link PanamaKernels} but attention (see {@link PanamaAttentionTest}) against a
 * float64 oracle and against attention-api's scalar kernels, at 128, 256 and 512 bits, on the
 * awkward sizes, with masks, fully masked rows and huge inputs. Tolerances: {@link SimdTolerances}.
 */
@WithRootAllocator
class PanamaKernelsTest {
  private static final boolean[] BOOLS = {false, true};
  private ArrowSegments mem;

  static Stream<Named<PanamaKernels>> kernels() { return SimdTestSupport.widths(); }

  @BeforeEach void open(BufferAllocator allocator) { mem = new ArrowSegments(allocator); }

  @AfterEach void close() { mem.close(); }

  // ---- matmul -----------------------------------------------------------------------------------

  /** Float64 C = alpha·op(A)·op(B) + beta·C0 and Σ|terms| per entry. */
  record MatmulRef(double[] c, double[] cond, float[] scalar) {}

  private static MatmulRef matmulRef(float[] a, boolean ta, float[] b, boolean tb, float[] c0, int m, int n, int k, float alpha,
      float beta) {
    double[] ad = Float64Oracles.toDouble(a), bd = Float64Oracles.toDouble(b);
    double[] opA = ta ? Float64Oracles.transpose(ad, k, m) : ad, opB = tb ? Float64Oracles.transpose(bd, n, k) : bd;
    double[] c = Float64Oracles.matmul(opA, opB, m, k, n), cond = Float64Oracles.matmul(abs(opA), abs(opB), m, k, n);
    for (int i = 0; i < c.length; i++) {
      c[i] = alpha * c[i] + (beta == 0 ? 0 : beta * (double) c0[i]);
      cond[i] = Math.abs(alpha) * cond[i] + (beta == 0 ? 0 : Math.abs(beta * (double) c0[i]));
    }
    float[] scalar = c0.clone();
    SCALAR.matmul(MemorySegment.ofArray(a), ta, MemorySegment.ofArray(b), tb, MemorySegment.ofArray(scalar), m, n, k, alpha, beta);
    return new MatmulRef(c, cond, scalar);
  }

  private void checkMatmul(PanamaKernels simd, long seed, int m, int n, int k, boolean ta, boolean tb, float alpha, float beta) {
    Random r = new Random(seed);
    float[] a = gaussian(r, m * k, 1), b = gaussian(r, k * n, 1), c0 = gaussian(r, m * n, 1);
    String key = "matmul " + seed + " " + m + " " + n + " " + k + " " + ta + " " + tb + " " + alpha + " " + beta;
    MatmulRef ref = memo(key, () -> matmulRef(a, ta, b, tb, c0, m, n, k, alpha, beta));
    MemorySegment c = beta == 0 ? mem.garbage(m * n) : mem.floats(c0);             // beta = 0: C's old content (NaN) unread
    simd.matmul(mem.floats(a), ta, mem.floats(b), tb, c, m, n, k, alpha, beta);
    String what = "matmul m=" + m + " n=" + n + " k=" + k + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "") + " alpha=" + alpha + " beta=" + beta;
    float[] got = read(c);
    SimdTolerances.assertSums(got, ref.c(), ref.cond(), what + " vs float64");
    SimdTolerances.assertSums(got, Float64Oracles.toDouble(ref.scalar()), ref.cond(), what + " vs scalar kernels");
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void matmulEveryTransposeOnAwkwardSizes(PanamaKernels simd) {
    int s = SIZES.length;
    for (int i = 0; i < s; i++) {
      int m = SIZES[i], n = SIZES[(i + 5) % s], k = SIZES[(i + 11) % s];
      for (boolean ta : BOOLS) for (boolean tb : BOOLS) checkMatmul(simd, 10L * i + (ta ? 1 : 0) + (tb ? 2 : 0), m, n, k, ta, tb, 1f, 0f);
      checkMatmul(simd, 7L * i, m, n, k, false, true, 0.5f, -2f);
      checkMatmul(simd, 9L * i, m, n, k, true, false, -1.5f, 1f);
    }
    checkMatmul(simd, 3, 5, 7, 0, false, false, 1f, 0.5f);                   // k = 0: C = beta·C
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void matmulAroundOneThousand(PanamaKernels simd) {
    int[][] shapes = {{1023, 1025, 64}, {1024, 17, 1025}, {33, 1024, 1023}, {1, 1025, 1024}};
    for (int i = 0; i < shapes.length; i++) {
      int[] sh = shapes[i];
      checkMatmul(simd, 50 + i, sh[0], sh[1], sh[2], i % 2 == 1, i >= 2, 1f, i == 3 ? 0.25f : 0f);
    }
  }

  // ---- softmax ----------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void softmaxRowsMatchFloat64WithMasksEmptyRowsAndHugeLogits(PanamaKernels simd) {
    Random r = new Random(21);
    int s = SIZES.length;
    for (int i = 0; i < s; i++) {
      int rows = SIZES[i], cols = SIZES[(i + 6) % s];
      for (int variant = 0; variant < 4; variant++) {
        double sigma = variant == 3 ? 1e4 : 3;                                  // huge logits: near one-hot
        float[] x = gaussian(r, rows * cols, sigma);
        Mask mask = switch (variant) {
          case 0 -> Mask.all();
          case 1 -> PanamaAttentionTest.randomMask(r, rows, cols, rows / 2);
          default -> Mask.causal();
        };
        float scale = variant == 2 ? 0.125f : 1f;
        MemorySegment sx = mem.floats(x), maskSeg = mask.toSegment(rows, cols);
        boolean inPlace = variant % 2 == 1;
        MemorySegment out = inPlace ? sx : mem.garbage(rows * cols);
        simd.softmaxRows(sx, out, rows, cols, scale, maskSeg);
        float[] got = read(out), scalar = x.clone();
        SCALAR.softmaxRows(MemorySegment.ofArray(scalar), MemorySegment.ofArray(scalar), rows, cols, scale, maskSeg);
        String what = "softmax " + rows + "x" + cols + " mask=" + mask + " scale=" + scale + (inPlace ? " in place" : "")
            + " sigma=" + sigma;
        SimdTolerances.assertClose(got, Float64Oracles.softmaxRows(Float64Oracles.toDouble(x), rows, cols, 1 / (double) scale, mask),
            what + " vs float64");
        SimdTolerances.assertClose(got, Float64Oracles.toDouble(scalar), what + " vs scalar kernels");
        byte[] bytes = mask.toBytes(rows, cols);
        for (int idx = 0; idx < got.length; idx++) {
          if (bytes[idx] == 0) assertEquals(0f, got[idx], what + ": masked entry " + idx + " is +0");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void softmaxBackwardMatchesFloat64AndKeepsZeroWeightsAtPlusZero(PanamaKernels simd) {
    Random r = new Random(22);
    int s = SIZES.length;
    for (int i = 0; i < s; i++) {
      int rows = SIZES[i], cols = SIZES[(i + 3) % s];
      Mask mask = PanamaAttentionTest.randomMask(r, rows, cols, rows / 2);
      double[] a64 = Float64Oracles.softmaxRows(Float64Oracles.toDouble(gaussian(r, rows * cols, 2)), rows, cols, 1, mask);
      float[] a = Float64Oracles.toFloat(a64), g = gaussian(r, rows * cols, 1);
      float scale = 0.7f;
      double[] expected = new double[rows * cols];
      for (int row = 0; row < rows; row++) {
        double dot = 0;
        for (int j = 0; j < cols; j++) dot += (double) a[row * cols + j] * g[row * cols + j];
        for (int j = 0; j < cols; j++) expected[row * cols + j] = scale * (double) a[row * cols + j] * (g[row * cols + j] - dot);
      }
      boolean aliased = i % 2 == 0;
      MemorySegment gs = mem.floats(g), ds = aliased ? gs : mem.garbage(rows * cols);
      simd.softmaxBackwardRows(mem.floats(a), gs, ds, rows, cols, scale);
      float[] got = read(ds), scalar = g.clone();
      SCALAR.softmaxBackwardRows(MemorySegment.ofArray(a), MemorySegment.ofArray(scalar), MemorySegment.ofArray(scalar), rows, cols,
          scale);
      String what = "softmax backward " + rows + "x" + cols + (aliased ? " (dS aliases dA)" : "");
      SimdTolerances.assertGradient(got, expected, what + " vs float64");
      SimdTolerances.assertGradient(got, Float64Oracles.toDouble(scalar), what + " vs scalar kernels");
      for (int idx = 0; idx < got.length; idx++) {
        if (a[idx] == 0) assertEquals(0f, got[idx], what + ": zero weight gives +0 at " + idx);
      }
    }
  }

  // ---- additive ---------------------------------------------------------------------------------

  /** Float64 S[i][j] = Σ_c w[c]·tanh(P[i][c] + R[j][c]) and Σ|terms|. */
  private static double[][] additiveOracle(float[] p, float[] rr, float[] w, int nq, int nk, int h) {
    double[] s = new double[nq * nk], cond = new double[nq * nk];
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        double acc = 0, abs = 0;
        for (int c = 0; c < h; c++) {
          double t = w[c] * Math.tanh((double) p[i * h + c] + rr[j * h + c]);
          acc += t;
          abs += Math.abs(t);
        }
        s[i * nk + j] = acc;
        cond[i * nk + j] = abs;
      }
    }
    return new double[][] {s, cond};
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void additiveScoresMatchFloat64AndScalar(PanamaKernels simd) {
    Random r = new Random(9);
    int s = SIZES.length;
    for (int i = 0; i < s; i++) {
      int nq = SIZES[i], nk = SIZES[(i + 3) % s], h = SIZES[(i + 7) % s];
      float[] p = gaussian(r, nq * h, 1), rr = gaussian(r, nk * h, 1), w = gaussian(r, h, 1);
      MemorySegment out = mem.garbage(nq * nk);
      simd.additiveScores(mem.floats(p), mem.floats(rr), mem.floats(w), out, nq, nk, h);
      double[][] ref = memo("additive " + i, () -> additiveOracle(p, rr, w, nq, nk, h));
      float[] scalar = memo("additive scalar " + i, () -> {
        float[] sc = new float[nq * nk];
        SCALAR.additiveScores(MemorySegment.ofArray(p), MemorySegment.ofArray(rr), MemorySegment.ofArray(w), MemorySegment.ofArray(sc),
            nq, nk, h);
        return sc;
      });
      String what = "additive scores nq=" + nq + " nk=" + nk + " h=" + h;
      float[] got = read(out);
      SimdTolerances.assertSums(got, ref[0], ref[1], what + " vs float64");
      SimdTolerances.assertSums(got, Float64Oracles.toDouble(scalar), ref[1], what + " vs scalar kernels");
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void additiveScoresSaturateExactlyWithHugeInputs(PanamaKernels simd) {
    MemorySegment out = mem.garbage(2);
    simd.additiveScores(mem.floats(new float[] {1e30f, -1e30f}), mem.floats(new float[] {0, 0}), mem.floats(new float[] {2, 3}),
        out, 1, 1, 2);
    float sat = FloatMath.tanhFast(Float.MAX_VALUE);                              // the clamp: within 4.2e-7 of 1, never above
    assertTrue(sat <= 1f && sat >= 1f - 4.2e-7f, "saturated fast tanh, got " + sat);
    assertEquals(-sat, read(out)[0], "2·tanh(huge) + 3·tanh(−huge), exactly −tanh(huge): the fast tanh is odd");
    MemorySegment many = mem.garbage(40);                                         // every lane saturates, both signs
    float[] p = new float[2 * 20];
    for (int j = 0; j < p.length; j++) p[j] = j % 2 == 0 ? Float.MAX_VALUE : -Float.MAX_VALUE;
    simd.additiveScores(mem.floats(p), mem.floats(new float[20]), mem.floats(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1}), many, 2, 1, 20);
    assertArrayEquals(new float[] {0, 0}, Arrays.copyOf(read(many), 2));
  }

  private static double[] additiveLoss(double[] p, double[] rr, double[] w, double[] g, int nq, int nk, int h) {
    double[] s = new double[1];
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        double acc = 0;
        for (int c = 0; c < h; c++) acc += w[c] * Math.tanh(p[i * h + c] + rr[j * h + c]);
        s[0] += g[i * nk + j] * acc;
      }
    }
    return s;
  }


  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void additiveBackwardMatchesScalarAndCentralDifferences(PanamaKernels simd) {
    Random r = new Random(10);
    int s = SIZES.length;
    for (int i = 0; i < s; i++) {
      int nq = SIZES[i], nk = SIZES[(i + 3) % s], h = SIZES[(i + 7) % s] % 40 + 1;
      float[] p = gaussian(r, nq * h, 1), rr = gaussian(r, nk * h, 1), w = gaussian(r, h, 1), g = gaussian(r, nq * nk, 1);
      for (int z = 0; z < g.length; z += 3) g[z] = 0;                               // zero upstream gradients are skipped
      MemorySegment dP = mem.garbage(nq * h), dR = mem.garbage(nk * h), dw = mem.garbage(h);
      simd.additiveBackward(mem.floats(p), mem.floats(rr), mem.floats(w), mem.floats(g), dP, dR, dw, nq, nk, h);
      float[][] ref = memo("additive backward " + i, () -> {
        float[][] out = {new float[nq * h], new float[nk * h], new float[h]};
        SCALAR.additiveBackward(MemorySegment.ofArray(p), MemorySegment.ofArray(rr), MemorySegment.ofArray(w), MemorySegment.ofArray(g),
            MemorySegment.ofArray(out[0]), MemorySegment.ofArray(out[1]), MemorySegment.ofArray(out[2]), nq, nk, h);
        return out;
      });
      float[] sp = ref[0], sr = ref[1], sw = ref[2];
      String what = "additive backward nq=" + nq + " nk=" + nk + " h=" + h;
      float[] gp = read(dP), gr = read(dR), gw = read(dw);
      SimdTolerances.assertGradient(gp, Float64Oracles.toDouble(sp), what + ": dP vs scalar kernels");
      SimdTolerances.assertGradient(gr, Float64Oracles.toDouble(sr), what + ": dR vs scalar kernels");
      SimdTolerances.assertGradient(gw, Float64Oracles.toDouble(sw), what + ": dw vs scalar kernels");
      if ((long) nq * nk * h < 60_000) {
        double[] pd = Float64Oracles.toDouble(p), rd = Float64Oracles.toDouble(rr), wd = Float64Oracles.toDouble(w);
        double[] gd = Float64Oracles.toDouble(g);
        int[] cp = coords(r, pd.length, 20), cr = coords(r, rd.length, 20), cw = coords(r, wd.length, 20);
        double[][] fd = memo("additive central " + i, () -> new double[][] {
            SimdTolerances.central(x -> additiveLoss(x, rd, wd, gd, nq, nk, h)[0], pd, cp),
            SimdTolerances.central(x -> additiveLoss(pd, x, wd, gd, nq, nk, h)[0], rd, cr),
            SimdTolerances.central(x -> additiveLoss(pd, rd, x, gd, nq, nk, h)[0], wd, cw)});
        SimdTolerances.assertCentral(gp, cp, fd[0], what + ": dP");
        SimdTolerances.assertCentral(gr, cr, fd[1], what + ": dR");
        SimdTolerances.assertCentral(gw, cw, fd[2], what + ": dw");
      }
    }
  }

  // ---- top-k ------------------------------------------------------------------------------------

  /** Float64 scores and Σ|terms| per (query, key), and every id ranked by (score descending, id ascending). */
  private static int[][] ranking(float[] keys, int n, int d, float[] queries, int nq, double[][] scores, double[][] cond) {
    int[][] ids = new int[nq][];
    for (int i = 0; i < nq; i++) {
      double[] sc = new double[n], ab = new double[n];
      for (int j = 0; j < n; j++) {
        for (int c = 0; c < d; c++) {
          double t = (double) queries[i * d + c] * keys[j * d + c];
          sc[j] += t;
          ab[j] += Math.abs(t);
        }
      }
      ids[i] = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble((Integer j) -> -sc[j]).thenComparingInt(j -> j))
          .mapToInt(Integer::intValue).toArray();
      scores[i] = sc;
      cond[i] = ab;
    }
    return ids;
  }

  /**
   * Ids must equal the float64 ranking's (and the scalar kernel's) wherever that ranking is decided
   * by more than the float32 error: both neighbours in the full ranking at least 1e-4·(1 + Σ|terms|)
   * away. Inputs of small integers are exact in float32, ties included, and must match everywhere.
   * Scores within the sum tolerance, ids distinct, best first.
   */
  private void checkTopK(PanamaKernels simd, float[] keys, int n, int d, float[] queries, int nq, int k, boolean exact,
      String what) {
    double[][] sc = new double[nq][], cond = new double[nq][];
    int[][] full = ranking(keys, n, d, queries, nq, sc, cond);
    MemorySegment ids = mem.garbage(nq * k), scores = mem.garbage(nq * k);
    simd.topK(mem.floats(keys), n, d, mem.floats(queries), nq, k, ids, scores);
    MemorySegment sIds = MemorySegment.ofArray(new int[nq * k]), sScores = MemorySegment.ofArray(new float[nq * k]);
    SCALAR.topK(MemorySegment.ofArray(keys), n, d, MemorySegment.ofArray(queries), nq, k, sIds, sScores);
    int[] got = readInts(ids), scalarIds = readInts(sIds);
    float[] gotScores = read(scores);
    for (int i = 0; i < nq; i++) {
      int[] rank = full[i];
      double[] s = sc[i];
      for (int c = 0; c < k; c++) {
        int id = got[i * k + c];
        String at = what + " (n=" + n + ", d=" + d + ", k=" + k + "): query " + i + ", rank " + c;
        double margin = 1e-4 * (1 + cond[i][rank[c]]);
        boolean decided = (c == 0 || s[rank[c - 1]] - s[rank[c]] > margin) && (c + 1 >= n || s[rank[c]] - s[rank[c + 1]] > margin);
        if (exact || decided) {
          assertEquals(rank[c], id, at + ": id vs the float64 ranking");
          assertEquals(scalarIds[i * k + c], id, at + ": id vs scalar kernels");
        }
        assertTrue(id >= 0 && id < n, at + ": id in range, got " + id);
        assertTrue(Math.abs(gotScores[i * k + c] - s[id]) <= SimdTolerances.SUM_ATOL + SimdTolerances.SUM_RTOL * cond[i][id],
            at + ": score " + gotScores[i * k + c] + " of id " + id + ", float64 " + s[id]);
        if (c > 0) assertTrue(gotScores[i * k + c - 1] >= gotScores[i * k + c], at + ": best first");
      }
      assertEquals(k, Arrays.stream(got, i * k, (i + 1) * k).distinct().count(), what + ": distinct ids for query " + i);
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void topKBestFirstOnAwkwardSizes(PanamaKernels simd) {
    Random r = new Random(11);
    for (int n : SIZES) {
      int d = 1 + n % 9, nq = 5;
      float[] keys = gaussian(r, n * d, 1), queries = gaussian(r, nq * d, 1);
      for (int k : new int[] {1, Math.min(5, n), n}) checkTopK(simd, keys, n, d, queries, nq, k, false, "gaussian");
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void topKBreaksExactTiesByLowerIndexAcrossChunks(PanamaKernels simd) {
    Random r = new Random(12);
    for (int n : new int[] {1, 3, 17, 64, 207, PanamaKernels.TOPK_CHUNK + 1, 2 * PanamaKernels.TOPK_CHUNK + 77}) {
      int d = 4, nq = 6;
      float[] keys = new float[n * d], queries = new float[nq * d];
      for (int i = 0; i < keys.length; i++) keys[i] = r.nextInt(3) - 1;            // small integers: many exact ties
      for (int i = 0; i < queries.length; i++) queries[i] = r.nextInt(3) - 1;
      for (int k : new int[] {1, Math.min(3, n), Math.min(10, n), Math.min(300, n)}) checkTopK(simd, keys, n, d, queries, nq, k, true, "ties");
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void topKAllEqualAndAllNegativeScores(PanamaKernels simd) {
    int n = 17, d = 3;
    float[] keys = new float[n * d];
    Arrays.fill(keys, 1f);
    MemorySegment ids = mem.garbage(n), scores = mem.garbage(n);
    simd.topK(mem.floats(keys), n, d, mem.floats(new float[] {1, 1, 1}), 1, n, ids, scores);
    assertArrayEquals(IntStream.range(0, n).toArray(), readInts(ids));
    MemorySegment ids5 = mem.garbage(5), scores5 = mem.garbage(5);
    simd.topK(mem.floats(keys), n, d, mem.floats(new float[] {-1, -1, -1}), 1, 5, ids5, scores5);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, readInts(ids5), "negative ties too");
    MemorySegment ids3 = mem.garbage(3), scores3 = mem.garbage(3);
    simd.topK(mem.floats(new float[] {-1, -5, -2, -4, -3}), 5, 1, mem.floats(new float[] {1}), 1, 3, ids3, scores3);
    assertArrayEquals(new int[] {0, 2, 4}, readInts(ids3));
    assertArrayEquals(new float[] {-1, -2, -3}, read(scores3));
  }

  // ---- DTW --------------------------------------------------------------------------------------

  /**
   * The table row by row with {@code kernels}: costs in one Arrow buffer (a slice per row), rows in
   * two Arrow buffers used in turn; the first row's prev and every cur start as NaN garbage.
   */
  private double[][] dtwByRows(org.attention4j.api.spi.Kernels kernels, float[] cost, int n, int m, int[] lo, int[] hi) {
    double[] nan = new double[m];
    Arrays.fill(nan, Double.NaN);
    MemorySegment costs = mem.floats(cost), a = mem.doubles(nan), b = mem.doubles(nan);
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      MemorySegment prev = i % 2 == 0 ? a : b, cur = i % 2 == 0 ? b : a;
      cur.copyFrom(MemorySegment.ofArray(nan));
      kernels.dtwRow(prev, costs.asSlice(4L * i * m, 4L * m), cur, m, lo[i], hi[i], i == 0);
      out[i] = readDoubles(cur);
    }
    return out;
  }

  private void checkDtw(PanamaKernels simd, float[] cost, int n, int m, int[] lo, int[] hi, String what) {
    double[][] expected = dtwByRows(SCALAR, cost, n, m, lo, hi), got = dtwByRows(simd, cost, n, m, lo, hi);
    for (int i = 0; i < n; i++) {
      int row = i;
      assertArrayEquals(expected[i], got[i], () -> what + ": row " + row + " of " + n + "x" + m + " equals the scalar kernel's bits");
    }
  }

  private static int[] fill(int n, int v) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void dtwRowsEqualTheScalarKernelBitForBit(PanamaKernels simd) {
    Random r = new Random(13);
    int s = SIZES.length;
    for (int i = 0; i < s; i++) {
      int n = SIZES[i], m = SIZES[(i + 6) % s];
      float[] cost = new float[n * m];
      for (int c = 0; c < cost.length; c++) cost[c] = r.nextFloat() * 4 - (c % 7 == 0 ? 1 : 0);
      checkDtw(simd, cost, n, m, fill(n, 0), fill(n, m), "full");
      checkDtw(simd, cost, m, n, fill(m, 0), fill(m, n), "full, transposed shape");
      for (int w : new int[] {0, 1, 3, 10}) {
        int[] lo = new int[n], hi = new int[n];
        for (int row = 0; row < n; row++) {
          double centre = (double) row * m / n;
          lo[row] = (int) Math.max(0, Math.ceil(centre - w));
          hi[row] = (int) Math.min(m, Math.floor(centre + w) + 1);
        }
        checkDtw(simd, cost, n, m, lo, hi, "band " + w);
      }
      int[] lo = new int[n], hi = new int[n];
      for (int row = 0; row < n; row++) {
        lo[row] = r.nextInt(m);
        hi[row] = lo[row] + 1 + r.nextInt(m - lo[row]);
      }
      checkDtw(simd, cost, n, m, lo, hi, "random windows");
      lo[0] = Math.min(1, m - 1);
      checkDtw(simd, cost, n, m, lo, hi, "first row without the origin");
    }
    checkDtw(simd, new float[] {1, 2, 3}, 1, 3, new int[] {2}, new int[] {2}, "empty window");
  }
}
