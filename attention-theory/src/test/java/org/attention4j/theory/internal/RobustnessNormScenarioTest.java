package org.attention4j.theory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.api.spi.Verdict;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The quick run of robustness-norm: the additive scorer keeps the target as distractor norms grow. */
@WithRootAllocator
class RobustnessNormScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "robustness-norm");
    assertEquals("1.1", s.claim());
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {},
        () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println("robustness-norm quick: " + o.elapsedMs() + " ms, "
        + o.result().verdict() + ", " + m);
    assertTrue(m.get("additive_max_abs_score_over_v_l1") <= 1 + 1e-5, "|s| <= ||v||_1: " + m);
    assertTrue(m.get("min_accuracy_at_c_min") >= 0.6, "every scorer learns the task at c = 1: " + m);
    assertTrue(m.get("bilinear_accuracy_at_c_max") < m.get("bilinear_accuracy_at_c_min"), "bilinear degrades: " + m);
    assertTrue(m.get("accuracy_gap_at_c_max") > 0.1, "additive holds up better: " + m);
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
    assertEquals(3, o.result().figures().size());
  }

  /** The bound |s| ≤ ‖v‖₁ holds for arbitrary, huge and tiny inputs of a seeded additive scorer. */
  @Test void additiveBoundHoldsForEveryInput(BufferAllocator allocator) {
    Random r = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      int d = 1 + r.nextInt(6), h = 1 + r.nextInt(12);
      ProviderConfig cfg = new ProviderConfig(Settings.of("additive", Map.of("h", Integer.toString(h))), trial, allocator,
          Optional.empty(), registry.kernels(), registry);
      float[] q = new float[5 * d], k = new float[7 * d];
      double scale = Math.pow(10, r.nextInt(9) - 3);
      for (int i = 0; i < q.length; i++) q[i] = (float) (scale * r.nextGaussian());
      for (int i = 0; i < k.length; i++) k[i] = (float) (scale * r.nextGaussian());
      try (Scorer sc = registry.require(ScorerProvider.class, "additive").create(cfg, d, d);
           FixedSizeListVector qv = DenseMatrices.of(allocator, "q", 5, d, q);
           FixedSizeListVector kv = DenseMatrices.of(allocator, "k", 7, d, k);
           FixedSizeListVector s = sc.score(qv, kv, allocator)) {
        double l1 = 0;
        for (float v : DenseMatrices.toArray(sc.parameters().get("v"))) l1 += Math.abs(v);
        for (float x : DenseMatrices.toArray(s)) assertTrue(Math.abs(x) <= l1 * (1 + 1e-6), x + " > " + l1);
      }
    }
  }
}
