package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * Seeded benchmark series with injected anomalies. The clean signal is periodic with a
 * non-sinusoidal shape, x_t = A·(sin φ_t + ½ sin(2φ_t + 0.7)) with phase φ_t = 2πt/P, plus white
 * Gaussian noise σ. Into it go:
 * <ul>
 *   <li>spikes: x_t += ±{@code spikeSize} at one step;</li>
 *   <li>level shifts: x_t += ±{@code shiftSize} for every step from t on (they accumulate);</li>
 *   <li>period breaks: for {@code breakLength} steps the phase advances at {@code breakFactor} times
 *       its normal rate (continuous at the start; the original phase resumes after), so values stay
 *       in range and only the shape over time changes.</li>
 * </ul>
 * Anomalies are placed at random, in random order of kinds, at least {@code gap} steps apart and at
 * least {@code gap} steps from both ends; the same seed gives the same series.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class InjectedSeries {
  private InjectedSeries() {}

  /**
   * What to generate.
   *
   * @param n steps
   * @param period P (steps, ≥ 2)
   * @param amplitude A
   * @param noise σ
   * @param spikes number of spikes
   * @param shifts number of level shifts
   * @param breaks number of period breaks
   * @param spikeSize spike height
   * @param shiftSize level change
   * @param breakLength steps of each period break
   * @param breakFactor phase rate inside a break (≠ 1)
   * @param gap minimum distance between anomalies and from the ends (steps)
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Config(int n, int period, double amplitude, double noise, int spikes, int shifts, int breaks,
      double spikeSize, double shiftSize, int breakLength, double breakFactor, int gap) {
    /** Checks the values. */
    public Config {
      if (period < 2) throw new IllegalArgumentException("period: expected at least 2 steps, got " + period);
      if (spikes < 0 || shifts < 0 || breaks < 0) {
        throw new IllegalArgumentException("anomalies: expected counts >= 0, got " + spikes + ", " + shifts + ", " + breaks);
      }
      if (!(noise >= 0)) throw new IllegalArgumentException("noise: expected >= 0, got " + noise);
      if (breakLength < 1) throw new IllegalArgumentException("break length: expected at least 1 step, got " + breakLength);
      if (!(breakFactor > 0) || breakFactor == 1) {
        throw new IllegalArgumentException("break factor: expected > 0 and != 1, got " + breakFactor);
      }
      if (gap < 1) throw new IllegalArgumentException("gap: expected at least 1 step, got " + gap);
      long needed = (long) spikes + shifts + (long) breaks * breakLength + (long) (spikes + shifts + breaks + 1) * gap;
      if (n < needed) {
        throw new IllegalArgumentException("n: expected at least " + needed + " steps for " + (spikes + shifts + breaks)
            + " anomalies " + gap + " apart, got " + n);
      }
    }

    /** The built-in benchmark: period 24, A = 1, σ = 0.15, spikes 2.5, shifts 2, breaks of 2 periods at twice the rate. */
    public static Config benchmark(int n, int spikes, int shifts, int breaks) {
      return new Config(n, 24, 1.0, 0.15, spikes, shifts, breaks, 2.5, 2.0, 48, 2.0, 72);
    }
  }

  /**
   * A generated series and its truth, sorted by start.
   *
   * @param series the series (univariate)
   * @param truth the injected anomalies
   * @param clean the signal before noise and anomalies
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Generated(TimeSeries series, List<Anomaly> truth, double[] clean) {}

  /** Generates a series from {@code config} and {@code seed}. */
  public static Generated generate(Config c, long seed) {
    Random r = new Random(seed);
    List<Anomaly.Kind> kinds = new ArrayList<>();
    for (int i = 0; i < c.spikes(); i++) kinds.add(Anomaly.Kind.SPIKE);
    for (int i = 0; i < c.shifts(); i++) kinds.add(Anomaly.Kind.LEVEL_SHIFT);
    for (int i = 0; i < c.breaks(); i++) kinds.add(Anomaly.Kind.PERIOD_BREAK);
    java.util.Collections.shuffle(kinds, r);
    // place in order with random slack: the free steps are spread over the gaps by sorted uniforms
    int k = kinds.size();
    int[] lengths = new int[k];
    int used = 0;
    for (int i = 0; i < k; i++) {
      lengths[i] = kinds.get(i) == Anomaly.Kind.PERIOD_BREAK ? c.breakLength() : 1;
      used += lengths[i];
    }
    int free = c.n() - used - (k + 1) * c.gap();
    double[] u = new double[k];
    for (int i = 0; i < k; i++) u[i] = r.nextDouble() * free;
    java.util.Arrays.sort(u);
    List<Anomaly> truth = new ArrayList<>();
    int pos = c.gap();
    int prevSlack = 0;
    for (int i = 0; i < k; i++) {
      int slack = (int) u[i];
      pos += slack - prevSlack;
      prevSlack = slack;
      truth.add(new Anomaly(kinds.get(i), pos, pos + lengths[i]));
      pos += lengths[i] + c.gap();
    }
    truth.sort(Comparator.comparingInt(Anomaly::start));

    int n = c.n();
    double[] phase = new double[n];
    double rate = 2 * Math.PI / c.period();
    for (int t = 0; t < n; t++) phase[t] = rate * t;
    double[] level = new double[n];
    double[] spike = new double[n];
    for (Anomaly a : truth) {
      switch (a.kind()) {
        case SPIKE -> spike[a.start()] += (r.nextBoolean() ? 1 : -1) * c.spikeSize();
        case LEVEL_SHIFT -> {
          double delta = (r.nextBoolean() ? 1 : -1) * c.shiftSize();
          for (int t = a.start(); t < n; t++) level[t] += delta;
        }
        case PERIOD_BREAK -> {
          for (int t = a.start(); t < a.end(); t++) phase[t] = rate * a.start() + c.breakFactor() * rate * (t - a.start());
        }
      }
    }
    double[] clean = new double[n], x = new double[n];
    for (int t = 0; t < n; t++) {
      clean[t] = c.amplitude() * (Math.sin(phase[t]) + 0.5 * Math.sin(2 * phase[t] + 0.7));
      x[t] = clean[t] + level[t] + spike[t] + c.noise() * r.nextGaussian();
    }
    return new Generated(new TimeSeries(n, 1, x), List.copyOf(truth), clean);
  }
}
