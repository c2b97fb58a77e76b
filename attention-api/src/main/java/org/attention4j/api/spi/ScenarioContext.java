package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.concurrent.CancellationException;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.Settings;
import org.apiguardian.api.API;

/**
 * What a running scenario gets: its resolved parameters, a seed, an allocator it must leave empty,
 * other providers by id, progress reporting and cancellation.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ScenarioContext {
  /** Resolved scenario parameters (defaults, quick set unless full, then {@code --param}). */
  Settings parameters();

  /** Settings for the providers the scenario creates ({@code --set}). */
  Settings providerSettings();

  long seed();

  /** Allocator for the run; everything allocated must be closed before {@code run} returns. */
  BufferAllocator allocator();

  /** Scorers, normalizers and kernels by id. */
  ProviderLookup lookup();

  /** Reports progress in [0, 1] with a short message; cheap to call often. */
  void progress(double fraction, String message);

  /** True once the user asked to stop. */
  boolean cancelled();

  /** Throws {@link CancellationException} when {@link #cancelled()}. */
  default void checkCancelled() {
    if (cancelled()) throw new CancellationException("scenario cancelled");
  }
}
