package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A set of compute kernels ({@code scalar} in attention-api, {@code simd} in attention-simd). The
 * registry makes the usable provider with the highest priority active (or the one forced with
 * {@code --set kernels=ID}), and lists the others as available or rejected with the reason.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface KernelProvider extends Provider {
  /** Higher wins among usable providers. The scalar reference has priority 0. */
  int priority();

  /** Empty when these kernels can run in this JVM, else the reason they cannot (one line). */
  Optional<String> usable();

  /** The kernels; only called when {@link #usable()} is empty. */
  Kernels create();
}
