package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * A runnable measurement of one claim of the chapter (see SEED-DIGEST): parameters with defaults
 * ({@link #parameters()}) and a quick set ({@link #quick()}, ≤ 15 s on 2 cores), returning metrics,
 * a verdict and data-only figures.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ScenarioProvider extends Provider {
  /** The SEED-DIGEST section it measures ({@code "1.1"} … {@code "4.2"}), {@code "C"} or {@code "other"}. */
  String claim();

  /** A short title for listings and the report. */
  String title();

  /** Overrides of the defaults for a quick run (tests and the default report). */
  Map<String, String> quick();

  /** Runs it. Reports progress and honours cancellation through {@code context}. */
  ScenarioResult run(ScenarioContext context);

  /** Scenarios describe themselves by their title. */
  @Override default String description() { return title(); }
}
