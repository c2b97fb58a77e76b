package org.attention4j.theory.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.api.spi.Verdict;

/**
 * SEED-DIGEST 3.1, the energy-based view: scores are negative energies and softmax is the Gibbs
 * distribution p(i) ∝ exp(s_i). Measures, with the installed softmax normalizer (float32):
 * <ul>
 *   <li>adding a constant to every score changes no weight;</li>
 *   <li>scaling the scores by α equals temperature T = 1/α;</li>
 *   <li>entropy and max weight as functions of α, against the closed form of an equally spaced
 *       spectrum E_i = iΔ (a geometric partition function), and monotone: sharper for α &gt; 1,
 *       smoother for α &lt; 1.</li>
 * </ul>
 * Real scores come from a scorer of the registry (default {@code dot}) on random queries and keys.
 */
public final class GibbsTemperatureScenario implements ScenarioProvider {
  private static final double F32_EPS = Math.ulp(1f);

  @Override public String id() { return "gibbs-temperature"; }

  @Override public String claim() { return "3.1"; }

  @Override public String title() { return "Scores are negative energies: shift invariance and scale = 1/temperature"; }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec("n", "64", "number of keys (energy levels)"),
        new ParameterSpec("queries", "32", "random queries scored against the keys"),
        new ParameterSpec("d", "16", "width of the random queries and keys"),
        new ParameterSpec("alphas", "201", "number of scale factors α, log-spaced over [alpha-min, alpha-max]"),
        new ParameterSpec("alpha-min", "0.02", "smallest scale factor α (dimensionless)"),
        new ParameterSpec("alpha-max", "50", "largest scale factor α (dimensionless)"),
        new ParameterSpec("spacing", "1.0", "energy spacing Δ of the closed-form spectrum E_i = iΔ"),
        new ParameterSpec("constants", "-100,-10,-1,1,10,100", "constants added to every score (shift test)"),
        new ParameterSpec("scorer", "dot", "scorer id producing the real scores"));
  }

  @Override public Map<String, String> quick() { return Map.of("n", "16", "queries", "8", "d", "8", "alphas", "41"); }

  @Override
  public ScenarioResult run(ScenarioContext ctx) {
    Settings p = ctx.parameters();
    int n = p.getInt("n"), nq = p.getInt("queries"), d = p.getInt("d"), steps = p.getInt("alphas");
    double aMin = p.getDouble("alpha-min"), aMax = p.getDouble("alpha-max"), delta = p.getDouble("spacing");
    double[] constants = p.getDoubles("constants");
    if (n < 2) throw new IllegalArgumentException("n: expected at least 2 keys, got " + n);
    if (steps < 2) throw new IllegalArgumentException("alphas: expected at least 2, got " + steps);
    if (!(aMin > 0) || !(aMax > aMin)) {
      throw new IllegalArgumentException("alpha-min, alpha-max: expected 0 < alpha-min < alpha-max, got " + aMin + ", " + aMax);
    }
    if (!(delta > 0)) throw new IllegalArgumentException("spacing: expected > 0, got " + delta);
    double[] alphas = new double[steps];
    for (int i = 0; i < steps; i++) alphas[i] = aMin * Math.pow(aMax / aMin, i / (double) (steps - 1));

    BufferAllocator alloc = ctx.allocator();
    ProviderConfig cfg = new ProviderConfig(ctx.providerSettings(), ctx.seed(), alloc, java.util.Optional.empty(),
        ctx.lookup().kernels(), ctx.lookup());
    NormalizerProvider softmaxProvider = ctx.lookup().require(NormalizerProvider.class, "softmax");
    Normalizer softmax = softmaxProvider.create(cfg.withSettings(Settings.of("softmax", Map.of())));
    ScorerProvider scorerProvider = ctx.lookup().require(ScorerProvider.class, p.getString("scorer"));

    // 1) Closed form: the spectrum E_i = iΔ, scores s_i = −E_i, as a 1 × n score matrix.
    float[] spectrum = new float[n];
    for (int i = 0; i < n; i++) spectrum[i] = (float) (-i * delta);
    double[] entropy = new double[steps], entropyClosed = new double[steps];
    double[] maxW = new double[steps], maxWClosed = new double[steps];
    double entropyErr = 0, maxWErr = 0;
    try (FixedSizeListVector s = DenseMatrices.of(alloc, "spectrum", 1, n, spectrum)) {
      for (int a = 0; a < steps; a++) {
        ctx.checkCancelled();
        try (FixedSizeListVector w = softmax.normalize(s, Mask.all(), (float) (1 / alphas[a]), alloc)) {
          float[] row = DenseMatrices.toArray(w);
          entropy[a] = entropy(row);
          maxW[a] = max(row);
        }
        double[] closed = closedForm(alphas[a], delta, n);
        entropyClosed[a] = closed[0];
        maxWClosed[a] = closed[1];
        entropyErr = Math.max(entropyErr, Math.abs(entropy[a] - entropyClosed[a]));
        maxWErr = Math.max(maxWErr, Math.abs(maxW[a] - maxWClosed[a]));
        ctx.progress(0.5 * (a + 1) / steps, "closed-form spectrum, α = " + String.format("%.3g", alphas[a]));
      }
    }
    int violations = 0;
    for (int a = 1; a < steps; a++) if (entropy[a] > entropy[a - 1] + 1e-6) violations++;

    // 2) Real scores from a scorer on random queries and keys.
    Random rnd = new Random(ctx.seed());
    float[] qData = gaussian(rnd, nq * d), kData = gaussian(rnd, n * d);
    double shiftDiff = 0, shiftTol = 0, scaleDiff = 0, scaleTol = 0;
    double[] meanEntropyReal = new double[steps];
    int heatRows = Math.min(9, steps);
    double[] heat = new double[heatRows * n];
    List<String> heatLabels = new ArrayList<>();
    try (Scorer scorer = scorerProvider.create(cfg, d, d);
         FixedSizeListVector q = DenseMatrices.of(alloc, "query", nq, d, qData);
         FixedSizeListVector k = DenseMatrices.of(alloc, "keys", n, d, kData);
         FixedSizeListVector scores = scorer.score(q, k, alloc);
         FixedSizeListVector base = softmax.normalize(scores, Mask.all(), 1f, alloc)) {
      float[] sArr = DenseMatrices.toArray(scores);
      double maxAbs = 0;
      for (float x : sArr) maxAbs = Math.max(maxAbs, Math.abs(x));
      float[] baseW = DenseMatrices.toArray(base);
      for (double c : constants) {                       // shift: s + c, rounded to float32 like any input
        float[] shifted = new float[sArr.length];
        for (int i = 0; i < shifted.length; i++) shifted[i] = (float) (sArr[i] + c);
        try (FixedSizeListVector sv = DenseMatrices.of(alloc, "shifted", nq, n, shifted);
             FixedSizeListVector w = softmax.normalize(sv, Mask.all(), 1f, alloc)) {
          shiftDiff = Math.max(shiftDiff, maxAbsDiff(DenseMatrices.toArray(w), baseW));
        }
        // float32 rounding of s + c moves a logit by up to half an ulp of |s| + |c|, a weight by about as much
        shiftTol = Math.max(shiftTol, 1e-6 + 4 * F32_EPS * (maxAbs + Math.abs(c)));
      }
      // heatmap rows: α values spread over the grid; keys ordered by the score of query 0
      Integer[] order = new Integer[n];
      for (int j = 0; j < n; j++) order[j] = j;
      Arrays.sort(order, (x, y) -> Float.compare(sArr[y], sArr[x]));
      for (int a = 0; a < steps; a++) {
        ctx.checkCancelled();
        float[] scaled = new float[sArr.length];
        for (int i = 0; i < scaled.length; i++) scaled[i] = (float) (alphas[a] * sArr[i]);
        try (FixedSizeListVector sv = DenseMatrices.of(alloc, "scaled", nq, n, scaled);
             FixedSizeListVector byScale = softmax.normalize(sv, Mask.all(), 1f, alloc);
             FixedSizeListVector byTemp = softmax.normalize(scores, Mask.all(), (float) (1 / alphas[a]), alloc)) {
          float[] ws = DenseMatrices.toArray(byScale), wt = DenseMatrices.toArray(byTemp);
          scaleDiff = Math.max(scaleDiff, maxAbsDiff(ws, wt));
          // both sides round the logit α·s (to float32) once: a relative error of ~ε on a logit of size α·max|s|
          scaleTol = Math.max(scaleTol, 1e-6 + 4 * F32_EPS * alphas[a] * maxAbs);
          double sumH = 0;
          for (int i = 0; i < nq; i++) sumH += entropy(Arrays.copyOfRange(wt, i * n, (i + 1) * n));
          meanEntropyReal[a] = sumH / nq;
          int hr = heatRow(a, steps, heatRows);
          if (hr >= 0) {
            for (int j = 0; j < n; j++) heat[hr * n + j] = wt[order[j]];
            heatLabels.add(String.format("α=%.3g", alphas[a]));
          }
        }
        ctx.progress(0.5 + 0.5 * (a + 1) / steps, "scorer " + scorerProvider.id() + ", α = " + String.format("%.3g", alphas[a]));
      }
    }

    boolean ok = shiftDiff <= shiftTol && scaleDiff <= scaleTol && entropyErr <= 1e-4 && maxWErr <= 1e-5 && violations == 0;
    double lnN = Math.log(n);
    double[] logAlpha = Arrays.stream(alphas).map(Math::log10).toArray();
    double[] lnNLine = new double[steps];
    Arrays.fill(lnNLine, lnN);
    List<String> keyLabels = new ArrayList<>();
    for (int j = 0; j < n; j++) keyLabels.add(j == 0 ? "best" : j == n - 1 ? "worst" : "");
    return ScenarioResult.builder()
        .metric("shift_max_abs_diff", shiftDiff)
        .metric("shift_tolerance", shiftTol)
        .metric("scale_vs_temperature_max_abs_diff", scaleDiff)
        .metric("scale_vs_temperature_tolerance", scaleTol)
        .metric("entropy_closed_form_max_abs_err", entropyErr)
        .metric("max_weight_closed_form_max_abs_err", maxWErr)
        .metric("entropy_monotone_violations", violations)
        .metric("entropy_at_alpha_min_over_ln_n", entropy[0] / lnN)
        .metric("max_weight_at_alpha_max", maxW[steps - 1])
        .keyMetric("scale_vs_temperature_max_abs_diff")
        .verdict(ok ? Verdict.SUPPORTS : Verdict.CONTRADICTS)
        .summary(String.format("Adding constants %s to %s scores moved no weight by more than %.2g (float32 rounding "
            + "bound %.2g). Scaling scores by α and dividing by T = 1/α agree to %.2g (bound %.2g). On the spectrum "
            + "E_i = %.3gi the measured entropy and max weight match the closed form to %.2g and %.2g; entropy falls "
            + "monotonically from %.3f·ln n at α = %.3g to max weight %.4f at α = %.3g.",
            Arrays.toString(constants), scorerProvider.id(), shiftDiff, shiftTol, scaleDiff, scaleTol, delta, entropyErr,
            maxWErr, entropy[0] / lnN, aMin, maxW[steps - 1], aMax))
        .figure(Figure.of("entropy-vs-alpha", "Gibbs entropy falls as the scale α = 1/T grows",
            "log10 α (scale = 1/temperature, dimensionless)", "entropy (nats)",
            Layer.Line.of("softmax, spectrum E_i = iΔ", logAlpha, entropy),
            new Layer.Scatter("closed form (geometric Z)", logAlpha, entropyClosed),
            Layer.Line.of("softmax, " + scorerProvider.id() + " scores (mean over queries)", logAlpha, meanEntropyReal),
            Layer.Line.of("ln n (uniform)", logAlpha, lnNLine)))
        .figure(Figure.of("max-weight-vs-alpha", "Max weight sharpens towards 1 as α grows",
            "log10 α (scale = 1/temperature, dimensionless)", "largest weight (probability)",
            Layer.Line.of("softmax, spectrum E_i = iΔ", logAlpha, maxW),
            new Layer.Scatter("closed form 1/Z", logAlpha, maxWClosed)))
        .figure(Figure.of("weights-heatmap", "Weights of query 0 over keys (ordered by score) at several α",
            "key (ordered by score, best first)", "scale α",
            new Layer.Heatmap("weights", heatLabels.size(), n, Arrays.copyOf(heat, heatLabels.size() * n), heatLabels,
                keyLabels, "weight (probability)")))
        .build();
  }

  /** Row of the heatmap that grid point a fills, or −1: rows spread evenly over the grid. */
  private static int heatRow(int a, int steps, int rows) {
    for (int r = 0; r < rows; r++) if (Math.round(r * (steps - 1) / (double) (rows - 1)) == a) return r;
    return -1;
  }

  /**
   * Entropy and max weight of p_i ∝ exp(−α·iΔ), i = 0..n−1: with r = e^{−αΔ},
   * Z = (1 − rⁿ)/(1 − r), p_max = 1/Z, H = ln Z + αΔ⟨i⟩, ⟨i⟩ = r/(1 − r) − n rⁿ/(1 − rⁿ).
   */
  static double[] closedForm(double alpha, double delta, int n) {
    double x = alpha * delta;
    double oneMinusR = -Math.expm1(-x), oneMinusRn = -Math.expm1(-x * n);
    double r = Math.exp(-x), rn = Math.exp(-x * n);
    double z = oneMinusRn / oneMinusR;
    double meanI = r / oneMinusR - n * rn / oneMinusRn;
    return new double[] {Math.log(z) + x * meanI, 1 / z};
  }

  static double entropy(float[] p) {
    double h = 0;
    for (float x : p) if (x > 0) h -= x * Math.log(x);
    return h;
  }

  private static double max(float[] p) {
    double m = 0;
    for (float x : p) m = Math.max(m, x);
    return m;
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  private static float[] gaussian(Random r, int count) {
    float[] out = new float[count];
    for (int i = 0; i < count; i++) out[i] = (float) r.nextGaussian();
    return out;
  }
}
