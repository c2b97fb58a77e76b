package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * How a key is compared with a query in a hard lookup. Scores are float64 from the float32 inputs:
 * {@link #IP} qᵀk and {@link #COS} qᵀk / (‖q‖·‖k‖), best = largest; {@link #L2} the squared
 * Euclidean distance ‖q − k‖², best = smallest.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Metric {
  /** Inner product qᵀk (maximum inner product search). */
  IP("ip"),
  /** Cosine similarity; a zero-norm key or query is refused. */
  COS("cos"),
  /** Squared Euclidean distance, ascending. */
  L2("l2");

  private final String id;

  Metric(String id) { this.id = id; }

  /** The name used on the command line ({@code ip}, {@code cos}, {@code l2}). */
  public String id() { return id; }

  /** True when a larger score is better (ip, cos); false for distances (l2). */
  public boolean descending() { return this != L2; }

  /** Parses {@code ip}, {@code cos} or {@code l2}; the error names {@code argument}. */
  public static Metric parse(String name, String argument) {
    if (name != null) {
      for (Metric m : values()) if (m.id.equals(name.strip().toLowerCase(Locale.ROOT))) return m;
    }
    throw new IllegalArgumentException(argument + ": expected ip, cos or l2, got '" + name + "'");
  }

  @Override public String toString() { return id; }
}
