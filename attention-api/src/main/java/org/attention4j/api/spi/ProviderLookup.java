package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Finds active providers by kind and id, so that modules reach each other's mechanisms without
 * importing them. Implemented by the registry.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ProviderLookup {
  /**
   * The active provider of {@code kind} with {@code id}; an {@link IllegalArgumentException} names
   * the id and lists the installed ones (or says why it was rejected).
   */
  <P extends Provider> P require(Class<P> kind, String id);

  /** Every active provider of {@code kind}, ordered by id. */
  <P extends Provider> List<P> active(Class<P> kind);

  /** The kernels of the active kernel provider. */
  Kernels kernels();
}
