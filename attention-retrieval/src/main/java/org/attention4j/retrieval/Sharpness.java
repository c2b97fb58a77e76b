package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * How concentrated the attention weights p = softmax(s/T) over all n keys are, per query: the
 * entropy H = −Σ p·log p in nats (0 = all weight on one key, log n = uniform), the weight on the
 * best-scoring key (the nearest key under the scorer; ties to the lower id) and that key's id.
 *
 * @param temperature T
 * @param entropy H per query
 * @param topWeight the weight on the best key, per query
 * @param topId the best key's id, per query
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Sharpness(double temperature, double[] entropy, double[] topWeight, long[] topId) {
  /** The mean entropy over queries (nats). */
  public double meanEntropy() { return mean(entropy); }

  /** The mean weight on the best key over queries. */
  public double meanTopWeight() { return mean(topWeight); }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) s += v;
    return x.length == 0 ? 0 : s / x.length;
  }
}
