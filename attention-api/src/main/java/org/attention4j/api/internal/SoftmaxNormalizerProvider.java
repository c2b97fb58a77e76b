package org.attention4j.api.internal;

import java.lang.foreign.MemorySegment;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.ApiVersion;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;

/** {@code softmax}: A = softmax(S / T) over the allowed keys of each row, max-shifted for stability. */
public final class SoftmaxNormalizerProvider implements NormalizerProvider {
  @Override public String id() { return "softmax"; }

  @Override public String description() { return "softmax over allowed keys, with temperature (stable, empty rows give 0)"; }

  /** The api's own version, also on the class path (where there is no module descriptor to read). */
  @Override public String version() { return ApiVersion.full(); }

  @Override public Normalizer create(ProviderConfig config) { return new Softmax(config.kernels()); }

  /** The softmax normalizer over any kernels. */
  public static Normalizer over(Kernels kernels) { return new Softmax(kernels); }

  private record Softmax(Kernels kernels) implements Normalizer {
    @Override
    public FixedSizeListVector normalize(FixedSizeListVector scores, Mask mask, float temperature,
        BufferAllocator allocator) {
      DenseMatrices.require(scores, "scores", -1);
      checkTemperature(temperature);
      int rows = DenseMatrices.rows(scores), cols = DenseMatrices.cols(scores);
      MemorySegment m = mask.toSegment(rows, cols);
      DenseMatrices.requireFiniteWhereAllowed(scores, "scores", m);       // a NaN would spread over its row unseen
      FixedSizeListVector out = DenseMatrices.allocate(allocator, "weights", rows, cols);
      kernels.softmaxRows(DenseMatrices.segment(scores), DenseMatrices.segment(out), rows, cols, 1f / temperature, m);
      return out;
    }

    @Override
    public FixedSizeListVector backward(FixedSizeListVector weights, FixedSizeListVector dWeights, Mask mask,
        float temperature, BufferAllocator allocator) {
      DenseMatrices.require(weights, "weights", -1);
      int rows = DenseMatrices.rows(weights), cols = DenseMatrices.cols(weights);
      DenseMatrices.require(dWeights, "dWeights", rows, cols);
      checkTemperature(temperature);
      FixedSizeListVector out = DenseMatrices.allocate(allocator, "dScores", rows, cols);
      kernels.softmaxBackwardRows(DenseMatrices.segment(weights), DenseMatrices.segment(dWeights),
          DenseMatrices.segment(out), rows, cols, 1f / temperature);
      return out;
    }

    @Override public boolean isSoftmax() { return true; }
  }

  /** Temperatures must be finite and positive. */
  public static void checkTemperature(float temperature) {
    if (!(temperature > 0) || !Float.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature: expected a finite number > 0, got " + temperature);
    }
  }
}
