package org.attention4j.testkit;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;

/**
 * A plain-loop softmax (correct) and deliberately broken variants: each {@link Defect} breaks one
 * conformance check.
 */
final class FixtureNormalizerProvider implements NormalizerProvider {
  enum Defect { NONE, MASKED_KEYS_WEIGHTED, NAN_ON_EMPTY_ROWS, UNNORMALIZED, IGNORES_TEMPERATURE, SQUARES, WRONG_BACKWARD,
    SILENT_SHAPES, LEAKS, ACCEPTS_NON_FINITE }

  private final Defect defect;

  FixtureNormalizerProvider(Defect defect) { this.defect = defect; }

  @Override public String id() { return "fixture-softmax"; }

  @Override public String description() { return "plain-loop softmax, a conformance-suite fixture (" + defect + ")"; }

  @Override public String version() { return "0.1.0"; }

  @Override public Normalizer create(ProviderConfig config) { return new Fixture(defect); }

  private record Fixture(Defect defect) implements Normalizer {
    private static void checkTemperature(float t) {
      if (!(t > 0) || !Float.isFinite(t)) throw new IllegalArgumentException("temperature: expected a finite number > 0, got " + t);
    }

    @Override public FixedSizeListVector normalize(FixedSizeListVector scores, Mask mask, float temperature,
        BufferAllocator allocator) {
      DenseMatrices.require(scores, "scores", -1);
      checkTemperature(temperature);
      int rows = DenseMatrices.rows(scores), cols = DenseMatrices.cols(scores);
      mask.check(rows, cols);
      float[] s = DenseMatrices.toArray(scores), a = new float[s.length];
      for (int i = 0; i < s.length && defect != Defect.ACCEPTS_NON_FINITE; i++) {
        if (!Float.isFinite(s[i]) && mask.allows(i / cols, i % cols, rows, cols)) {
          throw new IllegalArgumentException("scores: expected finite values at allowed positions, got " + s[i]);
        }
      }
      double t = defect == Defect.IGNORES_TEMPERATURE ? 1 : temperature;
      for (int i = 0; i < rows; i++) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < cols; j++) if (allowed(mask, i, j, rows, cols)) max = Math.max(max, s[i * cols + j] / t);
        double[] e = new double[cols];
        for (int j = 0; j < cols; j++) {
          if (!allowed(mask, i, j, rows, cols)) continue;
          double x = s[i * cols + j] / t;
          e[j] = defect == Defect.SQUARES ? x * x + 1e-3 : Math.exp(x - max);
          sum += e[j];
        }
        if (defect == Defect.UNNORMALIZED) sum = Math.max(sum, 1) * 1.5;
        for (int j = 0; j < cols; j++) {
          if (sum == 0 && defect != Defect.NAN_ON_EMPTY_ROWS) continue;
          a[i * cols + j] = (float) (e[j] / sum);
        }
      }
      if (defect == Defect.LEAKS) allocator.buffer(32);
      return DenseMatrices.of(allocator, "weights", rows, cols, a);
    }

    private boolean allowed(Mask mask, int i, int j, int rows, int cols) {
      return defect == Defect.MASKED_KEYS_WEIGHTED || mask.allows(i, j, rows, cols);
    }

    @Override public FixedSizeListVector backward(FixedSizeListVector weights, FixedSizeListVector dWeights, Mask mask,
        float temperature, BufferAllocator allocator) {
      DenseMatrices.require(weights, "weights", -1);
      int rows = DenseMatrices.rows(weights), cols = DenseMatrices.cols(weights);
      if (defect != Defect.SILENT_SHAPES) DenseMatrices.require(dWeights, "dWeights", rows, cols);
      checkTemperature(temperature);
      float[] a = DenseMatrices.toArray(weights), g = DenseMatrices.toArray(dWeights), ds = new float[a.length];
      double t = defect == Defect.WRONG_BACKWARD ? 1 : temperature;
      for (int i = 0; i < rows; i++) {
        double dot = 0;
        for (int j = 0; j < cols; j++) dot += a[i * cols + j] * g[i * cols + j];
        for (int j = 0; j < cols; j++) ds[i * cols + j] = (float) (a[i * cols + j] * (g[i * cols + j] - dot) / t);
      }
      return DenseMatrices.of(allocator, "dScores", rows, cols, ds);
    }
  }
}
