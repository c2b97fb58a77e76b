package org.attention4j.api.internal;

import java.util.Optional;
import org.attention4j.api.ApiVersion;
import org.attention4j.api.spi.KernelProvider;
import org.attention4j.api.spi.Kernels;

/** The always-usable scalar reference kernels (priority 0). */
public final class ScalarKernelProvider implements KernelProvider {
  @Override public String id() { return "scalar"; }
  @Override public String description() { return "scalar reference kernels (always usable)"; }
  /** The api's own version, also on the class path (where there is no module descriptor to read). */
  @Override public String version() { return ApiVersion.full(); }
  @Override public int priority() { return 0; }
  @Override public Optional<String> usable() { return Optional.empty(); }
  @Override public Kernels create() { return new ScalarKernels(); }
}
