package org.attention4j.additive.internal;

import static org.attention4j.additive.internal.Fixtures.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.spi.Scorer;
import org.attention4j.testkit.SparseOracles;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.GradientCheck;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end through {@link Attention}: the additive scorer with {@code softmax}, {@code sparsemax}
 * and {@code entmax15} (all found through the registry), with masks, causal n_q ≠ n_k, fully masked
 * rows and temperatures 0.5, 0.7, 1 and 2. Forward (output and weights) against a float64 reference
 * (additive scores → the normalizer's float64 reference → A·V); backward — dQ, dK, dV and dW_q, dW_k,
 * dv, db — against central differences of the scalar loss L = ⟨G, O⟩ on that reference.
 *
 * <p>Tolerances: outputs and weights |a − b| ≤ 1e-5 + 1e-5·|b|. Gradients |a − b| ≤ 1e-4 + 1e-3·|b|
 * with step h = 1e-6·max(1, |x|). sparsemax and entmax15 are not differentiable where a key sits
 * on its row's support threshold, so inputs are redrawn until every allowed key is at least 1e-3
 * (in units of z = s / T) away from it; a step then moves z by less than 1e-4, so no central
 * difference crosses a threshold. Fully masked rows must give a zero output and finite gradients.
 */
@WithRootAllocator
class AttentionFacadeTest {
  private static final double ATOL = 1e-5, RTOL = 1e-5;
  private static final double MARGIN = 1e-3;
  private static final GradientCheck GRADIENTS = GradientCheck.defaults().step(1e-6).tolerance(1e-4, 1e-3);
  private static final int DQ = 5, DK = 3, DV = 4, H = 8;

  /** A masking case: shape, mask and temperature. */
  record Case(String name, int nq, int nk, Mask mask, float temperature) {
    @Override public String toString() { return name; }
  }

  static List<Case> cases() {
    boolean[] explicit = new boolean[5 * 7];
    for (int i = 0; i < 5; i++) for (int j = 0; j < 7; j++) explicit[i * 7 + j] = i != 2 && (i + j) % 3 != 0;
    boolean[] real = {true, true, false, true, true, false, true};
    return List.of(
        new Case("all", 5, 7, Mask.all(), 1f),
        new Case("causal n_q < n_k, T=0.5", 4, 7, Mask.causal(), 0.5f),
        new Case("causal n_q > n_k (3 empty rows), T=2", 7, 4, Mask.causal(), 2f),
        new Case("explicit, row 2 fully masked", 5, 7, Mask.explicit(5, 7, explicit), 1f),
        new Case("key padding AND band(2), T=0.7", 5, 7, Mask.keyPadding(real).and(Mask.band(2)), 0.7f));
  }

  static Stream<Arguments> everyCase() {
    List<Arguments> out = new ArrayList<>();
    for (String id : new String[] {"softmax", "sparsemax", "entmax15"}) for (Case c : cases()) out.add(Arguments.of(id, c));
    return out.stream();
  }

  /** Weights of scores [nq, nk] under normalizer {@code id}, float64. */
  static double[] weights(String id, double[] s, Case c) {
    return switch (id) {
      case "softmax" -> Float64Oracles.softmaxRows(s, c.nq(), c.nk(), c.temperature(), c.mask());
      case "sparsemax" -> SparseOracles.rows(SparseOracles.Kind.SPARSEMAX, s, c.nq(), c.nk(), c.temperature(), c.mask());
      case "entmax15" -> SparseOracles.rows(SparseOracles.Kind.ENTMAX15, s, c.nq(), c.nk(), c.temperature(), c.mask());
      default -> throw new IllegalArgumentException("normalizer: expected softmax, sparsemax or entmax15, got " + id);
    };
  }

  static double margin(String id, double[] s, Case c) {
    return switch (id) {
      case "sparsemax" -> SparseOracles.margin(SparseOracles.Kind.SPARSEMAX, s, c.nq(), c.nk(), c.temperature(), c.mask());
      case "entmax15" -> SparseOracles.margin(SparseOracles.Kind.ENTMAX15, s, c.nq(), c.nk(), c.temperature(), c.mask());
      default -> Double.POSITIVE_INFINITY;
    };
  }

  @ParameterizedTest(name = "{0} {1}") @MethodSource("everyCase")
  void forwardAndBackwardMatchTheFloat64Reference(String id, Case c, BufferAllocator allocator) {
    int nq = c.nq(), nk = c.nk();
    try (Scorer scorer = Fixtures.scorer(allocator, DQ, DK, H, 3)) {
      AdditiveReference ref = AdditiveReference.of(scorer.parameters(), DQ, DK);
      float[] qf = null, kf = null;
      for (long attempt = 0; qf == null; attempt++) {           // keep every allowed key away from the thresholds
        if (attempt == 1000) throw new IllegalStateException(c + ": no draw kept every key away from the thresholds");
        float[] q = gaussian(nq * DQ, 1.5, 100 + attempt), k = gaussian(nk * DK, 1.5, 200 + attempt);
        if (margin(id, ref.scores(Float64Oracles.toDouble(q), Float64Oracles.toDouble(k), nq, nk), c) >= MARGIN) {
          qf = q;
          kf = k;
        }
      }
      float[] vf = gaussian(nk * DV, 1, 300), gf = gaussian(nq * DV, 1, 400);
      double[] q64 = Float64Oracles.toDouble(qf), k64 = Float64Oracles.toDouble(kf), v64 = Float64Oracles.toDouble(vf);
      double[] g64 = Float64Oracles.toDouble(gf);
      Attention attention = Attention.builder(scorer, Fixtures.normalizer(id, allocator), Fixtures.REGISTRY.kernels())
          .mask(c.mask()).temperature(c.temperature()).build();
      assertFalse(attention.fused(), "additive never takes the fused scaled-dot path");
      try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, DQ, qf);
           FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, DK, kf);
           FixedSizeListVector v = DenseMatrices.of(allocator, "values", nk, DV, vf);
           FixedSizeListVector g = DenseMatrices.of(allocator, "dOutput", nq, DV, gf);
           AttentionResult r = attention.attend(q, k, v, true, allocator);
           Attention.AttentionGradients grads = attention.backward(q, k, v, g, allocator)) {
        double[] a = weights(id, ref.scores(q64, k64, nq, nk), c);
        Tolerances.assertClose(r.weights().orElseThrow(), a, ATOL, RTOL, id + " weights, " + c);
        Tolerances.assertClose(r.output(), Float64Oracles.matmul(a, v64, nq, nk, DV), ATOL, RTOL, id + " output, " + c);
        float[] w = DenseMatrices.toArray(r.weights().orElseThrow()), o = DenseMatrices.toArray(r.output());
        for (int i = 0; i < nq; i++) {
          boolean any = false;
          for (int j = 0; j < nk; j++) {
            any |= c.mask().allows(i, j, nq, nk);
            if (a[i * nk + j] == 0) assertEquals(0f, w[i * nk + j], id + ": weight (row " + i + ", col " + j + ") exactly 0");
          }
          if (!any) for (int col = 0; col < DV; col++) assertEquals(0f, o[i * DV + col], id + ": empty row " + i + " output 0");
        }

        Function<AdditiveReference, double[]> outputAt = p -> Float64Oracles.matmul(
            weights(id, p.scores(q64, k64, nq, nk), c), v64, nq, nk, DV);
        String what = id + ", " + c + ": ";
        GRADIENTS.checkVjp(what + "dQuery", DenseMatrices.toArray(grads.dQuery()),
            x -> Float64Oracles.matmul(weights(id, ref.scores(x, k64, nq, nk), c), v64, nq, nk, DV), q64, g64, DQ);
        GRADIENTS.checkVjp(what + "dKeys", DenseMatrices.toArray(grads.dKeys()),
            x -> Float64Oracles.matmul(weights(id, ref.scores(q64, x, nq, nk), c), v64, nq, nk, DV), k64, g64, DK);
        GRADIENTS.checkVjp(what + "dValues", DenseMatrices.toArray(grads.dValues()),
            x -> Float64Oracles.matmul(a, x, nq, nk, DV), v64, g64, DV);
        GRADIENTS.checkVjp(what + "dW_q", DenseMatrices.toArray(grads.dParameters().get("W_q")),
            x -> outputAt.apply(ref.withWq(x)), ref.wq(), g64, DQ);
        GRADIENTS.checkVjp(what + "dW_k", DenseMatrices.toArray(grads.dParameters().get("W_k")),
            x -> outputAt.apply(ref.withWk(x)), ref.wk(), g64, DK);
        GRADIENTS.checkVjp(what + "dv", DenseMatrices.toArray(grads.dParameters().get("v")),
            x -> outputAt.apply(ref.withV(x)), ref.v(), g64);
        GRADIENTS.checkVjp(what + "db", DenseMatrices.toArray(grads.dParameters().get("b")),
            x -> outputAt.apply(ref.withB(x)), ref.b(), g64);
        for (FixedSizeListVector t : List.of(grads.dQuery(), grads.dKeys(), grads.dValues())) {
          for (float x : DenseMatrices.toArray(t)) assertTrue(Float.isFinite(x), what + t.getName() + " finite");
        }
      }
    }
  }
}
