package org.attention4j.spark.internal;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.Provider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * Which scorer and normalizer a job uses, with their settings and the scorer's parameters, resolved
 * once on the driver (so a bad id, setting or parameter file fails before any task) and rebuilt on
 * each executor through that JVM's registry. The parameters are those of the driver's scorer —
 * read from {@code --params} or initialised from the seed — so every task uses the same ones.
 */
public final class MechanismSpec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> IGNORED = List.of("kernels");

  private final List<String> pluginDirs;
  private final String kernels;
  private final String scorerId;
  private final String normalizerId;
  private final Map<String, String> scorerSettings;
  private final Map<String, String> normalizerSettings;
  private final long seed;
  private final int queryDim;
  private final int keyDim;
  private final TensorBundle parameters;

  private MechanismSpec(List<String> pluginDirs, String kernels, String scorerId, String normalizerId,
      Map<String, String> scorerSettings, Map<String, String> normalizerSettings, long seed, int queryDim, int keyDim,
      TensorBundle parameters) {
    this.pluginDirs = List.copyOf(pluginDirs);
    this.kernels = kernels;
    this.scorerId = scorerId;
    this.normalizerId = normalizerId;
    this.scorerSettings = new LinkedHashMap<>(scorerSettings);
    this.normalizerSettings = new LinkedHashMap<>(normalizerSettings);
    this.seed = seed;
    this.queryDim = queryDim;
    this.keyDim = keyDim;
    this.parameters = parameters;
  }

  /**
   * Resolves on the driver: finds the providers, distributes {@code --set} keys to the provider that
   * declares them (an undeclared key other than {@code kernels} is refused), and creates the scorer
   * once to fix its parameters.
   */
  public static MechanismSpec resolve(List<String> pluginDirs, Map<String, String> settings, String scorerId,
      String normalizerId, Optional<Path> params, long seed, int queryDim, int keyDim, BufferAllocator allocator) {
    Optional<String> forced = Optional.ofNullable(settings.get("kernels"));
    Registry registry = ExecutorRegistry.get(pluginDirs, forced);
    ScorerProvider sp = registry.require(ScorerProvider.class, scorerId);
    NormalizerProvider np = normalizerId == null ? null : registry.require(NormalizerProvider.class, normalizerId);
    List<Provider> used = new ArrayList<>();
    used.add(sp);
    if (np != null) used.add(np);
    Set<String> declared = new LinkedHashSet<>();
    for (Provider p : used) for (ParameterSpec s : p.parameters()) declared.add(s.name());
    for (String key : settings.keySet()) {
      if (!declared.contains(key) && !IGNORED.contains(key)) {
        List<String> owners = used.stream().map(p -> p.id() + " " + p.parameters().stream().map(ParameterSpec::name).toList()).toList();
        throw new IllegalArgumentException("--set: expected a key declared by " + owners + " or kernels, got '" + key + "'");
      }
    }
    Map<String, String> mineS = own(sp, settings), mineN = np == null ? Map.of() : own(np, settings);
    ProviderConfig base = new ProviderConfig(Settings.resolve(sp.id() + " --set", sp.parameters(), mineS, IGNORED), seed,
        allocator, Optional.empty(), registry.kernels(), registry);
    TensorBundle bundle;
    try (ParameterSet file = params.isPresent() ? MatrixFiles.readParameters(params.get(), allocator) : null) {
      try (Scorer s = sp.create(base.withParameters(Optional.ofNullable(file)), queryDim, keyDim)) {
        bundle = TensorBundle.of(s.parameters());
      }
    }
    if (np != null) np.create(base.withSettings(Settings.resolve(np.id() + " --set", np.parameters(), mineN, IGNORED)));
    return new MechanismSpec(pluginDirs, forced.orElse(null), scorerId, normalizerId, mineS, mineN, seed, queryDim, keyDim,
        bundle);
  }

  private static Map<String, String> own(Provider p, Map<String, String> given) {
    Map<String, String> mine = new LinkedHashMap<>();
    for (ParameterSpec s : p.parameters()) if (given.containsKey(s.name())) mine.put(s.name(), given.get(s.name()));
    return mine;
  }

  public String scorerId() { return scorerId; }

  public String normalizerId() { return normalizerId; }

  public int queryDim() { return queryDim; }

  public int keyDim() { return keyDim; }

  /** This JVM's registry for the job's plugin folders and kernel choice. */
  public Registry registry() { return ExecutorRegistry.get(pluginDirs, Optional.ofNullable(kernels)); }

  /** The kernels of this JVM's registry. */
  public Kernels kernels() { return registry().kernels(); }

  /** A scorer with the driver's parameters, allocating from {@code allocator}; the caller closes it. */
  public Scorer scorer(BufferAllocator allocator) {
    Registry registry = registry();
    ScorerProvider sp = registry.require(ScorerProvider.class, scorerId);
    try (ParameterSet p = parameters.open(allocator)) {
      ProviderConfig c = new ProviderConfig(Settings.resolve(sp.id() + " --set", sp.parameters(), scorerSettings, IGNORED),
          seed, allocator, parameters.isEmpty() ? Optional.empty() : Optional.of(p), registry.kernels(), registry);
      return sp.create(c, queryDim, keyDim);
    }
  }

  /** The normalizer. */
  public Normalizer normalizer(BufferAllocator allocator) {
    Registry registry = registry();
    NormalizerProvider np = registry.require(NormalizerProvider.class, normalizerId);
    return np.create(new ProviderConfig(Settings.resolve(np.id() + " --set", np.parameters(), normalizerSettings, IGNORED),
        seed, allocator, Optional.empty(), registry.kernels(), registry));
  }

  /** The provider config of a {@code scorer:ID} alignment cost (the scorer is created by the aligner). */
  public ProviderConfig alignerConfig(BufferAllocator allocator, ParameterSet params) {
    Registry registry = registry();
    ScorerProvider sp = registry.require(ScorerProvider.class, scorerId);
    return new ProviderConfig(Settings.resolve(sp.id() + " --set", sp.parameters(), scorerSettings, IGNORED), seed,
        allocator, parameters.isEmpty() ? Optional.empty() : Optional.of(params), registry.kernels(), registry);
  }

  /** The scorer's parameters, allocated from {@code allocator}; the caller closes them. */
  public ParameterSet openParameters(BufferAllocator allocator) { return parameters.open(allocator); }
}
