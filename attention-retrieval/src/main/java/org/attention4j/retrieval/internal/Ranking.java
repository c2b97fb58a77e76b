package org.attention4j.retrieval.internal;

import java.util.Arrays;

/** Ranking by (score, id): best first, ties by the lower id (docs/CLI.md). */
public final class Ranking {
  private Ranking() {}

  /** The k best ids with their scores, best first. */
  public record Scored(long[] ids, double[] scores) {
    /** The score of the last (k-th) entry. */
    public double kernelScoreOfLast() { return scores[scores.length - 1]; }
  }

  /** The best {@code k} of {@code ids} by {@code scores} (larger first when {@code descending}). */
  public static Scored best(int[] ids, double[] scores, int k, boolean descending) {
    Integer[] order = new Integer[ids.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> {
      int c = descending ? Double.compare(scores[b], scores[a]) : Double.compare(scores[a], scores[b]);
      return c != 0 ? c : Integer.compare(ids[a], ids[b]);
    });
    long[] outIds = new long[k];
    double[] outScores = new double[k];
    for (int r = 0; r < k; r++) {
      outIds[r] = ids[order[r]];
      outScores[r] = scores[order[r]];
    }
    return new Scored(outIds, outScores);
  }

  /** Merges ranked parts into the best {@code k}. */
  public static Scored merge(Scored[] parts, int k, boolean descending) {
    int total = 0;
    for (Scored p : parts) total += p.ids().length;
    int[] ids = new int[total];
    double[] s = new double[total];
    int c = 0;
    for (Scored p : parts) {
      for (int j = 0; j < p.ids().length; j++) {
        ids[c] = (int) p.ids()[j];
        s[c++] = p.scores()[j];
      }
    }
    return best(ids, s, k, descending);
  }
}
