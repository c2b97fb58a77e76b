package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.ParameterSet;
import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * Gradient clipping, applied in place before an optimiser step:
 * <ul>
 *   <li>{@link #byGlobalNorm(double) byGlobalNorm(c)}: when the global L2 norm ‖g‖ over every tensor
 *       exceeds c, every entry is multiplied by c / ‖g‖ (the direction is kept);</li>
 *   <li>{@link #byValue(double) byValue(c)}: every entry is clamped to [−c, c];</li>
 *   <li>{@link #none()}: nothing.</li>
 * </ul>
 * Non-finite gradients are left alone ({@link #apply} returns a non-finite norm for them, and
 * {@link Trainer} stops): clipping never turns a NaN into a number.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Clipping {
  private enum Kind { NONE, GLOBAL_NORM, VALUE }

  private static final Clipping NONE = new Clipping(Kind.NONE, Double.POSITIVE_INFINITY);

  private final Kind kind;
  private final double limit;

  private Clipping(Kind kind, double limit) {
    this.kind = kind;
    this.limit = limit;
  }

  /** No clipping. */
  public static Clipping none() { return NONE; }

  /** Rescale to global L2 norm {@code maxNorm} (&gt; 0) when above it. */
  public static Clipping byGlobalNorm(double maxNorm) {
    if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) {
      throw new IllegalArgumentException("maxNorm: expected a finite number > 0, got " + maxNorm);
    }
    return new Clipping(Kind.GLOBAL_NORM, maxNorm);
  }

  /** Clamp every entry to [−limit, limit] (limit &gt; 0). */
  public static Clipping byValue(double limit) {
    if (!(limit > 0) || !Double.isFinite(limit)) {
      throw new IllegalArgumentException("limit: expected a finite number > 0, got " + limit);
    }
    return new Clipping(Kind.VALUE, limit);
  }

  /**
   * Clips {@code gradients} in place and returns their global L2 norm <em>before</em> clipping
   * (NaN or ∞ when an entry is not finite; then nothing is changed).
   */
  public double apply(ParameterSet gradients) {
    if (gradients == null) throw new IllegalArgumentException("gradients: expected a parameter set, got null");
    double norm = Parameters.globalNorm(gradients);
    if (!Double.isFinite(norm)) return norm;
    switch (kind) {
      case NONE -> { }
      case GLOBAL_NORM -> {
        if (norm > limit) Tensors.scale(gradients, limit / norm);
      }
      case VALUE -> {
        float hi = (float) limit, lo = -hi;
        for (FixedSizeListVector v : gradients.asMap().values()) {
          MemorySegment s = Tensors.seg(v);
          long n = Tensors.size(v);
          for (long i = 0; i < n; i++) {
            float x = s.getAtIndex(Tensors.F, i);
            if (x > hi) s.setAtIndex(Tensors.F, i, hi);
            else if (x < lo) s.setAtIndex(Tensors.F, i, lo);
          }
        }
      }
    }
    return norm;
  }

  @Override public String toString() {
    return switch (kind) {
      case NONE -> "Clipping[none]";
      case GLOBAL_NORM -> "Clipping[global norm <= " + limit + "]";
      case VALUE -> "Clipping[|g| <= " + limit + "]";
    };
  }
}
