package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * The result of a hard lookup: for each of {@code queries} rows, {@code k} ids (row indices of the
 * keys), best first — by descending score for ip and cos, by ascending squared distance for l2 — with
 * ties going to the lower id, and their float64 scores. Row-major [queries, k].
 *
 * @param metric the metric the scores are in
 * @param queries the number of queries
 * @param k ids per query
 * @param ids the ids, row-major [queries, k]
 * @param scores the scores (l2: squared distances), row-major [queries, k]
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TopK(Metric metric, int queries, int k, long[] ids, double[] scores) {
  public TopK {
    if (ids.length != (long) queries * k || scores.length != ids.length) {
      throw new IllegalArgumentException("ids: expected " + (long) queries * k + " entries ([" + queries + ", " + k + "]), got "
          + ids.length + " ids and " + scores.length + " scores");
    }
  }

  /** The id at rank {@code rank} (0 = best) for query {@code query}. */
  public long id(int query, int rank) { return ids[query * k + rank]; }

  /** The score at rank {@code rank} for query {@code query}. */
  public double score(int query, int rank) { return scores[query * k + rank]; }

  /** The ids of one query, best first. */
  public long[] idsOf(int query) { return Arrays.copyOfRange(ids, query * k, (query + 1) * k); }

  @Override public boolean equals(Object o) {
    return o instanceof TopK t && t.metric == metric && t.queries == queries && t.k == k && Arrays.equals(t.ids, ids)
        && Arrays.equals(t.scores, scores);
  }

  @Override public int hashCode() { return 31 * Arrays.hashCode(ids) + Arrays.hashCode(scores); }

  @Override public String toString() { return "TopK[" + metric + ", " + queries + " x " + k + "]"; }
}
