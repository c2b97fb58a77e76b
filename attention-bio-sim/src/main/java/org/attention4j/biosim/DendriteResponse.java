package org.attention4j.biosim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What one simulation of the {@link DendriteModel} produced, counted over the analysis window
 * [{@code discardMs}, {@code durationMs}] (the start is discarded as a transient).
 *
 * @param spikeTimesMs somatic spike times inside the window (ms from the start of the run)
 * @param rateHz spikes per second inside the window
 * @param bursts bursts inside the window: maximal runs of two or more spikes whose consecutive
 *     intervals are below {@link DendriteParameters#burstIsi()}
 * @param spikesInBursts spikes that belong to a burst
 * @param calciumEvents dendritic Ca²⁺ spikes inside the window (upward crossings of m = 0.5)
 * @param maxSomaDepolarizationMv the largest somatic potential inside the window minus E_L (the cut
 *     at V_cut when the soma spikes)
 * @param maxTuftMv the largest tuft potential inside the window (mV)
 * @param steps accepted integrator steps over the whole run
 * @param trace the sampled potentials, when asked for
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record DendriteResponse(double[] spikeTimesMs, double rateHz, int bursts, int spikesInBursts, int calciumEvents,
    double maxSomaDepolarizationMv, double maxTuftMv, long steps, Optional<Trace> trace) {

  /** Fraction of spikes that belong to bursts (0 when there is no spike). */
  public double burstFraction() { return spikeTimesMs.length == 0 ? 0 : spikesInBursts / (double) spikeTimesMs.length; }

  /**
   * Potentials sampled every {@code stepMs} over the window.
   *
   * @param timeMs sample times (ms from the start of the run)
   * @param somaMv somatic potential (mV); the AdEx soma is cut at V_cut, so spikes show as the cut
   * @param tuftMv tuft potential (mV)
   */
  public record Trace(double[] timeMs, double[] somaMv, double[] tuftMv) {}

  /**
   * Counts bursts: maximal runs of two or more spikes whose consecutive intervals are all below
   * {@code maxIsiMs}. Returns {bursts, spikes in bursts}.
   */
  public static int[] countBursts(double[] spikeTimesMs, double maxIsiMs) {
    int bursts = 0, inBursts = 0, run = 1;
    for (int i = 1; i <= spikeTimesMs.length; i++) {
      boolean close = i < spikeTimesMs.length && spikeTimesMs[i] - spikeTimesMs[i - 1] < maxIsiMs;
      if (close) {
        run++;
      } else {
        if (run >= 2) {
          bursts++;
          inBursts += run;
        }
        run = 1;
      }
    }
    return new int[] {bursts, inBursts};
  }
}
