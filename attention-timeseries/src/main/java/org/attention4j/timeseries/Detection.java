package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apiguardian.api.API;

/**
 * From per-step scores to detections, and detections scored against the injected truth.
 *
 * <p><b>Rule</b> (the same for every detector): scores are turned into robust z-scores,
 * (score − median) / (1.4826·MAD); steps above {@code threshold} are candidates; the highest
 * candidate is kept and every candidate within {@code separation} steps of a kept one is dropped
 * (non-maximum suppression), so one anomaly gives one detection.
 *
 * <p><b>Scoring</b>: a detection is correct when it lies within {@code tolerance} steps of an
 * anomaly's range [start, end); precision = correct detections / detections (0 when there are
 * none); recall = anomalies with at least one correct detection / anomalies; F1 their harmonic mean.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Detection {
  private Detection() {}

  /**
   * A scored set of detections.
   *
   * @param detections how many
   * @param correct detections near an anomaly
   * @param found anomalies with a detection
   * @param anomalies anomalies in the truth
   * @param precision correct / detections
   * @param recall found / anomalies
   * @param f1 2PR / (P + R), 0 when both are 0
   * @param threshold the robust-z threshold used
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Score(int detections, int correct, int found, int anomalies, double precision, double recall, double f1,
      double threshold) {}

  /** (x − median) / (1.4826·MAD); a MAD of 0 is replaced by the mean absolute deviation, then by 1. */
  public static double[] robustZ(double[] scores) {
    requireFinite(scores);
    double med = median(scores);
    double[] dev = new double[scores.length];
    double mean = 0;
    for (int i = 0; i < scores.length; i++) {
      dev[i] = Math.abs(scores[i] - med);
      mean += dev[i] / scores.length;
    }
    double mad = 1.4826 * median(dev);
    if (!(mad > 0)) mad = mean > 0 ? mean : 1;
    double[] z = new double[scores.length];
    for (int i = 0; i < z.length; i++) z[i] = (scores[i] - med) / mad;
    return z;
  }

  /** The detected steps, ascending: robust z above {@code threshold}, one per {@code separation} neighbourhood. */
  public static int[] detect(double[] scores, double threshold, int separation) {
    return detectStandardized(robustZ(scores), threshold, separation);
  }

  /** The robust z-score of each score, then the largest over the detectors, step by step. */
  public static double[] combine(double[]... scores) {
    if (scores.length == 0) throw new IllegalArgumentException("scores: expected at least one detector, got none");
    double[] out = robustZ(scores[0]);
    for (int k = 1; k < scores.length; k++) {
      double[] z = robustZ(scores[k]);
      if (z.length != out.length) {
        throw new IllegalArgumentException("scores: expected " + out.length + " steps per detector, got " + z.length);
      }
      for (int i = 0; i < z.length; i++) out[i] = Math.max(out[i], z[i]);
    }
    return out;
  }

  /** As {@link #detect} for scores that are already standardised (e.g. from {@link #combine}). */
  public static int[] detectStandardized(double[] z, double threshold, int separation) {
    if (separation < 0) throw new IllegalArgumentException("separation: expected >= 0 steps, got " + separation);
    requireFinite(z);
    Integer[] order = IntStream.range(0, z.length).filter(i -> z[i] > threshold).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -z[i]).thenComparingInt(i -> i));
    boolean[] blocked = new boolean[z.length];
    List<Integer> kept = new ArrayList<>();
    for (int i : order) {
      if (blocked[i]) continue;
      kept.add(i);
      for (int k = Math.max(0, i - separation); k <= Math.min(z.length - 1, i + separation); k++) blocked[k] = true;
    }
    return kept.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /** Scores {@code detections} against {@code truth}. */
  public static Score evaluate(int[] detections, List<Anomaly> truth, int tolerance, double threshold) {
    if (tolerance < 0) throw new IllegalArgumentException("tolerance: expected >= 0 steps, got " + tolerance);
    int correct = 0;
    boolean[] hit = new boolean[truth.size()];
    for (int t : detections) {
      boolean ok = false;
      for (int a = 0; a < truth.size(); a++) {
        if (truth.get(a).covers(t, tolerance)) {
          hit[a] = true;
          ok = true;
        }
      }
      if (ok) correct++;
    }
    int found = 0;
    for (boolean h : hit) if (h) found++;
    double p = detections.length == 0 ? 0 : (double) correct / detections.length;
    double r = truth.isEmpty() ? 1 : (double) found / truth.size();
    double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
    return new Score(detections.length, correct, found, truth.size(), p, r, f1, threshold);
  }

  /** {@link #detect} then {@link #evaluate}. */
  public static Score evaluate(double[] scores, List<Anomaly> truth, double threshold, int separation, int tolerance) {
    return evaluate(detect(scores, threshold, separation), truth, tolerance, threshold);
  }

  /**
   * The best F1 over thresholds (an oracle that sees the truth, to compare detectors apart from the
   * threshold rule): every robust z of a local maximum is tried as a threshold just below it.
   */
  public static Score best(double[] scores, List<Anomaly> truth, int separation, int tolerance) {
    return bestStandardized(robustZ(scores), truth, separation, tolerance);
  }

  /** As {@link #best} for scores that are already standardised. */
  public static Score bestStandardized(double[] z, List<Anomaly> truth, int separation, int tolerance) {
    double[] candidates = Arrays.stream(z).sorted().distinct().toArray();
    Score best = evaluate(new int[0], truth, tolerance, Double.POSITIVE_INFINITY);
    // thresholds just below each distinct value, from the top, while they can still change the detections
    int tried = 0;
    for (int i = candidates.length - 1; i >= 0 && tried < 400; i--, tried++) {
      double th = Math.nextDown(candidates[i]);
      Score s = evaluate(detectStandardized(z, th, separation), truth, tolerance, th);
      if (s.f1() > best.f1()) best = s;
    }
    return best;
  }

  static double median(double[] x) {
    double[] c = x.clone();
    Arrays.sort(c);
    int n = c.length;
    if (n == 0) throw new IllegalArgumentException("scores: expected at least one score, got none");
    return n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
  }

  private static void requireFinite(double[] x) {
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) throw new IllegalArgumentException("scores: expected finite values, got " + x[i] + " at " + i);
    }
  }
}
