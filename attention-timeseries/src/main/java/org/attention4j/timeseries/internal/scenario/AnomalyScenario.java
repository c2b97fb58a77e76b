package org.attention4j.timeseries.internal.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.api.spi.Verdict;
import org.attention4j.timeseries.Anomaly;
import org.attention4j.timeseries.AttentionMap;
import org.attention4j.timeseries.Detection;
import org.attention4j.timeseries.InjectedSeries;
import org.attention4j.timeseries.Periodicity;
import org.attention4j.timeseries.RollingZScore;
import org.attention4j.timeseries.SeriesAttention;
import org.attention4j.timeseries.TimeSeries;
import org.attention4j.timeseries.WindowEmbedding;
import org.attention4j.timeseries.internal.Figures;

/**
 * SEED-DIGEST 2.1, detection: attention over standardised windows picks out anomalies, change points
 * and periodic patterns. On seeded periodic series with injected spikes, level shifts and period
 * breaks ({@link InjectedSeries}), every step attends to the windows that look like it (excluding
 * its own neighbourhood); the anomaly score is how badly attention rebuilds the step
 * ({@link AttentionMap#reconstructionError}). One threshold rule for every detector
 * ({@link Detection}: robust z above {@code threshold}, one detection per window) gives precision,
 * recall and F1 against the injected truth, pooled over the seeds, for each scorer family and for a
 * rolling z-score baseline; the best F1 over thresholds (an oracle) is reported beside it.
 * Periodicity: the attention mass by lag peaks at the period (estimated vs true).
 *
 * <p>With {@code series=F} (.npy or CSV, [n] or [n, d]) the same detectors run on a user's series:
 * there is no truth, so the result lists the detections and the estimated period, and the verdict
 * is inconclusive.
 *
 * <p>Verdict (built-in series): supports when every scorer's F1 is ≥ 0.9 and above the baseline's and
 * the period is recovered (±1 step) on every series; contradicts when some scorer's F1 is not above
 * the baseline's; inconclusive otherwise.
 */
public final class AnomalyScenario implements ScenarioProvider {
  @Override public String id() { return "timeseries-anomaly"; }

  @Override public String claim() { return "2.1"; }

  @Override public String title() {
    return "Attention over windows detects spikes, level shifts and period breaks, and finds the period";
  }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec("series", "", "a user's series (.npy or .csv, [n] or [n, d]); empty = the built-in benchmark"),
        new ParameterSpec("n", "1920", "steps of each built-in series"),
        new ParameterSpec("seeds", "5", "built-in series (one per seed)"),
        new ParameterSpec("spikes", "4", "spikes per built-in series"),
        new ParameterSpec("shifts", "3", "level shifts per built-in series"),
        new ParameterSpec("breaks", "3", "period breaks per built-in series (48 steps at twice the phase rate)"),
        new ParameterSpec("period", "24", "period of the built-in series (steps)"),
        new ParameterSpec("scorers", "bilinear,additive", "scorers to attend with (comma-separated ids)"),
        new ParameterSpec("init", "similarity", "scorer parameters: similarity (bilinear, additive) or provider (seeded)"),
        new ParameterSpec("h", "32", "hidden size of the additive similarity construction (even)"),
        new ParameterSpec("epochs", "0", "training epochs fitting each scorer to rebuild the series (0 = none)"),
        new ParameterSpec("lr", "0.01", "Adam learning rate when epochs > 0"),
        new ParameterSpec("window", "17", "window length L (steps)"),
        new ParameterSpec("exclusion", "-1", "keys within this many steps are excluded (-1 = ceil(L/2))"),
        new ParameterSpec("temperature", "0.1", "softmax temperature (score units)"),
        new ParameterSpec("score", "combined", "attention anomaly score: reconstruction, locality, neglect or combined "
            + "(the larger robust z of reconstruction and locality)"),
        new ParameterSpec("context", "-1", "radius of the locality score (steps; -1 = 4 L)"),
        new ParameterSpec("threshold", "5", "robust z-score above which a step is detected (every detector)"),
        new ParameterSpec("baseline-window", "48", "steps of the rolling z-score baseline"),
        new ParameterSpec("max-lag", "-1", "largest lag searched for the period (-1 = n/4)"));
  }

  @Override public Map<String, String> quick() {
    return Map.of("n", "960", "seeds", "3", "spikes", "3", "shifts", "2", "breaks", "2");
  }

  private record Pooled(int detections, int correct, int found, int anomalies) {
    Pooled add(Detection.Score s) {
      return new Pooled(detections + s.detections(), correct + s.correct(), found + s.found(), anomalies + s.anomalies());
    }

    double precision() { return detections == 0 ? 0 : (double) correct / detections; }

    double recall() { return anomalies == 0 ? 1 : (double) found / anomalies; }

    double f1() {
      double p = precision(), r = recall();
      return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
  }

  /** The attention anomaly score chosen by the parameter {@code score}, standardised. */
  private record ScoreRule(String scoreKind, int context) {
    double[] apply(AttentionMap map) {
      return switch (scoreKind) {
      case "reconstruction" -> Detection.robustZ(map.reconstructionError());
      case "locality" -> Detection.robustZ(map.locality(context));
      case "neglect" -> Detection.robustZ(map.neglect());
      default -> Detection.combine(map.reconstructionError(), map.locality(context));
      };
    }
  }

  @Override
  public ScenarioResult run(ScenarioContext ctx) {
    Settings p = ctx.parameters();
    int window = p.getInt("window"), exclusionParam = p.getInt("exclusion"), h = p.getInt("h");
    int epochs = p.getInt("epochs"), baselineWindow = p.getInt("baseline-window");
    double temperature = p.getDouble("temperature"), threshold = p.getDouble("threshold"), lr = p.getDouble("lr");
    String initText = p.getString("init").trim();
    SeriesAttention.Init init = switch (initText) {
      case "similarity" -> SeriesAttention.Init.SIMILARITY;
      case "provider" -> SeriesAttention.Init.PROVIDER;
      default -> throw new IllegalArgumentException("init: expected similarity or provider, got '" + initText + "'");
    };
    List<String> scorers = Arrays.stream(p.getString("scorers").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (scorers.isEmpty()) throw new IllegalArgumentException("scorers: expected at least one scorer id, got '" + p.getString("scorers") + "'");
    if (window < 1) throw new IllegalArgumentException("window: expected at least 1 step, got " + window);
    if (epochs < 0) throw new IllegalArgumentException("epochs: expected >= 0, got " + epochs);
    int exclusion = exclusionParam < 0 ? (window + 1) / 2 : exclusionParam;
    int context = p.getInt("context") < 0 ? 4 * window : p.getInt("context");
    String scoreKind = p.getString("score").trim();
    if (!List.of("combined", "reconstruction", "locality", "neglect").contains(scoreKind)) {
      throw new IllegalArgumentException("score: expected reconstruction, locality, neglect or combined, got '" + scoreKind + "'");
    }
    if (context <= exclusion) {
      throw new IllegalArgumentException("context: expected more than the exclusion " + exclusion + ", got " + context);
    }
    ScoreRule rule = new ScoreRule(scoreKind, context);
    int separation = window, tolerance = (window + 1) / 2;
    WindowEmbedding embedding = WindowEmbedding.windows(window);
    ProviderConfig providers = new ProviderConfig(ctx.providerSettings(), ctx.seed(), ctx.allocator(), Optional.empty(),
        ctx.lookup().kernels(), ctx.lookup());
    String file = p.getString("series").trim();
    if (!file.isEmpty()) {
      return userSeries(ctx, rule, TimeSeries.read(Path.of(file), ctx.allocator()), file, scorers, providers, embedding,
          temperature, exclusion, init, h, epochs, lr, threshold, separation, baselineWindow, p.getInt("max-lag"));
    }

    int n = p.getInt("n"), seeds = p.getInt("seeds"), period = p.getInt("period");
    if (seeds < 1) throw new IllegalArgumentException("seeds: expected at least 1, got " + seeds);
    InjectedSeries.Config config = new InjectedSeries.Config(n, period, 1.0, 0.15, p.getInt("spikes"), p.getInt("shifts"),
        p.getInt("breaks"), 2.5, 2.0, 2 * period, 2.0, 3 * period);
    int maxLag = p.getInt("max-lag") < 0 ? n / 4 : p.getInt("max-lag");
    checkMaxLag(maxLag, exclusion, n);
    int k = scorers.size();
    Pooled[] pooled = new Pooled[k + 1];
    Arrays.fill(pooled, new Pooled(0, 0, 0, 0));
    double[] bestF1 = new double[k + 1];
    Map<Anomaly.Kind, int[]> kindFound = new LinkedHashMap<>();     // per kind: found per detector, then the count
    for (Anomaly.Kind kind : Anomaly.Kind.values()) kindFound.put(kind, new int[k + 2]);
    int periodOk = 0;
    double periodErrorMax = 0;
    double[] estimatedPeriods = new double[k];
    double[][] firstZ = new double[k + 1][];
    double[][] firstProfiles = new double[k][];
    int[][] firstDetections = new int[k + 1][];
    InjectedSeries.Generated first = null;
    float[] firstWeights = null;
    double[] trainLoss = new double[k];
    Pooled pooledRaw = new Pooled(0, 0, 0, 0);
    int done = 0, total = seeds * k;
    for (int s = 0; s < seeds; s++) {
      InjectedSeries.Generated g = InjectedSeries.generate(config, ctx.seed() * 1_000_003L + s);
      if (s == 0) first = g;
      for (Anomaly a : g.truth()) kindFound.get(a.kind())[k + 1]++;
      List<double[]> scoreList = new ArrayList<>();
      for (int m = 0; m < k; m++) {
        ctx.checkCancelled();
        try (SeriesAttention att = SeriesAttention.builder(scorers.get(m), providers).embedding(embedding)
            .temperature(temperature).exclusion(exclusion).init(init).hidden(h).build()) {
          if (epochs > 0) {
            int mm = m;
            att.fit(g.series(), epochs, lr, 64, ctx.seed() + s).ifPresent(hist -> trainLoss[mm] += hist.finalLoss() / seeds);
          }
          AttentionMap map = att.attend(g.series());
          scoreList.add(rule.apply(map));
          Periodicity.Estimate est = Periodicity.estimate(map, exclusion + 1, maxLag);
          estimatedPeriods[m] += est.period() / (double) seeds;
          int err = Math.abs(est.period() - period);
          periodErrorMax = Math.max(periodErrorMax, err);
          if (err <= 1) periodOk++;
          if (s == 0) {
            firstProfiles[m] = est.profile();
            if (m == 0) firstWeights = map.weights();
          }
        }
        ctx.progress(++done / (double) (total + 1), scorers.get(m) + ", series " + (s + 1) + " of " + seeds);
      }
      double[] rawZ = RollingZScore.scores(g.series(), baselineWindow);
      scoreList.add(Detection.robustZ(rawZ));
      // the baseline's own convention as well: |z| > 3 on the rolling z-score itself
      pooledRaw = pooledRaw.add(Detection.evaluate(Detection.detectStandardized(rawZ, 3, separation), g.truth(), tolerance, 3));
      for (int m = 0; m <= k; m++) {
        double[] sc = scoreList.get(m);
        int[] det = Detection.detectStandardized(sc, threshold, separation);
        Detection.Score score = Detection.evaluate(det, g.truth(), tolerance, threshold);
        pooled[m] = pooled[m].add(score);
        bestF1[m] += Detection.bestStandardized(sc, g.truth(), separation, tolerance).f1() / seeds;
        for (int a = 0; a < g.truth().size(); a++) {
          Anomaly an = g.truth().get(a);
          for (int t : det) {
            if (an.covers(t, tolerance)) {
              kindFound.get(an.kind())[m]++;
              break;
            }
          }
        }
        if (s == 0) {
          firstZ[m] = sc;
          firstDetections[m] = det;
        }
      }
    }
    ctx.progress(1.0, "done");

    ScenarioResult.Builder b = ScenarioResult.builder();
    String[] names = new String[k + 1];
    for (int m = 0; m < k; m++) names[m] = scorers.get(m);
    names[k] = "rolling-z";
    double minAttentionF1 = Double.POSITIVE_INFINITY, minMargin = Double.POSITIVE_INFINITY;
    for (int m = 0; m <= k; m++) {
      String key = m == k ? "baseline" : metricName(names[m]);
      b.metric(key + "_f1", pooled[m].f1()).metric(key + "_precision", pooled[m].precision())
          .metric(key + "_recall", pooled[m].recall()).metric(key + "_best_f1", bestF1[m]);
      for (Anomaly.Kind kind : Anomaly.Kind.values()) {
        int[] f = kindFound.get(kind);
        if (f[k + 1] > 0) b.metric(key + "_recall_" + kind.name().toLowerCase(Locale.ROOT), (double) f[m] / f[k + 1]);
      }
      if (m < k) {
        minAttentionF1 = Math.min(minAttentionF1, pooled[m].f1());
        minMargin = Math.min(minMargin, pooled[m].f1() - pooled[k].f1());
        b.metric(key + "_estimated_period", estimatedPeriods[m]);
        if (epochs > 0) b.metric(key + "_train_loss", trainLoss[m]);
      }
    }
    b.metric("baseline_abs_z3_f1", pooledRaw.f1()).metric("baseline_abs_z3_precision", pooledRaw.precision())
        .metric("baseline_abs_z3_recall", pooledRaw.recall());
    double periodRate = (double) periodOk / (seeds * k);
    b.metric("attention_f1", minAttentionF1)
        .metric("attention_f1_minus_baseline", minMargin)
        .metric("true_period", period)
        .metric("period_recovered_rate", periodRate)
        .metric("period_max_error", periodErrorMax)
        .metric("anomalies", pooled[0].anomalies())
        .keyMetric("attention_f1");
    Verdict verdict = minMargin <= 0 ? Verdict.CONTRADICTS
        : minAttentionF1 >= 0.9 && periodRate == 1.0 ? Verdict.SUPPORTS : Verdict.INCONCLUSIVE;
    b.verdict(verdict);

    StringBuilder sum = new StringBuilder(String.format(Locale.ROOT,
        "%d seeded series of %d steps (period %d, noise σ = 0.15) with %d injected anomalies in all (%d spikes, %d level "
            + "shifts, %d period breaks). Attention over standardised windows of %d steps (temperature %s, exclusion ±%d, "
            + "init %s%s), anomaly score %s, detected above robust z %s with one detection per %d "
            + "steps, correct within ±%d steps. Pooled F1 (precision/recall; best F1 over thresholds):",
        seeds, n, period, pooled[0].anomalies(), kindFound.get(Anomaly.Kind.SPIKE)[k + 1],
        kindFound.get(Anomaly.Kind.LEVEL_SHIFT)[k + 1], kindFound.get(Anomaly.Kind.PERIOD_BREAK)[k + 1], window,
        Figures.fmt(temperature), exclusion, initText, epochs > 0 ? ", " + epochs + " training epochs" : "",
        scoreKind.equals("combined") ? "= the larger robust z of the reconstruction error and the locality of attention "
            + "within ±" + context + " steps" : "= " + scoreKind, Figures.fmt(threshold), separation, tolerance));
    for (int m = 0; m <= k; m++) {
      sum.append(String.format(Locale.ROOT, " %s %.3f (%.3f/%.3f; %.3f)%s", names[m], pooled[m].f1(), pooled[m].precision(),
          pooled[m].recall(), bestF1[m], m == k ? "." : ","));
    }
    sum.append(String.format(Locale.ROOT, " The baseline with its own rule |z| > 3: F1 %.3f (%.3f/%.3f).", pooledRaw.f1(),
        pooledRaw.precision(), pooledRaw.recall()));
    sum.append(String.format(Locale.ROOT, " Period from the typical attention by lag: recovered (±1) in %d of %d runs "
        + "(largest error %d steps).", periodOk, seeds * k, (int) periodErrorMax));
    b.summary(sum.toString());

    figures(b, first, names, firstZ, firstDetections, firstProfiles, firstWeights, threshold, period, pooled, bestF1);
    return b.build();
  }

  private ScenarioResult userSeries(ScenarioContext ctx, ScoreRule rule, TimeSeries series, String file, List<String> scorers,
      ProviderConfig providers, WindowEmbedding embedding, double temperature, int exclusion, SeriesAttention.Init init,
      int h, int epochs, double lr, double threshold, int separation, int baselineWindow, int maxLagParam) {
    int n = series.n(), k = scorers.size();
    int maxLag = maxLagParam < 0 ? n / 4 : maxLagParam;
    checkMaxLag(maxLag, exclusion, n);
    ScenarioResult.Builder b = ScenarioResult.builder();
    double[][] z = new double[k + 1][];
    int[][] det = new int[k + 1][];
    double[][] profiles = new double[k][];
    StringBuilder sum = new StringBuilder(String.format(Locale.ROOT, "User series %s: %d steps, %d channel%s. ",
        Path.of(file).getFileName(), n, series.d(), series.d() == 1 ? "" : "s"));
    for (int m = 0; m < k; m++) {
      ctx.checkCancelled();
      try (SeriesAttention att = SeriesAttention.builder(scorers.get(m), providers).embedding(embedding)
          .temperature(temperature).exclusion(exclusion).init(init).hidden(h).build()) {
        if (epochs > 0) att.fit(series, epochs, lr, 64, ctx.seed());
        AttentionMap map = att.attend(series);
        z[m] = rule.apply(map);
        det[m] = Detection.detectStandardized(z[m], threshold, separation);
        Periodicity.Estimate est = Periodicity.estimate(map, exclusion + 1, maxLag);
        profiles[m] = est.profile();
        String key = metricName(scorers.get(m));
        b.metric(key + "_detections", det[m].length).metric(key + "_estimated_period", est.period())
            .metric(key + "_period_comb", est.comb());
        sum.append(String.format(Locale.ROOT, "%s: %d detections %s, period %d (comb %.3g). ", scorers.get(m), det[m].length,
            preview(det[m]), est.period(), est.comb()));
      }
      ctx.progress((m + 1.0) / (k + 1), scorers.get(m));
    }
    double[] base = RollingZScore.scores(series, baselineWindow);
    z[k] = Detection.robustZ(base);
    det[k] = Detection.detect(base, threshold, separation);
    b.metric("baseline_detections", det[k].length).metric("steps", n).keyMetric(metricName(scorers.get(0)) + "_detections")
        .verdict(Verdict.INCONCLUSIVE)
        .summary(sum.append(String.format(Locale.ROOT, "rolling z-score: %d detections %s. No injected truth, so nothing is "
            + "scored.", det[k].length, preview(det[k]))).toString());
    String[] names = new String[k + 1];
    for (int m = 0; m < k; m++) names[m] = scorers.get(m);
    names[k] = "rolling-z";
    figures(b, new InjectedSeries.Generated(series, List.of(), new double[n]), names, z, det, profiles, null, threshold, -1,
        null, null);
    ctx.progress(1.0, "done");
    return b.build();
  }

  /** The period search needs lags from exclusion + 1 to at least twice that, inside the series. */
  private static void checkMaxLag(int maxLag, int exclusion, int n) {
    if (maxLag < 2 * (exclusion + 1) || maxLag >= n) {
      throw new IllegalArgumentException("max-lag: expected a lag in [" + 2 * (exclusion + 1) + ", " + (n - 1)
          + "] (twice the first lag past the exclusion " + exclusion + ", inside " + n + " steps), got " + maxLag);
    }
  }

  private static String preview(int[] det) {
    int[] head = Arrays.copyOf(det, Math.min(det.length, 12));
    return Arrays.toString(head).replace("]", det.length > 12 ? ", ...]" : "]");
  }

  static String metricName(String scorerId) { return scorerId.replace('-', '_'); }

  private static void figures(ScenarioResult.Builder b, InjectedSeries.Generated g, String[] names, double[][] z,
      int[][] det, double[][] profiles, float[] weights, double threshold, int period, Pooled[] pooled, double[] bestF1) {
    TimeSeries s = g.series();
    int n = s.n(), k = names.length - 1;
    double[] x = s.channel(0), t = Figures.steps(n);
    List<Layer> layers = new ArrayList<>();
    layers.add(Layer.Line.of("series (channel 0)", t, x));
    double[] range = Figures.range(x);
    for (Anomaly a : g.truth()) {
      layers.add(new Layer.Path(a.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " @" + a.start(),
          new double[] {a.start(), a.start(), a.end() - 1, a.end() - 1}, new double[] {range[0], range[1], range[1], range[0]}));
    }
    for (int m = 0; m <= k; m++) {
      double[] dx = new double[det[m].length], dy = new double[det[m].length];
      for (int i = 0; i < dx.length; i++) {
        dx[i] = det[m][i];
        dy[i] = x[det[m][i]];
      }
      layers.add(new Layer.Scatter("detections: " + names[m], dx, dy));
    }
    b.figure(new Figure("series-detections", g.truth().isEmpty() ? "The series and the detections"
        : "First series: injected anomalies (boxes) and detections", "time step t", "value", layers));

    List<Layer> zl = new ArrayList<>();
    for (int m = 0; m <= k; m++) zl.add(Layer.Line.of(names[m], t, z[m]));
    zl.add(Layer.Line.of("threshold " + Figures.fmt(threshold), new double[] {0, n - 1}, new double[] {threshold, threshold}));
    b.figure(new Figure("anomaly-scores", "Anomaly scores as robust z: attention reconstruction error vs rolling z-score",
        "time step t", "robust z-score of the anomaly score", zl));

    List<Layer> pl = new ArrayList<>();
    double top = 0;
    for (int m = 0; m < k; m++) {
      double[] lags = Figures.steps(profiles[m].length);
      pl.add(Layer.Line.of(names[m], lags, profiles[m]));
      for (double v : profiles[m]) top = Math.max(top, v);
    }
    if (period > 0) pl.add(new Layer.Path("true period " + period, new double[] {period, period}, new double[] {0, top}));
    b.figure(new Figure("lag-profile", "Typical attention by lag |t − j| (median over steps): peaks at the period", "lag (time steps)",
        "median of α[t][t+τ] + α[t][t−τ] over t (probability)", pl));

    if (pooled != null) {
      List<String> cats = Arrays.asList(names);
      double[] f1 = new double[k + 1];
      List<List<String>> rows = new ArrayList<>();
      for (int m = 0; m <= k; m++) {
        f1[m] = pooled[m].f1();
        rows.add(List.of(names[m], Figures.f3(pooled[m].precision()), Figures.f3(pooled[m].recall()), Figures.f3(f1[m]),
            Figures.f3(bestF1[m])));
      }
      b.figure(Figure.of("detection-f1", "Detection against the injected truth (pooled over the series)", "detector",
          "F1", new Layer.Bar("F1 at the threshold rule", cats, f1)));
      b.figure(Figure.of("detection-table", "Precision, recall and F1 against the injected truth", "", "",
          new Layer.Table("scores", List.of("detector", "precision", "recall", "F1", "best F1 (oracle threshold)"), rows)));
    }
    if (weights != null) {
      int c = Math.min(n, 120);
      double[] w = new double[c * c];
      for (int i = 0; i < c; i++) for (int j = 0; j < c; j++) w[i * c + j] = weights[i * n + j];
      b.figure(Figure.of("attention-weights", "Attention weights of " + names[0] + " over the first " + c + " steps",
          "key step j", "query step t", new Layer.Heatmap("α", c, c, w, List.of(), List.of(), "weight α_tj (probability)")));
    }
  }
}
