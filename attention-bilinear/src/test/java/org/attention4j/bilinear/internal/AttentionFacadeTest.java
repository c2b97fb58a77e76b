package org.attention4j.bilinear.internal;

import static org.attention4j.bilinear.internal.Fixtures.gaussian;
import static org.attention4j.bilinear.internal.Fixtures.scale;
import static org.attention4j.bilinear.internal.Fixtures.scorer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.Scorer;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.GradientCheck;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attention facade over {@code dot} and {@code scaled-dot} (and, below, {@code bilinear}, which is
 * never fused): the fused path (scorer scale +
 * softmax → the fused kernel) and the unfused path (score, normalize, A·V; the same softmax hidden
 * behind a wrapper so the facade cannot fuse) must both give {@link Float64Oracles}' outputs, weights
 * and gradients, with masks, causal with n_q ≠ n_k, and fully masked rows.
 *
 * <p>Tolerances: outputs and weights |a − b| ≤ 1e-5 + 1e-5·|b| (float32 scores feed a float64-accumulating
 * softmax; inputs have unit variance, so scores stay within about ±10). Gradients against central
 * differences of the float64 forward, |a − b| ≤ 1e-4 + 1e-3·|b|: softmax is not linear, so the
 * differences carry an O(h²) truncation error (h = 1e-3), and the analytic side is float32.
 */
@WithRootAllocator
class AttentionFacadeTest {
  private static final double ATOL = 1e-5, RTOL = 1e-5;
  private static final GradientCheck GRADIENTS = GradientCheck.defaults().tolerance(1e-4, 1e-3);

  /** Hides {@link Normalizer#isSoftmax()} so the facade takes the unfused path with the same softmax. */
  private record Unfused(Normalizer inner) implements Normalizer {
    @Override public FixedSizeListVector normalize(FixedSizeListVector s, Mask m, float t, BufferAllocator a) {
      return inner.normalize(s, m, t, a);
    }

    @Override public FixedSizeListVector backward(FixedSizeListVector w, FixedSizeListVector dw, Mask m, float t,
        BufferAllocator a) {
      return inner.backward(w, dw, m, t, a);
    }
  }

  /** A masking case: shape, mask and temperature. */
  private record Case(String name, int nq, int nk, Mask mask, float temperature) {
    @Override public String toString() { return name; }
  }

  private static final int D = 6, DV = 4;

  private static List<Case> cases() {
    boolean[] explicit = new boolean[5 * 9];
    for (int i = 0; i < 5; i++) for (int j = 0; j < 9; j++) explicit[i * 9 + j] = i != 2 && (i + j) % 3 != 0;
    boolean[] real = {true, true, true, true, false, true, false, false, true};
    return List.of(
        new Case("all", 5, 9, Mask.all(), 1f),
        new Case("all T=0.5", 5, 9, Mask.all(), 0.5f),
        new Case("causal n_q < n_k", 5, 9, Mask.causal(), 1f),
        new Case("causal n_q > n_k (4 empty rows)", 9, 5, Mask.causal(), 2f),
        new Case("explicit, row 2 fully masked", 5, 9, Mask.explicit(5, 9, explicit), 1f),
        new Case("key padding AND band(2)", 5, 9, Mask.keyPadding(real).and(Mask.band(2)), 0.7f));
  }

  static Stream<Arguments> everyCase() {
    List<Arguments> out = new ArrayList<>();
    for (String id : new String[] {"dot", "scaled-dot"}) {
      for (boolean fused : new boolean[] {true, false}) {
        for (Case c : cases()) out.add(Arguments.of(id, fused ? "fused" : "unfused", c));
      }
    }
    return out.stream();
  }

  static Stream<Case> bilinearCases() { return cases().stream(); }

  /**
   * {@code bilinear} (d_q = 6 ≠ d_k = 5) with softmax: never fused; outputs and weights against
   * softmax of the float64 bilinear scores, and dQ, dK, dV and dW against central differences of the
   * float64 forward.
   */
  @ParameterizedTest(name = "bilinear {0}") @MethodSource("bilinearCases")
  void bilinearOutputsWeightsAndGradientsMatchFloat64(Case c, BufferAllocator allocator) {
    int nq = c.nq(), nk = c.nk(), dq = D, dk = D - 1;
    float[] q = gaussian(nq * dq, 1, 21), k = gaussian(nk * dk, 1, 22), v = gaussian(nk * DV, 1, 23);
    float[] g = gaussian(nq * DV, 1, 24);
    double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), vd = Float64Oracles.toDouble(v);
    double[] gd = Float64Oracles.toDouble(g);
    double t = c.temperature();
    try (Scorer scorer = Fixtures.bilinear(allocator, dq, dk);
         FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, dq, q);
         FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, dk, k);
         FixedSizeListVector vv = DenseMatrices.of(allocator, "values", nk, DV, v);
         FixedSizeListVector gv = DenseMatrices.of(allocator, "dOutput", nq, DV, g)) {
      double[] wd = Float64Oracles.toDouble(scorer.parameters().get("W"));
      java.util.function.Function<double[][], double[]> forward = x -> Float64Oracles.attention(
          Float64Oracles.bilinearScores(x[0], x[1], x[2], nq, nk, dq, dk), x[3], nq, nk, DV, t, c.mask()).output();
      Attention att = Attention.builder(scorer, Fixtures.softmax(allocator), Fixtures.REGISTRY.kernels())
          .mask(c.mask()).temperature(c.temperature()).build();
      assertEquals(false, att.fused(), "bilinear has no constant dot-product scale");
      String at = "bilinear " + c;
      Float64Oracles.Forward expected = Float64Oracles.attention(Float64Oracles.bilinearScores(qd, wd, kd, nq, nk, dq, dk), vd,
          nq, nk, DV, t, c.mask());
      try (AttentionResult r = att.attend(qv, kv, vv, true, allocator)) {
        Tolerances.assertClose(r.output(), expected.output(), ATOL, RTOL, "output " + at);
        Tolerances.assertClose(r.weights().orElseThrow(), expected.weights(), ATOL, RTOL, "weights " + at);
        for (int i = 0; i < nq; i++) {
          for (int j = 0; j < nk; j++) {
            if (!c.mask().allows(i, j, nq, nk)) {
              assertEquals(0f, DenseMatrices.get(r.weights().orElseThrow(), i, j), "masked weight " + i + "," + j);
            }
          }
        }
      }
      try (Attention.AttentionGradients grads = att.backward(qv, kv, vv, gv, allocator)) {
        GRADIENTS.checkVjp("dQuery " + at, DenseMatrices.toArray(grads.dQuery()),
            x -> forward.apply(new double[][] {x, wd, kd, vd}), qd, gd, dq);
        GRADIENTS.checkVjp("dKeys " + at, DenseMatrices.toArray(grads.dKeys()),
            x -> forward.apply(new double[][] {qd, wd, x, vd}), kd, gd, dk);
        GRADIENTS.checkVjp("dValues " + at, DenseMatrices.toArray(grads.dValues()),
            x -> forward.apply(new double[][] {qd, wd, kd, x}), vd, gd, DV);
        GRADIENTS.checkVjp("dW " + at, DenseMatrices.toArray(grads.dParameters().get("W")),
            x -> forward.apply(new double[][] {qd, x, kd, vd}), wd, gd, dk);
        for (int i = 0; i < nq; i++) {
          if (!rowEmpty(c, i)) continue;
          for (int p = 0; p < dq; p++) assertEquals(0f, DenseMatrices.get(grads.dQuery(), i, p), "empty row " + i + " dQuery");
        }
      }
    }
  }

  private static boolean rowEmpty(Case c, int i) {
    for (int j = 0; j < c.nk(); j++) if (c.mask().allows(i, j, c.nq(), c.nk())) return false;
    return true;
  }

  @ParameterizedTest(name = "{0} {1} {2}") @MethodSource("everyCase")
  void outputsWeightsAndGradientsMatchFloat64(String id, String path, Case c, BufferAllocator allocator) {
    int nq = c.nq(), nk = c.nk();
    float[] q = gaussian(nq * D, 1, 11), k = gaussian(nk * D, 1, 12), v = gaussian(nk * DV, 1, 13);
    float[] g = gaussian(nq * DV, 1, 14);
    double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), vd = Float64Oracles.toDouble(v);
    double[] gd = Float64Oracles.toDouble(g);
    double sc = scale(id, D), t = c.temperature();
    Float64Oracles.Forward expected = Float64Oracles.dotAttention(qd, kd, vd, nq, nk, D, DV, sc, t, c.mask());
    try (Scorer scorer = scorer(id, allocator, D);
         FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, D, q);
         FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, D, k);
         FixedSizeListVector vv = DenseMatrices.of(allocator, "values", nk, DV, v);
         FixedSizeListVector gv = DenseMatrices.of(allocator, "dOutput", nq, DV, g)) {
      Normalizer softmax = Fixtures.softmax(allocator);
      Attention att = Attention.builder(scorer, path.equals("fused") ? softmax : new Unfused(softmax), Fixtures.REGISTRY.kernels())
          .mask(c.mask()).temperature(c.temperature()).build();
      assertEquals(path.equals("fused"), att.fused(), "path taken");
      String at = id + " " + path + " " + c;

      try (AttentionResult r = att.attend(qv, kv, vv, true, allocator)) {
        Tolerances.assertClose(r.output(), expected.output(), ATOL, RTOL, "output " + at);
        FixedSizeListVector w = r.weights().orElseThrow();
        Tolerances.assertClose(w, expected.weights(), ATOL, RTOL, "weights " + at);
        for (int i = 0; i < nq; i++) {
          for (int j = 0; j < nk; j++) {
            if (!c.mask().allows(i, j, nq, nk)) assertEquals(0f, DenseMatrices.get(w, i, j), "masked weight " + i + "," + j);
          }
          if (rowEmpty(c, i)) {
            for (int p = 0; p < DV; p++) assertEquals(0f, DenseMatrices.get(r.output(), i, p), "empty row " + i + " output");
          }
        }
      }

      try (Attention.AttentionGradients grads = att.backward(qv, kv, vv, gv, allocator)) {
        for (FixedSizeListVector x : List.of(grads.dQuery(), grads.dKeys(), grads.dValues())) {
          for (float f : DenseMatrices.toArray(x)) assertTrue(Float.isFinite(f), x.getName() + " must be finite " + at);
        }
        for (int i = 0; i < nq; i++) {
          if (!rowEmpty(c, i)) continue;
          for (int p = 0; p < D; p++) assertEquals(0f, DenseMatrices.get(grads.dQuery(), i, p), "empty row " + i + " dQuery");
        }
        GRADIENTS.checkVjp("dQuery " + at, DenseMatrices.toArray(grads.dQuery()),
            x -> Float64Oracles.dotAttention(x, kd, vd, nq, nk, D, DV, sc, t, c.mask()).output(), qd, gd, D);
        GRADIENTS.checkVjp("dKeys " + at, DenseMatrices.toArray(grads.dKeys()),
            x -> Float64Oracles.dotAttention(qd, x, vd, nq, nk, D, DV, sc, t, c.mask()).output(), kd, gd, D);
        GRADIENTS.checkVjp("dValues " + at, DenseMatrices.toArray(grads.dValues()),
            x -> Float64Oracles.dotAttention(qd, kd, x, nq, nk, D, DV, sc, t, c.mask()).output(), vd, gd, DV);
        assertTrue(grads.dParameters().names().isEmpty());
      }
    }
  }
}
