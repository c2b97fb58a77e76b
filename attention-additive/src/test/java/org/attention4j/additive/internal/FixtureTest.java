package org.attention4j.additive.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.spi.Scorer;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed numpy fixtures ({@code src/test/resources/fixtures/additive-*.safetensors}, written by
 * {@code src/test/python/make_fixtures.py}): the scorer loads each case's parameter file (the
 * {@code masked} case has no {@code b}, so b = 0), then scores, and the {@link Attention} facade with
 * softmax, sparsemax and entmax15 gives weights, outputs and every gradient of
 * L = ⟨dOutput, O⟩ (dQuery, dKeys, dValues, dW_q, dW_k, dv, db), all compared with numpy's float64
 * references: |a − b| ≤ 1e-5 + 1e-5·|b|, and exact zero weights wherever numpy's are zero. Every
 * allowed key is at least 1e-3 (in units of s / T) from its sparse support threshold.
 *
 * <p>The files are read with the api's {@link MatrixFiles#readParameters}, which converts the F64
 * references to float32: a relative rounding of at most 2⁻²⁴ ≈ 6e-8, under 1% of the relative
 * tolerance, and zeros stay exactly zero.
 */
@WithRootAllocator
class FixtureTest {
  private static final double ATOL = 1e-5, RTOL = 1e-5;

  @ParameterizedTest @ValueSource(strings = {"plain", "masked", "hot"})
  void matchesNumpyReferences(String name, BufferAllocator allocator) throws URISyntaxException {
    try (ParameterSet f = MatrixFiles.readParameters(fixture("additive-" + name + ".safetensors"), allocator);
         ParameterSet file = MatrixFiles.readParameters(fixture("additive-" + name + ".params.safetensors"), allocator)) {
      FixedSizeListVector q = f.get("query"), k = f.get("keys"), v = f.get("values"), dOut = f.get("dOutput");
      int nq = DenseMatrices.rows(q), dq = DenseMatrices.cols(q), nk = DenseMatrices.rows(k), dk = DenseMatrices.cols(k);
      int h = DenseMatrices.shape(file.get("v"))[0];
      float t = DenseMatrices.get(f.get("temperature"), 0, 0);
      Mask mask = mask(f.get("mask"));
      // the parameter file goes to the scorer as it is read, as `attend --params` passes it
      try (Scorer scorer = Fixtures.provider().create(Fixtures.config(allocator, Map.of(), 0, Optional.of(file)), dq, dk);
           FixedSizeListVector s = scorer.score(q, k, allocator)) {
        assertArrayEquals(new int[] {h}, DenseMatrices.shape(scorer.parameters().get("b")), name + ": h from the file");
        if (!file.contains("b")) assertArrayEquals(new float[h], DenseMatrices.toArray(scorer.parameters().get("b")));
        Tolerances.assertClose(s, ref(f, "scores"), ATOL, RTOL, name + " scores");
        for (String id : List.of("softmax", "sparsemax", "entmax15")) {
          Attention attention = Attention.builder(scorer, Fixtures.normalizer(id, allocator), Fixtures.REGISTRY.kernels())
              .mask(mask).temperature(t).build();
          try (AttentionResult r = attention.attend(q, k, v, true, allocator);
               Attention.AttentionGradients g = attention.backward(q, k, v, dOut, allocator)) {
            String what = name + " " + id + " ";
            double[] weights = ref(f, "weights_" + id);
            Tolerances.assertClose(r.weights().orElseThrow(), weights, ATOL, RTOL, what + "weights");
            float[] w = DenseMatrices.toArray(r.weights().orElseThrow());
            for (int i = 0; i < w.length; i++) {
              assertEquals(weights[i] == 0, w[i] == 0, what + "weights: zero exactly where numpy has zero, at " + i);
            }
            Tolerances.assertClose(r.output(), ref(f, "output_" + id), ATOL, RTOL, what + "output");
            Tolerances.assertClose(g.dQuery(), ref(f, "dQuery_" + id), ATOL, RTOL, what + "dQuery");
            Tolerances.assertClose(g.dKeys(), ref(f, "dKeys_" + id), ATOL, RTOL, what + "dKeys");
            Tolerances.assertClose(g.dValues(), ref(f, "dValues_" + id), ATOL, RTOL, what + "dValues");
            for (String param : List.of("W_q", "W_k", "v", "b")) {
              Tolerances.assertClose(g.dParameters().get(param), ref(f, "d" + param + "_" + id), ATOL, RTOL,
                  what + "d" + param);
            }
          }
        }
      }
    }
  }

  /** A committed fixture file, from the test class path. */
  static Path fixture(String name) throws URISyntaxException {
    URL url = FixtureTest.class.getResource("/fixtures/" + name);
    if (url == null) throw new IllegalStateException("fixtures/" + name + ": expected on the test class path, got none");
    return Path.of(url.toURI());
  }

  /** A reference tensor, widened to float64 (the api's reader rounds F64 to float32; see the class comment). */
  static double[] ref(ParameterSet f, String name) { return Float64Oracles.toDouble(f.get(name)); }

  static Mask mask(FixedSizeListVector m) {
    float[] values = DenseMatrices.toArray(m);
    boolean[] allowed = new boolean[values.length];
    for (int i = 0; i < allowed.length; i++) allowed[i] = values[i] != 0;
    return Mask.explicit(DenseMatrices.rows(m), DenseMatrices.cols(m), allowed);
  }
}
