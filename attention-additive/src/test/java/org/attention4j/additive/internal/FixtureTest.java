package org.attention4j.additive.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.attention4j.api.spi.Scorer;
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
 */
@WithRootAllocator
class FixtureTest {
  private static final double ATOL = 1e-5, RTOL = 1e-5;

  @ParameterizedTest @ValueSource(strings = {"plain", "masked", "hot"})
  void matchesNumpyReferences(String name, BufferAllocator allocator) {
    Map<String, Safetensors.Tensor> f = Safetensors.resource("fixtures/additive-" + name + ".safetensors");
    Map<String, Safetensors.Tensor> p = Safetensors.resource("fixtures/additive-" + name + ".params.safetensors");
    Safetensors.Tensor query = f.get("query"), keys = f.get("keys"), values = f.get("values");
    int nq = query.rows(), dq = query.cols(), nk = keys.rows(), dk = keys.cols(), dv = values.cols();
    int h = p.get("v").shape()[0];
    float t = (float) f.get("temperature").values()[0];
    Mask mask = mask(f.get("mask"), nq, nk);
    try (ParameterSet file = new ParameterSet()) {
      for (Map.Entry<String, Safetensors.Tensor> e : p.entrySet()) {
        file.put(e.getKey(), Fixtures.tensor(allocator, e.getKey(), e.getValue().floats(), e.getValue().shape()));
      }
      try (Scorer scorer = Fixtures.provider().create(Fixtures.config(allocator, Map.of(), 0, Optional.of(file)), dq, dk);
           FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, dq, query.floats());
           FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, keys.floats());
           FixedSizeListVector v = DenseMatrices.of(allocator, "values", nk, dv, values.floats());
           FixedSizeListVector dOut = DenseMatrices.of(allocator, "dOutput", nq, dv, f.get("dOutput").floats());
           FixedSizeListVector s = scorer.score(q, k, allocator)) {
        assertArrayEquals(new int[] {h}, DenseMatrices.shape(scorer.parameters().get("b")), name + ": h from the file");
        if (!p.containsKey("b")) assertArrayEquals(new float[h], DenseMatrices.toArray(scorer.parameters().get("b")));
        Tolerances.assertClose(s, f.get("scores").values(), ATOL, RTOL, name + " scores");
        for (String id : List.of("softmax", "sparsemax", "entmax15")) {
          Attention attention = Attention.builder(scorer, Fixtures.normalizer(id, allocator), Fixtures.REGISTRY.kernels())
              .mask(mask).temperature(t).build();
          try (AttentionResult r = attention.attend(q, k, v, true, allocator);
               Attention.AttentionGradients g = attention.backward(q, k, v, dOut, allocator)) {
            String what = name + " " + id + " ";
            double[] weights = f.get("weights_" + id).values();
            Tolerances.assertClose(r.weights().orElseThrow(), weights, ATOL, RTOL, what + "weights");
            float[] w = DenseMatrices.toArray(r.weights().orElseThrow());
            for (int i = 0; i < w.length; i++) {
              assertEquals(weights[i] == 0, w[i] == 0, what + "weights: zero exactly where numpy has zero, at " + i);
            }
            Tolerances.assertClose(r.output(), f.get("output_" + id).values(), ATOL, RTOL, what + "output");
            Tolerances.assertClose(g.dQuery(), f.get("dQuery_" + id).values(), ATOL, RTOL, what + "dQuery");
            Tolerances.assertClose(g.dKeys(), f.get("dKeys_" + id).values(), ATOL, RTOL, what + "dKeys");
            Tolerances.assertClose(g.dValues(), f.get("dValues_" + id).values(), ATOL, RTOL, what + "dValues");
            for (String param : List.of("W_q", "W_k", "v", "b")) {
              Tolerances.assertClose(g.dParameters().get(param), f.get("d" + param + "_" + id).values(), ATOL, RTOL,
                  what + "d" + param);
            }
          }
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
