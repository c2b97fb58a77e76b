package org.attention4j.sparse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed numpy fixtures ({@code src/test/resources/fixtures/sparse-*.safetensors}, written by
 * {@code attention-additive/src/test/python/make_fixtures.py}): float64 weights and backward passes
 * of both maps for random scores, a random mask with an empty row, and T = 1, 0.5 and 2. Every
 * allowed entry is at least 1e-3 (in units of s / T) from its support threshold. Tolerance
 * |a − b| ≤ 1e-5 + 1e-5·|b|; exact zeros wherever the reference is zero.
 */
@WithRootAllocator
class FixtureTest {
  private static final double ATOL = 1e-5, RTOL = 1e-5;

  @ParameterizedTest @ValueSource(strings = {"t1", "t0_5", "t2"})
  void matchesNumpyReferences(String name, BufferAllocator allocator) {
    Map<String, Safetensors.Tensor> f = Safetensors.resource("fixtures/sparse-" + name + ".safetensors");
    Safetensors.Tensor scores = f.get("scores");
    int rows = scores.rows(), cols = scores.cols();
    Mask mask = mask(f.get("mask"), rows, cols);
    float t = (float) f.get("temperature").values()[0];
    for (String id : new String[] {"sparsemax", "entmax15"}) {
      Normalizer n = SparseNormalizerTest.normalizer(id, allocator);
      double[] weights = f.get("weights_" + id).values(), dScores = f.get("dScores_" + id).values();
      try (FixedSizeListVector s = DenseMatrices.of(allocator, "scores", rows, cols, scores.floats());
           FixedSizeListVector a = n.normalize(s, mask, t, allocator);
           FixedSizeListVector g = DenseMatrices.of(allocator, "dWeights", rows, cols, f.get("dWeights").floats());
           FixedSizeListVector ds = n.backward(a, g, mask, t, allocator)) {
        Tolerances.assertClose(a, weights, ATOL, RTOL, name + " " + id + " weights");
        Tolerances.assertClose(ds, dScores, ATOL, RTOL, name + " " + id + " dScores");
        float[] got = DenseMatrices.toArray(a), gotDs = DenseMatrices.toArray(ds);
        for (int i = 0; i < got.length; i++) {
          assertEquals(weights[i] == 0, got[i] == 0, name + " " + id + ": zero exactly where numpy has zero, at " + i);
          if (dScores[i] == 0) assertEquals(0f, gotDs[i], name + " " + id + ": dScores zero where numpy has zero, at " + i);
        }
      }
    }
  }

  static Mask mask(Safetensors.Tensor m, int rows, int cols) {
    boolean[] allowed = new boolean[rows * cols];
    for (int i = 0; i < allowed.length; i++) allowed[i] = m.values()[i] != 0;
    return Mask.explicit(rows, cols, allowed);
  }
}
