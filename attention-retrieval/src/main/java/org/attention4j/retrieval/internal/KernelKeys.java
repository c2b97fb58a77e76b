package org.attention4j.retrieval.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * The keys as the inner-product top-k kernel sees them, for each metric:
 * <ul>
 *   <li>ip: the keys themselves (no copy);</li>
 *   <li>cos: unit keys k/‖k‖ (rounded to float32), so qᵀk̂ ranks like the cosine;</li>
 *   <li>l2: centred keys with one more column, [k − μ, −‖k − μ‖²/2], against queries [q − μ, 1]:
 *   the inner product is (‖q − μ‖² − ‖q − k‖²)/2, which ranks like the distance. Centring (μ = the
 *   keys' mean, rounded to float32; any translation leaves distances unchanged) keeps the
 *   augmented column small, so float32 cancellation stays small.</li>
 * </ul>
 * Copies live in a shared arena off the heap (n·d' floats), built in parallel; {@link #maxNorm()} is
 * the largest float64 norm of a kernel key, for the kernel's error bound.
 */
public final class KernelKeys implements AutoCloseable {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** The metric the copy is for. */
  public enum Kind { IP, COS, L2 }

  private final Kind kind;
  private final MemorySegment segment;
  private final int n;
  private final int dim;
  private final float[] center;
  private final double maxNorm;
  private final Arena arena;

  private KernelKeys(Kind kind, MemorySegment segment, int n, int dim, float[] center, double maxNorm, Arena arena) {
    this.kind = kind;
    this.segment = segment;
    this.n = n;
    this.dim = dim;
    this.center = center;
    this.maxNorm = maxNorm;
    this.arena = arena;
  }

  /**
   * Prepares the kernel keys of {@code keys} [n, d] with float64 norms {@code norms}; under cos a
   * zero-norm key is refused, naming {@code argument} and the row.
   */
  public static KernelKeys prepare(Kind kind, MemorySegment keys, int n, int d, double[] norms, String argument) {
    int blocks = Math.max(1, (int) Math.min(256, (long) n * d / 65536));
    switch (kind) {
      case IP -> {
        double m = 0;
        for (double x : norms) m = Math.max(m, x);
        return new KernelKeys(kind, keys, n, d, null, m, null);
      }
      case COS -> {
        for (int i = 0; i < n; i++) {
          if (norms[i] == 0) {
            throw new IllegalArgumentException(argument + ": expected non-zero rows under cos, got a zero-norm row at " + i);
          }
        }
        Arena arena = Arena.ofShared();
        MemorySegment out = arena.allocate((long) n * d * Float.BYTES, 64);
        double[] maxes = new double[blocks];
        IntStream.range(0, blocks).parallel().forEach(b -> {
          int lo = (int) ((long) n * b / blocks), hi = (int) ((long) n * (b + 1) / blocks);
          float[] row = new float[d];
          double m = 0;
          for (int i = lo; i < hi; i++) {
            MemorySegment.copy(keys, F, (long) i * d * Float.BYTES, row, 0, d);
            double inv = 1 / norms[i], s = 0;
            for (int c = 0; c < d; c++) {
              row[c] = (float) (row[c] * inv);
              s += (double) row[c] * row[c];
            }
            m = Math.max(m, Math.sqrt(s));
            MemorySegment.copy(row, 0, out, F, (long) i * d * Float.BYTES, d);
          }
          maxes[b] = m;
        });
        double m = 0;
        for (double x : maxes) m = Math.max(m, x);
        return new KernelKeys(kind, out, n, d, null, m, arena);
      }
      case L2 -> {
        double[][] partial = new double[blocks][d];
        IntStream.range(0, blocks).parallel().forEach(b -> {
          int lo = (int) ((long) n * b / blocks), hi = (int) ((long) n * (b + 1) / blocks);
          double[] sum = partial[b];
          for (int i = lo; i < hi; i++) {
            for (int c = 0; c < d; c++) sum[c] += keys.getAtIndex(F, (long) i * d + c);
          }
        });
        float[] mu = new float[d];
        for (int c = 0; c < d; c++) {
          double s = 0;
          for (double[] p : partial) s += p[c];
          mu[c] = (float) (s / n);
        }
        int dp = d + 1;
        Arena arena = Arena.ofShared();
        MemorySegment out = arena.allocate((long) n * dp * Float.BYTES, 64);
        double[] maxes = new double[blocks];
        IntStream.range(0, blocks).parallel().forEach(b -> {
          int lo = (int) ((long) n * b / blocks), hi = (int) ((long) n * (b + 1) / blocks);
          float[] row = new float[dp];
          double m = 0;
          for (int i = lo; i < hi; i++) {
            MemorySegment.copy(keys, F, (long) i * d * Float.BYTES, row, 0, d);
            double s = 0;
            for (int c = 0; c < d; c++) {
              row[c] = row[c] - mu[c];
              s += (double) row[c] * row[c];
            }
            row[d] = (float) (-s / 2);
            m = Math.max(m, Math.sqrt(s + (double) row[d] * row[d]));
            MemorySegment.copy(row, 0, out, F, (long) i * dp * Float.BYTES, dp);
          }
          maxes[b] = m;
        });
        double m = 0;
        for (double x : maxes) m = Math.max(m, x);
        return new KernelKeys(kind, out, n, dp, mu, m, arena);
      }
      default -> throw new IllegalStateException("kind: expected ip, cos or l2, got " + kind);
    }
  }

  /** The kernel keys, n·{@link #dim()} floats. */
  public MemorySegment segment() { return segment; }

  /** d' = d (ip, cos) or d + 1 (l2). */
  public int dim() { return dim; }

  /** n. */
  public int size() { return n; }

  /** The largest float64 norm of a kernel key. */
  public double maxNorm() { return maxNorm; }

  /** The l2 centre μ (float32), or null. */
  public float[] center() { return center; }

  /**
   * Writes the kernel form of query {@code q} (d floats) to {@code out} at {@code offset} (d' floats)
   * and returns its float64 norm; under cos a zero query is refused, naming {@code argument} and the row.
   */
  public double queryInto(float[] q, int qOffset, int d, float[] out, int offset, String argument, int row) {
    switch (kind) {
      case IP -> {
        double s = 0;
        for (int c = 0; c < d; c++) {
          out[offset + c] = q[qOffset + c];
          s += (double) q[qOffset + c] * q[qOffset + c];
        }
        return Math.sqrt(s);
      }
      case COS -> {
        double s = 0;
        for (int c = 0; c < d; c++) s += (double) q[qOffset + c] * q[qOffset + c];
        if (s == 0) throw new IllegalArgumentException(argument + ": expected non-zero rows under cos, got a zero-norm row at " + row);
        double inv = 1 / Math.sqrt(s), t = 0;
        for (int c = 0; c < d; c++) {
          out[offset + c] = (float) (q[qOffset + c] * inv);
          t += (double) out[offset + c] * out[offset + c];
        }
        return Math.sqrt(t);
      }
      case L2 -> {
        double s = 1;
        for (int c = 0; c < d; c++) {
          out[offset + c] = q[qOffset + c] - center[c];
          s += (double) out[offset + c] * out[offset + c];
        }
        out[offset + d] = 1f;
        return Math.sqrt(s);
      }
      default -> throw new IllegalStateException("kind: expected ip, cos or l2, got " + kind);
    }
  }

  @Override public void close() {
    if (arena != null) arena.close();
  }
}
