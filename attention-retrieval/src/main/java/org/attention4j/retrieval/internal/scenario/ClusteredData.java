package org.attention4j.retrieval.internal.scenario;

import java.util.Random;

/**
 * Seeded synthetic retrieval data: keys drawn around {@code clusters} Gaussian centres (centres
 * ~ N(0, 1) per coordinate, keys = centre + N(0, spread²)), and queries that are noisy copies of
 * random keys (key + N(0, noise²)).
 */
public final class ClusteredData {
  private ClusteredData() {}

  /** Keys [n·d] row-major. */
  public static float[] keys(int n, int d, int clusters, double spread, long seed) {
    float[] k = new float[Math.multiplyExact(n, d)];
    keysInto(java.lang.foreign.MemorySegment.ofArray(k), n, d, clusters, spread, seed);
    return k;
  }

  /** Writes the keys of {@link #keys} into {@code out} (n·d floats; off the heap for large n). */
  public static void keysInto(java.lang.foreign.MemorySegment out, int n, int d, int clusters, double spread, long seed) {
    Random r = new Random(seed);
    float[] centres = new float[clusters * d];
    for (int i = 0; i < centres.length; i++) centres[i] = (float) r.nextGaussian();
    float[] row = new float[d];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(clusters);
      for (int j = 0; j < d; j++) row[j] = (float) (centres[c * d + j] + spread * r.nextGaussian());
      java.lang.foreign.MemorySegment.copy(row, 0, out, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * d * Float.BYTES, d);
    }
  }

  /** Queries from keys held in a segment: copies of random keys plus N(0, noise²) per coordinate. */
  public static float[] queries(java.lang.foreign.MemorySegment keys, int n, int d, int nq, double noise, long seed) {
    Random r = new Random(seed ^ 0x9E3779B97F4A7C15L);
    float[] q = new float[nq * d];
    for (int i = 0; i < nq; i++) {
      int src = r.nextInt(n);
      for (int j = 0; j < d; j++) {
        q[i * d + j] = (float) (keys.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (long) src * d + j)
            + noise * r.nextGaussian());
      }
    }
    return q;
  }

  /** Queries [nq·d]: copies of random keys plus N(0, noise²) per coordinate. */
  public static float[] queries(float[] keys, int n, int d, int nq, double noise, long seed) {
    Random r = new Random(seed ^ 0x9E3779B97F4A7C15L);
    float[] q = new float[nq * d];
    for (int i = 0; i < nq; i++) {
      int src = r.nextInt(n);
      for (int j = 0; j < d; j++) q[i * d + j] = (float) (keys[src * d + j] + noise * r.nextGaussian());
    }
    return q;
  }
}
