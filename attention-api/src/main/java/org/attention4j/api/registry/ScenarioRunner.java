package org.attention4j.api.registry;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.Settings;
import org.attention4j.api.spi.ProviderLookup;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.apiguardian.api.API;

/**
 * Runs a scenario the way every front end does (CLI, report, tests): parameters are the defaults,
 * then the quick set unless {@code full}, then the caller's overrides (unknown keys refused); the run
 * gets its own child allocator named after the scenario, and a leak fails the run with that name.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ScenarioRunner {
  private ScenarioRunner() {}

  /** Receives progress in [0, 1]. */
  @FunctionalInterface
  public interface Progress {
    void report(double fraction, String message);
  }

  /** The result, the parameters it ran with, and its wall time. */
  public record Outcome(ScenarioResult result, Settings parameters, long elapsedMs) {}

  /** The parameters a run would use. */
  public static Settings resolve(ScenarioProvider scenario, Map<String, String> overrides, boolean full) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (!full) merged.putAll(scenario.quick());
    merged.putAll(overrides);
    return Settings.resolve("scenario " + scenario.id() + " --param", scenario.parameters(), merged, List.of());
  }

  /** Runs {@code scenario}; see the class comment. */
  public static Outcome run(ScenarioProvider scenario, ProviderLookup lookup, Map<String, String> overrides,
      Map<String, String> providerSettings, boolean full, long seed, BufferAllocator parent, Progress progress,
      BooleanSupplier cancelled) {
    Settings params = resolve(scenario, overrides, full);
    Map<String, String> forProviders = new LinkedHashMap<>(providerSettings);
    forProviders.remove("kernels");                    // chosen by the registry, not by a provider
    Settings providers = Settings.of("--set", forProviders);
    long t0 = System.nanoTime();
    ScenarioResult result;
    try (BufferAllocator child = parent.newChildAllocator("scenario:" + scenario.id(), 0, Long.MAX_VALUE)) {
      ScenarioContext ctx = new ScenarioContext() {
        @Override public Settings parameters() { return params; }
        @Override public Settings providerSettings() { return providers; }
        @Override public long seed() { return seed; }
        @Override public BufferAllocator allocator() { return child; }
        @Override public ProviderLookup lookup() { return lookup; }
        @Override public void progress(double fraction, String message) {
          progress.report(Math.max(0, Math.min(1, fraction)), message);
        }
        @Override public boolean cancelled() { return cancelled.getAsBoolean(); }
      };
      result = scenario.run(ctx);
    }
    return new Outcome(result, params, (System.nanoTime() - t0) / 1_000_000);
  }
}
