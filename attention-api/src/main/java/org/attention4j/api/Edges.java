package org.attention4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Edge lists of {@code Scorer.scorePairs}: one (query row, key row) pair per edge, as two arrays.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Edges {
  private Edges() {}

  /**
   * Checks that {@code src} and {@code dst} are non-null and of equal length, that every source is
   * in [0, n_q) and every destination in [0, n_k); the message names the array, the edge, the
   * expected range and the actual index.
   */
  public static void require(int[] src, int[] dst, int nq, int nk) {
    if (src == null) throw new IllegalArgumentException("src: expected an array of query row indices, got null");
    if (dst == null) throw new IllegalArgumentException("dst: expected an array of key row indices, got null");
    if (dst.length != src.length) {
      throw new IllegalArgumentException("dst: expected " + src.length + " indices (= src length), got " + dst.length);
    }
    for (int e = 0; e < src.length; e++) {
      if (src[e] < 0 || src[e] >= nq) {
        throw new IllegalArgumentException("src: expected indices in [0, " + nq + ") (query rows), got " + src[e]
            + " at edge " + e);
      }
      if (dst[e] < 0 || dst[e] >= nk) {
        throw new IllegalArgumentException("dst: expected indices in [0, " + nk + ") (keys rows), got " + dst[e]
            + " at edge " + e);
      }
    }
  }
}
