package org.attention4j.align;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A posterior over global shifts: {@code p(τ) ∝ exp(mean(τ)/T)}, the softmax of the mean landscape
 * at temperature T (a Gibbs distribution whose energies are the negated mean scores).
 *
 * @param temperature T &gt; 0
 * @param tau the shifts, as in the landscape
 * @param probability p(τ) per shift (sums to 1)
 * @param tauMap the most probable shift; softmax is monotone, so it is the landscape's τ* (same ties)
 * @param margin p(τ_map) minus the second largest probability (p(τ_map) when there is one shift)
 * @param entropy −Σ p ln p, in nats (0 for a certain shift, ln(2S + 1) for a flat landscape)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ShiftPosterior(double temperature, int[] tau, double[] probability, int tauMap, double margin,
    double entropy) {
  @Override public boolean equals(Object o) {
    return o instanceof ShiftPosterior p && Double.compare(temperature, p.temperature) == 0 && tauMap == p.tauMap
        && Double.compare(margin, p.margin) == 0 && Double.compare(entropy, p.entropy) == 0 && Arrays.equals(tau, p.tau)
        && Arrays.equals(probability, p.probability);
  }

  @Override public int hashCode() { return 31 * Arrays.hashCode(probability) + tauMap; }

  @Override public String toString() {
    return "ShiftPosterior[T=" + temperature + ", tau_map=" + tauMap + ", margin=" + margin + ", entropy=" + entropy + "]";
  }
}
