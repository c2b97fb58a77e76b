package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.Settings;
import org.apiguardian.api.API;

/**
 * What a provider is created with.
 *
 * @param settings resolved settings ({@code --set}), checked against {@link Provider#parameters()}
 * @param seed the seed for anything random (initialisers)
 * @param allocator where the created object allocates what it keeps (e.g. parameters); the caller
 *     owns it and closes it after closing the created object
 * @param parameters tensors loaded from a parameter file, if given; the caller owns them, the
 *     provider copies what it keeps
 * @param kernels the kernels to compute with
 * @param lookup other providers, by id (e.g. per-head scorers of a layer)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ProviderConfig(Settings settings, long seed, BufferAllocator allocator, Optional<ParameterSet> parameters,
    Kernels kernels, ProviderLookup lookup) {
  public ProviderConfig {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(kernels, "kernels");
    Objects.requireNonNull(lookup, "lookup");
  }

  /** The same config with other settings (e.g. resolved for a sub-provider). */
  public ProviderConfig withSettings(Settings other) {
    return new ProviderConfig(other, seed, allocator, parameters, kernels, lookup);
  }

  /** The same config with other parameters. */
  public ProviderConfig withParameters(Optional<ParameterSet> other) {
    return new ProviderConfig(settings, seed, allocator, other, kernels, lookup);
  }
}
