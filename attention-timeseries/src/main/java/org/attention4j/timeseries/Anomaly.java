package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One injected anomaly: the steps [start, end) it affects (a spike: one step; a level shift: the
 * step where the level changes; a period break: the stretch with the other period).
 *
 * @param kind what was injected
 * @param start the first step
 * @param end one past the last step (&gt; start)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Anomaly(Kind kind, int start, int end) {
  /**
   * Kinds of injected anomalies.
   *
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Kind {
    /** One step far from the signal. */
    SPIKE,
    /** The level changes from this step on (a change point). */
    LEVEL_SHIFT,
    /** A stretch whose period differs (a change of regime that keeps the range of values). */
    PERIOD_BREAK
  }

  /** Checks the range. */
  public Anomaly {
    Objects.requireNonNull(kind, "kind");
    if (start < 0 || end <= start) throw new IllegalArgumentException("anomaly: expected 0 <= start < end, got [" + start + ", " + end + ")");
  }

  /** True when step t is within {@code tolerance} steps of [start, end). */
  public boolean covers(int t, int tolerance) { return t >= start - tolerance && t < end + tolerance; }
}
