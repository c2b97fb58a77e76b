package org.attention4j.retrieval.internal.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.Verdict;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The quick run of retrieval: recall computed against exact search, curves, sharpness, figures, within the budget. */
@WithRootAllocator
class RetrievalScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunMeasuresRecallThroughputAndSharpness(BufferAllocator a) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "retrieval");
    assertEquals("2.3", s.claim());
    List<Double> progress = new ArrayList<>();
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, a, (f, m) -> progress.add(f), () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println(o.result().summary());
    assertEquals("learned_attention_on_true_partition", o.result().keyMetric());
    assertEquals("20000", o.parameters().getString("keys"), "the quick set applies");
    for (String kind : List.of("ivf", "learned")) {
      double last = 0;
      for (int np : new int[] {1, 2, 4, 8, 16}) {
        double r = m.get(kind + "_recall10_nprobe" + np);
        assertTrue(r >= last - 1e-12 && r <= 1, kind + " recall@10 grows with nprobe: " + m);
        last = r;
        assertTrue(m.get(kind + "_recall1_nprobe" + np) <= 1 && m.get(kind + "_recall100_nprobe" + np) <= 1);
      }
      assertTrue(last > 0.9, kind + ": 16 of 141 lists on clustered keys find most neighbours: " + m);
    }
    assertTrue(m.get("soft_top_weight_T0_01") > m.get("soft_top_weight_T10"), "sharper at low temperature: " + m);
    assertTrue(m.get("soft_entropy_T0_01") < m.get("soft_entropy_T10"), m.toString());
    assertTrue(m.get("learned_loss_final") < m.get("learned_loss_first"), m.toString());
    assertTrue(m.get("learned_attention_on_true_partition") > 0.5, m.toString());
    assertTrue(o.result().verdict() != Verdict.CONTRADICTS, o.result().summary());
    assertEquals(List.of("recall-vs-nprobe", "qps-vs-recall", "sharpness-vs-temperature", "top-weight-vs-temperature"),
        o.result().figures().stream().map(Figure::id).toList());
    assertTrue(o.elapsedMs() < 15_000 * 3, "the quick set stays near 15 s (x3 on a loaded machine): " + o.elapsedMs() + " ms");
    assertEquals(1.0, progress.get(progress.size() - 1), 1e-12);
  }
}
