package org.attention4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import org.attention4j.api.spi.Kernels;

/**
 * Checks that the ONNX Runtime peers compute what the benchmarks compare them with: runs each
 * {@code ort:1} / {@code ortmm:1} attention graph and the matmul graph on ORT's own random inputs,
 * runs the scalar kernels on the same numbers (re-laid per head), and prints the largest absolute
 * difference; exits 1 above 1e-4 (float32 sums over n_k ≤ 4096 terms of values in [-1, 1)).
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp attention-bench/target/benchmarks.jar org.attention4j.bench.PeerCheck [shape ...]</pre>
 */
public final class PeerCheck {
  private static final double TOLERANCE = 1e-4;

  private PeerCheck() {}

  public static void main(String[] args) {
    String[] shapes = args.length > 0 ? args : new String[] {"512x512x64x8", "2048x2048x64x1", "1x4096x128x32"};
    Kernels scalar = Shapes.kernels("scalar");
    boolean ok = true;
    for (String shape : shapes) {
      int[] s = Shapes.dims(shape);
      for (String spec : new String[] {"ort:1", "ortmm:1"}) ok &= checkAttention(scalar, spec, s[0], s[1], s[2], s[3]);
    }
    ok &= checkMatmul(scalar, 512, 512, 64);
    System.exit(ok ? 0 : 1);
  }

  private static boolean checkAttention(Kernels scalar, String spec, int nq, int nk, int d, int heads) {
    boolean bsd = spec.startsWith("ort:"); // MHA: query and output [1, nq, heads·d]; else [heads, nq, d]
    try (OrtPeer ort = OrtPeer.attention(spec, nq, nk, d, heads); Arena arena = Arena.ofConfined()) {
      ort.run();
      FloatBuffer q = ort.buffer("query"), k = ort.buffer("key"), v = ort.buffer("value"), o = ort.buffer("output");
      double maxDiff = 0;
      for (int h = 0; h < heads; h++) {
        MemorySegment qh = arena.allocate(ValueLayout.JAVA_FLOAT, (long) nq * d);
        MemorySegment kh = arena.allocate(ValueLayout.JAVA_FLOAT, (long) nk * d);
        MemorySegment vh = arena.allocate(ValueLayout.JAVA_FLOAT, (long) nk * d);
        MemorySegment oh = arena.allocate(ValueLayout.JAVA_FLOAT, (long) nq * d);
        for (int i = 0; i < nq; i++) {
          for (int c = 0; c < d; c++) qh.setAtIndex(ValueLayout.JAVA_FLOAT, (long) i * d + c, q.get(index(bsd, h, i, c, nq, d, heads)));
        }
        for (int j = 0; j < nk; j++) {
          for (int c = 0; c < d; c++) {
            int at = (h * nk + j) * d + c; // key and value are [.., heads, nk, d] in both graphs
            kh.setAtIndex(ValueLayout.JAVA_FLOAT, (long) j * d + c, k.get(at));
            vh.setAtIndex(ValueLayout.JAVA_FLOAT, (long) j * d + c, v.get(at));
          }
        }
        scalar.attentionForward(qh, kh, vh, oh, null, nq, nk, d, d, (float) (1 / Math.sqrt(d)), null);
        for (int i = 0; i < nq; i++) {
          for (int c = 0; c < d; c++) {
            double diff = Math.abs(oh.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * d + c) - o.get(index(bsd, h, i, c, nq, d, heads)));
            maxDiff = Math.max(maxDiff, diff);
          }
        }
      }
      return report(spec + " " + nq + "x" + nk + "x" + d + "x" + heads, maxDiff);
    }
  }

  private static int index(boolean bsd, int h, int i, int c, int nq, int d, int heads) {
    return bsd ? (i * heads + h) * d + c : (h * nq + i) * d + c;
  }

  private static boolean checkMatmul(Kernels scalar, int m, int n, int k) {
    try (OrtPeer ort = OrtPeer.matmul("ort:1", m, n, k); Arena arena = Arena.ofConfined()) {
      ort.run();
      MemorySegment a = copy(arena, ort.buffer("a")), b = copy(arena, ort.buffer("b"));
      MemorySegment c = arena.allocate(ValueLayout.JAVA_FLOAT, (long) m * n);
      scalar.matmul(a, false, b, true, c, m, n, k, 1f, 0f);
      FloatBuffer o = ort.buffer("c");
      double maxDiff = 0;
      for (int i = 0; i < m * n; i++) maxDiff = Math.max(maxDiff, Math.abs(c.getAtIndex(ValueLayout.JAVA_FLOAT, i) - o.get(i)));
      return report("matmul ort:1 " + m + "x" + n + "x" + k, maxDiff);
    }
  }

  private static MemorySegment copy(Arena arena, FloatBuffer b) {
    MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT, b.capacity());
    for (int i = 0; i < b.capacity(); i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, b.get(i));
    return s;
  }

  private static boolean report(String what, double maxDiff) {
    boolean ok = maxDiff <= TOLERANCE;
    System.out.printf("%-36s max |ours - ort| = %.3g  %s%n", what, maxDiff, ok ? "ok" : "FAIL (> " + TOLERANCE + ")");
    return ok;
  }
}
