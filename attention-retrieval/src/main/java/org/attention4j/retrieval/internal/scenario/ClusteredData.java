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
    Random r = new Random(seed);
    float[] centres = new float[clusters * d];
    for (int i = 0; i < centres.length; i++) centres[i] = (float) r.nextGaussian();
    float[] k = new float[Math.multiplyExact(n, d)];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(clusters);
      for (int j = 0; j < d; j++) k[i * d + j] = (float) (centres[c * d + j] + spread * r.nextGaussian());
    }
    return k;
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
