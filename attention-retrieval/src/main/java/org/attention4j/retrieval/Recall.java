package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.HashSet;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Recall@k of an approximate search against the exact one: the mean over queries of
 * |approx top-k ∩ exact top-k| / k.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Recall {
  private Recall() {}

  /** Recall@k (k ≤ both results' k; same queries). */
  public static double at(TopK approx, TopK exact, int k) {
    if (approx.queries() != exact.queries()) {
      throw new IllegalArgumentException("approx: expected " + exact.queries() + " queries (= exact), got " + approx.queries());
    }
    if (k < 1 || k > approx.k() || k > exact.k()) {
      throw new IllegalArgumentException("k: expected a count in [1, " + Math.min(approx.k(), exact.k()) + "], got " + k);
    }
    double total = 0;
    for (int q = 0; q < exact.queries(); q++) {
      Set<Long> truth = new HashSet<>();
      for (int r = 0; r < k; r++) truth.add(exact.id(q, r));
      int hit = 0;
      for (int r = 0; r < k; r++) if (truth.contains(approx.id(q, r))) hit++;
      total += (double) hit / k;
    }
    return exact.queries() == 0 ? 1 : total / exact.queries();
  }
}
