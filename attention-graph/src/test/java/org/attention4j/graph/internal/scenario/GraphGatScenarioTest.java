package org.attention4j.graph.internal.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.Settings;
import org.attention4j.api.spi.ProviderLookup;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.graph.Providers;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

@WithRootAllocator
class GraphGatScenarioTest {
  @Test void quickRunReportsEveryLayerAndFigure(BufferAllocator allocator) {
    GraphGatScenario s = new GraphGatScenario();
    Map<String, String> values = new HashMap<>();
    s.parameters().forEach(p -> values.put(p.name(), p.defaultValue()));
    values.putAll(s.quick());
    values.put("seeds", "1");                                 // the quick set itself is timed by the CLI's report
    ScenarioContext ctx = new ScenarioContext() {
      @Override public Settings parameters() { return Settings.of("graph-gat", values); }
      @Override public Settings providerSettings() { return Settings.of("graph-gat", Map.of()); }
      @Override public long seed() { return 0; }
      @Override public BufferAllocator allocator() { return allocator; }
      @Override public ProviderLookup lookup() { return Providers.REGISTRY; }
      @Override public void progress(double fraction, String message) {}
      @Override public boolean cancelled() { return false; }
    };
    ScenarioResult r = s.run(ctx);
    assertEquals("2.2", s.claim());
    for (String k : List.of("gat", "gatv2", "dot", "gcn")) {
      assertTrue(r.metrics().containsKey("karate_" + k + "_accuracy_mean"), k);
      assertTrue(r.metrics().containsKey("sbm_h0p90_" + k + "_accuracy_mean"), k);
    }
    assertEquals(3, r.figures().size());
    assertTrue(r.summary().contains("Karate club"));
  }
}
