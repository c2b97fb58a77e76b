package org.attention4j.timeseries.internal.scenario;

import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full parameter sets, printed for the README's measured figures. Off by default (minutes of
 * work); run with {@code -Dtimeseries.full=true -Dtest=FullRunsTest}. Extra parameters may be given
 * as {@code -Dtimeseries.params=k=v,k=v}.
 */
@WithRootAllocator
@EnabledIfSystemProperty(named = "timeseries.full", matches = "true")
class FullRunsTest {
  @ParameterizedTest @ValueSource(strings = {"timeseries-anomaly", "timeseries-sensitivity"})
  void fullRun(String id, BufferAllocator allocator) {
    Registry registry = Registry.load(List.of());
    ScenarioProvider s = registry.require(ScenarioProvider.class, id);
    Map<String, String> params = new java.util.LinkedHashMap<>();
    String extra = System.getProperty("timeseries.params", "");
    for (String kv : extra.split(",")) {
      if (kv.contains("=")) params.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    params.keySet().retainAll(s.parameters().stream().map(p -> p.name()).toList());   // each scenario takes its own
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, params, Map.of(), true, 0, allocator, (f, m) -> {}, () -> false);
    System.out.println("FULL " + id + " " + o.parameters() + " in " + o.elapsedMs() + " ms: " + o.result().verdict());
    System.out.println(o.result().summary());
    System.out.println(o.result().metrics());
  }
}
