package org.attention4j.cli;

import dagger.BindsInstance;
import dagger.Component;
import jakarta.inject.Singleton;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScorerProvider;

/** The application's object graph: one registry and one root allocator per command run. */
@Singleton
@Component(modules = AppModule.class)
interface AppComponent {
  Registry registry();

  BufferAllocator allocator();

  Set<ScorerProvider> scorers();

  Set<NormalizerProvider> normalizers();

  Set<AttentionLayerProvider> layers();

  Set<ScenarioProvider> scenarios();

  RuntimeOptions options();

  @Component.Factory
  interface Factory {
    AppComponent create(@BindsInstance RuntimeOptions options);
  }

  /** Builds the graph for these options. */
  static AppComponent of(RuntimeOptions options) { return DaggerAppComponent.factory().create(options); }
}
