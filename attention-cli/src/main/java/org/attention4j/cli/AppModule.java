package org.attention4j.cli;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.ElementsIntoSet;
import dagger.multibindings.Multibinds;
import jakarta.inject.Singleton;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScorerProvider;

/**
 * Fills the provider sets from the registry (which already handles plugin folders, duplicate ids and
 * SPI ranges) — never from a second ServiceLoader call. {@code @Multibinds} makes empty sets legal.
 */
@Module
abstract class AppModule {
  @Provides @Singleton static Registry registry(RuntimeOptions options) {
    return Registry.load(options.pluginPaths(), options.forcedKernels());
  }

  @Provides @Singleton static BufferAllocator allocator() { return new RootAllocator(); }

  @Multibinds abstract Set<ScorerProvider> scorers();

  @Multibinds abstract Set<NormalizerProvider> normalizers();

  @Multibinds abstract Set<AttentionLayerProvider> layers();

  @Multibinds abstract Set<ScenarioProvider> scenarios();

  @Provides @ElementsIntoSet static Set<ScorerProvider> discoveredScorers(Registry r) {
    return new LinkedHashSet<>(r.active(ScorerProvider.class));
  }

  @Provides @ElementsIntoSet static Set<NormalizerProvider> discoveredNormalizers(Registry r) {
    return new LinkedHashSet<>(r.active(NormalizerProvider.class));
  }

  @Provides @ElementsIntoSet static Set<AttentionLayerProvider> discoveredLayers(Registry r) {
    return new LinkedHashSet<>(r.active(AttentionLayerProvider.class));
  }

  @Provides @ElementsIntoSet static Set<ScenarioProvider> discoveredScenarios(Registry r) {
    return new LinkedHashSet<>(r.active(ScenarioProvider.class));
  }
}
