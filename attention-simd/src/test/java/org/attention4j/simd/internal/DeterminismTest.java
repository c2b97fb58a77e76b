package org.attention4j.simd.internal;

import static org.attention4j.simd.internal.SimdTestSupport.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import jdk.incubator.vector.VectorShape;
import org.attention4j.api.Mask;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One thread and two threads give bitwise identical results (each output element is computed by
 * one thread, in a fixed order, and the split depends on the shapes only), at every width, for
 * every op that runs in parallel. Shapes are large enough to take the parallel path.
 */
class DeterminismTest {
  static Stream<Integer> widths() { return IntStream.of(SimdTestSupport.WIDTHS).boxed(); }

  private static final Map<String, PanamaKernels> KERNELS = new ConcurrentHashMap<>();

  private static PanamaKernels kernels(int bits, int threads) {
    return KERNELS.computeIfAbsent(bits + "/" + threads, key -> new PanamaKernels(VectorShape.forBitSize(bits), threads));
  }

  /** Runs {@code op} on one-thread and two-thread kernels (fresh heap outputs) and compares the bits. */
  private static void sameBits(int bits, String what, int outFloats, Consumer<Object[]> op) {
    float[] one = new float[outFloats], two = new float[outFloats];
    op.accept(new Object[] {kernels(bits, 1), MemorySegment.ofArray(one)});
    op.accept(new Object[] {kernels(bits, 2), MemorySegment.ofArray(two)});
    assertArrayEquals(one, two, what + " at " + bits + " bits: 1 and 2 threads differ");
  }

  private static PanamaKernels k(Object[] x) { return (PanamaKernels) x[0]; }

  private static MemorySegment out(Object[] x) { return (MemorySegment) x[1]; }

  @ParameterizedTest(name = "{0} bits") @MethodSource("widths")
  void attentionForwardTiledAndDecode(int bits) {
    Random r = new Random(1);
    for (int[] sh : new int[][] {{207, 300, 64, 33}, {2, 4000, 128, 128}, {1, 1025, 17, 64}, {130, 1300, 16, 8}}) {
      int nq = sh[0], nk = sh[1], d = sh[2], dv = sh[3];
      MemorySegment q = MemorySegment.ofArray(gaussian(r, nq * d, 1)), k = MemorySegment.ofArray(gaussian(r, nk * d, 1));
      MemorySegment v = MemorySegment.ofArray(gaussian(r, nk * dv, 1)), mask = Mask.causal().toSegment(nq, nk);
      float scale = (float) (1 / Math.sqrt(d));
      String shape = "attention " + nq + "x" + nk + " d=" + d + " dv=" + dv;
      sameBits(bits, shape + " output", nq * dv, x -> k(x).attentionForward(q, k, v, out(x), null, nq, nk, d, dv, scale, mask));
      sameBits(bits, shape + " weights", nq * nk, x -> k(x).attentionForward(q, k, v, MemorySegment.ofArray(new float[nq * dv]),
          out(x), nq, nk, d, dv, scale, null));
    }
  }

  @ParameterizedTest(name = "{0} bits") @MethodSource("widths")
  void matmulSoftmaxBackwardAdditiveAndTopK(int bits) {
    Random r = new Random(2);
    int m = 130, n = 150, kk = 140;
    MemorySegment a = MemorySegment.ofArray(gaussian(r, m * kk, 1)), b = MemorySegment.ofArray(gaussian(r, kk * n, 1));
    sameBits(bits, "matmul", m * n, x -> k(x).matmul(a, true, b, true, out(x), m, n, kk, 1f, 0f));
    MemorySegment s = MemorySegment.ofArray(gaussian(r, m * n, 3));
    sameBits(bits, "softmax", m * n, x -> k(x).softmaxRows(s, out(x), m, n, 0.5f, Mask.causal().toSegment(m, n)));
    int nq = 70, nk = 90, d = 24, dv = 20;
    MemorySegment q = MemorySegment.ofArray(gaussian(r, nq * d, 1)), k = MemorySegment.ofArray(gaussian(r, nk * d, 1));
    MemorySegment v = MemorySegment.ofArray(gaussian(r, nk * dv, 1)), g = MemorySegment.ofArray(gaussian(r, nq * dv, 1));
    sameBits(bits, "attention backward dK", nk * d, x -> k(x).attentionBackward(q, k, v, g,
        MemorySegment.ofArray(new float[nq * d]), out(x), MemorySegment.ofArray(new float[nk * dv]), nq, nk, d, dv, 0.2f, null));
    int h = 40;
    MemorySegment p = MemorySegment.ofArray(gaussian(r, nq * h, 1)), rr = MemorySegment.ofArray(gaussian(r, nk * h, 1));
    MemorySegment w = MemorySegment.ofArray(gaussian(r, h, 1));
    sameBits(bits, "additive scores", nq * nk, x -> k(x).additiveScores(p, rr, w, out(x), nq, nk, h));
    int keys = 2 * PanamaKernels.TOPK_CHUNK + 5, dim = 16, queries = 9, top = 12;
    MemorySegment kv = MemorySegment.ofArray(gaussian(r, keys * dim, 1)), qv = MemorySegment.ofArray(gaussian(r, queries * dim, 1));
    sameBits(bits, "top-k scores", queries * top, x -> k(x).topK(kv, keys, dim, qv, queries, top,
        MemorySegment.ofArray(new int[queries * top]), out(x)));
    int[] ids1 = new int[queries * top], ids2 = new int[queries * top];
    kernels(bits, 1).topK(kv, keys, dim, qv, queries, top, MemorySegment.ofArray(ids1), MemorySegment.ofArray(new float[queries * top]));
    kernels(bits, 2).topK(kv, keys, dim, qv, queries, top, MemorySegment.ofArray(ids2), MemorySegment.ofArray(new float[queries * top]));
    assertArrayEquals(ids1, ids2, "top-k ids: 1 and 2 threads differ");
  }

  @ParameterizedTest(name = "{0} bits") @MethodSource("widths")
  void fusedAdditiveAdditiveBackwardAndManyPairsDtw(int bits) {
    Random r = new Random(3);
    int nq = 70, nk = 150, h = 40, dv = 20;
    MemorySegment p = MemorySegment.ofArray(gaussian(r, nq * h, 1)), rr = MemorySegment.ofArray(gaussian(r, nk * h, 1));
    MemorySegment w = MemorySegment.ofArray(gaussian(r, h, 0.2)), v = MemorySegment.ofArray(gaussian(r, nk * dv, 1));
    MemorySegment g = MemorySegment.ofArray(gaussian(r, nq * nk, 1)), mask = Mask.causal().toSegment(nq, nk);
    sameBits(bits, "fused additive output", nq * dv, x -> k(x).additiveAttentionForward(p, rr, w, v, out(x), null, nq, nk, h, dv,
        1f, mask));
    sameBits(bits, "additive backward dR", nk * h, x -> k(x).additiveBackward(p, rr, w, g, MemorySegment.ofArray(new float[nq * h]),
        out(x), MemorySegment.ofArray(new float[h]), nq, nk, h));
    sameBits(bits, "additive backward dw", h, x -> k(x).additiveBackward(p, rr, w, g, MemorySegment.ofArray(new float[nq * h]),
        MemorySegment.ofArray(new float[nk * h]), out(x), nq, nk, h));
    int pairs = 37, n = 60, m = 50;
    MemorySegment xs = MemorySegment.ofArray(gaussian(r, pairs * n, 1)), ys = MemorySegment.ofArray(gaussian(r, pairs * m, 1));
    double[] one = new double[pairs], two = new double[pairs];
    kernels(bits, 1).dtwDistances(xs, ys, pairs, n, m, 1, 5, MemorySegment.ofArray(one));
    kernels(bits, 2).dtwDistances(xs, ys, pairs, n, m, 1, 5, MemorySegment.ofArray(two));
    assertArrayEquals(one, two, "many-pairs DTW: 1 and 2 threads differ");
  }
}
