package org.attention4j.timeseries.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;

/**
 * Parameters that make the two scorer families similarity functions of equal peak, so that a
 * window attends to windows of the same shape before any training:
 * <ul>
 *   <li>{@code bilinear}: W = I/√D, i.e. the scaled dot product; s(e, e) = ‖e‖²/√D ≈ √D for a
 *       standardised window of width D.</li>
 *   <li>{@code additive} with h = 2m units: rows a_r ~ N(0, γ²/D) (r &lt; m), W_q = [A; −A],
 *       W_k = [−A; A], b = β, v = √D / (h tanh β). Then
 *       s(q, k) = Σ_r v [tanh(β + a_r·(q − k)) + tanh(β − a_r·(q − k))] depends on q − k only, is
 *       even in it, peaks at q = k with s = √D and falls towards 0 as the windows differ (the pair
 *       tanh(β + x) + tanh(β − x) is decreasing in |x| for β &gt; 0); bounded by ‖v‖₁ as every
 *       additive score.</li>
 * </ul>
 */
public final class SimilarityParameters {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  /** The bias β of the additive construction. */
  public static final double BETA = 1.0;
  /** The gain γ of the additive construction. */
  public static final double GAIN = 1.0;

  private SimilarityParameters() {}

  /** True when a similarity construction exists for {@code scorerId}. */
  public static boolean supports(String scorerId) { return scorerId.equals("bilinear") || scorerId.equals("additive"); }

  /** The parameters for {@code scorerId} at width {@code width}; {@code h} (even, ≥ 2) for additive. */
  public static ParameterSet create(String scorerId, int width, int h, long seed, BufferAllocator allocator) {
    ParameterSet p = new ParameterSet();
    try {
      switch (scorerId) {
        case "bilinear" -> {
          float[] w = new float[width * width];
          for (int i = 0; i < width; i++) w[i * width + i] = (float) (1 / Math.sqrt(width));
          p.put("W", DenseMatrices.of(allocator, "W", width, width, w));
        }
        case "additive" -> {
          if (h < 2 || h % 2 != 0) throw new IllegalArgumentException("h: expected an even hidden size >= 2, got " + h);
          int m = h / 2;
          Random r = new Random(seed);
          float[] wq = new float[h * width], wk = new float[h * width];
          for (int a = 0; a < m; a++) {
            for (int c = 0; c < width; c++) {
              float x = (float) (r.nextGaussian() * GAIN / Math.sqrt(width));
              wq[a * width + c] = x;
              wk[a * width + c] = -x;
              wq[(a + m) * width + c] = -x;
              wk[(a + m) * width + c] = x;
            }
          }
          p.put("W_q", DenseMatrices.of(allocator, "W_q", h, width, wq));
          p.put("W_k", DenseMatrices.of(allocator, "W_k", h, width, wk));
          p.put("v", filled(allocator, "v", h, Math.sqrt(width) / (h * Math.tanh(BETA))));
          p.put("b", filled(allocator, "b", h, BETA));
        }
        default -> throw new IllegalArgumentException("init: expected a scorer with a similarity construction (additive, "
            + "bilinear), got '" + scorerId + "'");
      }
      return p;
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  private static org.apache.arrow.vector.complex.FixedSizeListVector filled(BufferAllocator a, String name, int n, double value) {
    var v = DenseMatrices.allocateShaped(a, name, n);
    MemorySegment s = DenseMatrices.segment(v);
    for (int i = 0; i < n; i++) s.setAtIndex(F, i, (float) value);
    return v;
  }
}
