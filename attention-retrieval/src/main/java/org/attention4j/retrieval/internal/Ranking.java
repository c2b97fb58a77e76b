package org.attention4j.retrieval.internal;

/** Ranking by (score, id): best first, ties by the lower id (docs/CLI.md). */
public final class Ranking {
  private Ranking() {}

  /** The k best ids with their scores, best first. */
  public record Scored(long[] ids, double[] scores) {
    /** The score of the last (k-th) entry. */
    public double kernelScoreOfLast() { return scores[scores.length - 1]; }
  }

  /**
   * The best {@code k} of {@code ids} by {@code scores} (larger first when {@code descending}): a
   * bounded heap keeps the k best seen (worst at the root), O(m log k) without boxing, then the k are
   * sorted.
   */
  public static Scored best(int[] ids, double[] scores, int k, boolean descending) {
    int m = ids.length;
    k = Math.min(k, m);
    int[] heap = new int[k];                                     // indices into ids/scores; root = worst kept
    int size = 0;
    for (int i = 0; i < m; i++) {
      if (size < k) {
        heap[size] = i;
        up(heap, size++, ids, scores, descending);
      } else if (better(i, heap[0], ids, scores, descending)) {
        heap[0] = i;
        down(heap, size, ids, scores, descending);
      }
    }
    long[] outIds = new long[k];
    double[] outScores = new double[k];
    for (int r = k - 1; r >= 0; r--) {                          // pop worst first
      int w = heap[0];
      outIds[r] = ids[w];
      outScores[r] = scores[w];
      heap[0] = heap[--size];
      down(heap, size, ids, scores, descending);
    }
    return new Scored(outIds, outScores);
  }

  /** Whether entry a ranks before entry b: better score, or equal score and lower id. */
  private static boolean better(int a, int b, int[] ids, double[] s, boolean descending) {
    int c = descending ? Double.compare(s[a], s[b]) : Double.compare(s[b], s[a]);
    return c > 0 || (c == 0 && ids[a] < ids[b]);
  }

  private static void up(int[] h, int i, int[] ids, double[] s, boolean desc) {
    while (i > 0) {
      int p = (i - 1) / 2;
      if (!better(h[p], h[i], ids, s, desc)) break;             // parent must be the worse one
      int t = h[p];
      h[p] = h[i];
      h[i] = t;
      i = p;
    }
  }

  private static void down(int[] h, int size, int[] ids, double[] s, boolean desc) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1, r = l + 1, w = i;
      if (l < size && better(h[w], h[l], ids, s, desc)) w = l;
      if (r < size && better(h[w], h[r], ids, s, desc)) w = r;
      if (w == i) return;
      int t = h[w];
      h[w] = h[i];
      h[i] = t;
      i = w;
    }
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
