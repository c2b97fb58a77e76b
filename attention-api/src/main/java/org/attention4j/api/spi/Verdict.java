package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * What a scenario's measurement says about the claim it tests.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Verdict {
  SUPPORTS, CONTRADICTS, INCONCLUSIVE;

  /** The lower-case name used in JSON ({@code supports}, …). */
  public String json() { return name().toLowerCase(Locale.ROOT); }
}
