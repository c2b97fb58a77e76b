package org.attention4j.sparse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed numpy fixtures ({@code src/test/resources/fixtures/sparse-*.safetensors}, written by
 * {@code attention-additive/src/test/python/make_fixtures.py}): float64 weights and backward passes
 * of both maps for random scores, a random mask with an empty row, and T = 1, 0.5 and 2. Every
 * allowed entry is at least 1e-3 (in units of s / T) from its support threshold. Tolerance
 * |a − b| ≤ 1e-5 + 1e-5·|b|; exact zeros wherever the reference is zero. The file is read with the
 * api's {@link MatrixFiles#readParameters}, which converts the F64 references to float32 (a relative
 * rounding of at most 2⁻²⁴ ≈ 6e-8, under 1% of the relative tolerance; zeros stay zero).
 */
@WithRootAllocator
class FixtureTest {
  private static final double ATOL = 1e-5, RTOL = 1e-5;

  @ParameterizedTest @ValueSource(strings = {"t1", "t0_5", "t2"})
  void matchesNumpyReferences(String name, BufferAllocator allocator) throws URISyntaxException {
    URL url = FixtureTest.class.getResource("/fixtures/sparse-" + name + ".safetensors");
    if (url == null) throw new IllegalStateException("fixtures/sparse-" + name + ".safetensors: expected on the test class path, got none");
    try (ParameterSet f = MatrixFiles.readParameters(Path.of(url.toURI()), allocator)) {
      FixedSizeListVector s = f.get("scores");
      Mask mask = mask(f.get("mask"));
      float t = DenseMatrices.get(f.get("temperature"), 0, 0);
      for (String id : new String[] {"sparsemax", "entmax15"}) {
        Normalizer n = SparseNormalizerTest.normalizer(id, allocator);
        double[] weights = Float64Oracles.toDouble(f.get("weights_" + id));
        double[] dScores = Float64Oracles.toDouble(f.get("dScores_" + id));
        try (FixedSizeListVector a = n.normalize(s, mask, t, allocator);
             FixedSizeListVector ds = n.backward(a, f.get("dWeights"), mask, t, allocator)) {
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
  }

  static Mask mask(FixedSizeListVector m) {
    float[] values = DenseMatrices.toArray(m);
    boolean[] allowed = new boolean[values.length];
    for (int i = 0; i < allowed.length; i++) allowed[i] = values[i] != 0;
    return Mask.explicit(DenseMatrices.rows(m), DenseMatrices.cols(m), allowed);
  }
}
