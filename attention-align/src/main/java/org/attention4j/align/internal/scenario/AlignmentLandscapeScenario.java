package org.attention4j.align.internal.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.align.Aligner;
import org.attention4j.align.Alignment;
import org.attention4j.align.Band;
import org.attention4j.align.CostSpec;
import org.attention4j.align.Float64Matrix;
import org.attention4j.align.ShiftLandscape;
import org.attention4j.align.ShiftPosterior;
import org.attention4j.align.SoftDtw;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.api.spi.Verdict;

/**
 * SEED-DIGEST 2.4, sequence alignment: the score matrix s_ij is an alignment matrix like DTW's local
 * cost, and the alignment energy over global shifts E(τ) = Σ_i s_{i,i+τ} is a landscape whose peak
 * gives the best global alignment. Two series with a known lag plus noise ({@link LaggedSeries});
 * the scenario shows the DTW path over the cost matrix, the landscape with τ* and the true lag, the
 * soft-DTW expected alignment, and checks over several lags (up to ±⌊n/4⌋, the default search
 * radius) and seeds that τ* equals the lag. Costs: {@code sqeuclidean} (default), {@code abs} or
 * {@code scorer:ID} (s = the scorer's score), through {@link Aligner}.
 *
 * <p>Verdict: supports when τ* equals the lag in every trial (and in the example); contradicts
 * when it does in fewer than 80% of the trials; inconclusive in between.
 */
public final class AlignmentLandscapeScenario implements ScenarioProvider {
  @Override public String id() { return "alignment-landscape"; }

  @Override public String claim() { return "2.4"; }

  @Override public String title() {
    return "The score matrix is an alignment matrix: DTW path, soft-DTW and the energy landscape over shifts";
  }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec("n", "192", "length of both series (time steps)"),
        new ParameterSpec("d", "2", "columns of each series"),
        new ParameterSpec("lag", "17", "lag of y behind x in the example (time steps; |lag| <= n/4)"),
        new ParameterSpec("noise", "0.3", "standard deviation of the noise added to y (signal has unit variance)"),
        new ParameterSpec("phi", "0.8", "AR(1) coefficient of the signal (0 = white noise, towards 1 = smooth)"),
        new ParameterSpec("cost", "sqeuclidean", "local cost: sqeuclidean, abs or scorer:ID (s = score)"),
        new ParameterSpec("band", "-1", "Sakoe-Chiba band W for DTW and soft-DTW (time steps; -1 = none)"),
        new ParameterSpec("gamma", "1.0", "soft-DTW smoothing γ (cost units)"),
        new ParameterSpec("temperature", "0.2", "temperature T of the posterior over shifts (score units)"),
        new ParameterSpec("seeds", "5", "random series per lag in the success rate"),
        new ParameterSpec("lag-step", "1", "step between the lags tested, from -n/4 to n/4 (time steps)"));
  }

  @Override public Map<String, String> quick() {
    return Map.of("n", "80", "lag", "7", "seeds", "3", "lag-step", "4");
  }

  @Override
  public ScenarioResult run(ScenarioContext ctx) {
    Settings p = ctx.parameters();
    int n = p.getInt("n"), d = p.getInt("d"), lag = p.getInt("lag"), bandW = p.getInt("band");
    int seeds = p.getInt("seeds"), step = p.getInt("lag-step");
    double noise = p.getDouble("noise"), phi = p.getDouble("phi"), gamma = p.getDouble("gamma");
    double temperature = p.getDouble("temperature");
    CostSpec cost = CostSpec.parse(p.getString("cost"), "cost");
    if (n < 4) throw new IllegalArgumentException("n: expected at least 4 time steps, got " + n);
    if (d < 1) throw new IllegalArgumentException("d: expected at least 1 column, got " + d);
    int maxShift = ShiftLandscape.defaultMaxShift(n, n);
    if (Math.abs(lag) > maxShift) {
      throw new IllegalArgumentException("lag: expected |lag| <= n/4 = " + maxShift + ", got " + lag);
    }
    if (!(noise >= 0)) throw new IllegalArgumentException("noise: expected >= 0, got " + noise);
    if (!(phi >= 0 && phi < 1)) throw new IllegalArgumentException("phi: expected 0 <= phi < 1, got " + phi);
    if (seeds < 1) throw new IllegalArgumentException("seeds: expected at least 1, got " + seeds);
    if (step < 1) throw new IllegalArgumentException("lag-step: expected at least 1, got " + step);
    Band band = bandW < 0 ? Band.none() : Band.sakoeChiba(bandW);

    BufferAllocator alloc = ctx.allocator();
    ProviderConfig providers = new ProviderConfig(ctx.providerSettings(), ctx.seed(), alloc, Optional.empty(),
        ctx.lookup().kernels(), ctx.lookup());
    List<Integer> lags = new ArrayList<>();
    for (int l = -maxShift; l <= maxShift; l += step) lags.add(l);
    if (lags.get(lags.size() - 1) != maxShift) lags.add(maxShift);
    int trials = lags.size() * seeds;

    try (Aligner aligner = Aligner.builder().cost(cost).band(band).providers(providers).build()) {
      // 1) The example: one pair with the given lag, every quantity and figure.
      LaggedSeries.Pair ex = LaggedSeries.generate(n, d, lag, maxShift, phi, noise, ctx.seed());
      Alignment alignment;
      Float64Matrix costs;
      SoftDtw.Result soft;
      double divergence;
      ShiftLandscape landscape;
      try (FixedSizeListVector x = DenseMatrices.of(alloc, "x", n, d, ex.x());
           FixedSizeListVector y = DenseMatrices.of(alloc, "y", n, d, ex.y())) {
        alignment = aligner.align(x, y);
        costs = aligner.costMatrix(x, y);
        soft = aligner.softDtw(x, y, gamma);
        divergence = aligner.softDtwDivergence(x, y, gamma);
        landscape = aligner.landscape(x, y, maxShift);
      }
      ShiftPosterior posterior = landscape.posterior(temperature);
      ctx.progress(0.1, "example: DTW, soft-DTW and the landscape for lag " + lag);

      // 2) Success rate: τ* against the true lag over lags and seeds.
      double[] trueLags = new double[trials], found = new double[trials];
      int ok = 0, t = 0, maxError = 0;
      for (int s = 0; s < seeds; s++) {
        for (int l : lags) {
          ctx.checkCancelled();
          LaggedSeries.Pair pair = LaggedSeries.generate(n, d, l, maxShift, phi, noise,
              ctx.seed() * 1_000_003L + 7919L * (s + 1) + (l + maxShift));
          int tauStar;
          try (FixedSizeListVector x = DenseMatrices.of(alloc, "x", n, d, pair.x());
               FixedSizeListVector y = DenseMatrices.of(alloc, "y", n, d, pair.y())) {
            tauStar = aligner.landscape(x, y, maxShift).tauStar();
          }
          trueLags[t] = l;
          found[t] = tauStar;
          if (tauStar == l) ok++;
          maxError = Math.max(maxError, Math.abs(tauStar - l));
          t++;
          ctx.progress(0.1 + 0.9 * t / trials, "lag " + l + ", series " + (s + 1) + " of " + seeds + ": τ* = " + tauStar);
        }
      }
      double successRate = (double) ok / trials;
      int lagError = Math.abs(landscape.tauStar() - lag);
      double meanOffset = 0;
      for (int k = 0; k < alignment.pathLength(); k++) meanOffset += alignment.pathCols()[k] - alignment.pathRows()[k];
      meanOffset /= alignment.pathLength();
      Verdict verdict = successRate == 1.0 && lagError == 0 ? Verdict.SUPPORTS
          : successRate < 0.8 ? Verdict.CONTRADICTS : Verdict.INCONCLUSIVE;

      ScenarioResult.Builder b = ScenarioResult.builder()
          .metric("success_rate", successRate)
          .metric("trials", trials)
          .metric("max_abs_lag_tested", maxShift)
          .metric("max_lag_error", maxError)
          .metric("true_lag", lag)
          .metric("recovered_lag", landscape.tauStar())
          .metric("lag_error", lagError)
          .metric("dtw_distance", alignment.distance());
      if (alignment.distance() >= 0) b.metric("dtw_distance_sqrt", alignment.distanceSqrt());
      b.metric("dtw_path_length", alignment.pathLength())
          .metric("dtw_mean_offset", meanOffset)
          .metric("soft_dtw_gamma", gamma)
          .metric("soft_dtw_value", soft.value())
          .metric("soft_dtw_divergence", divergence)
          .metric("posterior_tau_map", posterior.tauMap())
          .metric("posterior_margin", posterior.margin())
          .metric("posterior_entropy", posterior.entropy())
          .keyMetric("success_rate")
          .verdict(verdict)
          .summary(String.format(Locale.ROOT, "Two %d-step series with %d column%s, y = x delayed by %d steps plus noise "
              + "σ = %.2g (%s cost). The landscape of mean scores over |τ| ≤ %d peaks at τ* = %d (posterior at T = %.3g: "
              + "margin %.3f, entropy %.3f nats). Over %d lags from −%d to %d and %d series each, τ* equals the lag in "
              + "%d of %d trials (%.0f%%, largest error %d). DTW distance %.4g over a path of %d cells whose mean offset "
              + "j − i is %.2f; soft-DTW (γ = %.3g) value %.4g, divergence %.4g.",
              n, d, d == 1 ? "" : "s", lag, noise, cost, maxShift, landscape.tauStar(), temperature, posterior.margin(),
              posterior.entropy(), lags.size(), maxShift, maxShift, seeds, ok, trials, 100 * successRate, maxError,
              alignment.distance(), alignment.pathLength(), meanOffset, gamma, soft.value(), divergence));
      figures(b, n, lag, maxShift, cost, gamma, alignment, costs, soft, landscape, trueLags, found);
      return b.build();
    }
  }

  private static void figures(ScenarioResult.Builder b, int n, int lag, int maxShift, CostSpec cost, double gamma,
      Alignment alignment, Float64Matrix costs, SoftDtw.Result soft, ShiftLandscape landscape, double[] trueLags,
      double[] found) {
    double[] px = new double[alignment.pathLength()], py = new double[alignment.pathLength()];
    for (int k = 0; k < px.length; k++) {
      px[k] = alignment.pathCols()[k];                 // heatmap cell coordinates: x = column j, y = row i
      py[k] = alignment.pathRows()[k];
    }
    int i0 = Math.max(0, -lag), i1 = Math.min(n, n - lag) - 1;
    Layer.Path truth = new Layer.Path("true lag: j = i + " + lag, new double[] {i0 + lag, i1 + lag}, new double[] {i0, i1});
    String costUnit = cost.isScorer() ? "−score" : cost.kind() == CostSpec.Kind.ABS ? "L1 distance" : "squared distance";
    b.figure(Figure.of("dtw-path-on-cost", "DTW path over the local cost matrix (lag " + lag + ")",
        "y index j (time step)", "x index i (time step)",
        new Layer.Heatmap("local cost", costs.rows(), costs.cols(), costs.values(), List.of(), List.of(),
            "local cost C_ij (" + cost + ", " + costUnit + ")"),
        new Layer.Path("DTW path (distance " + String.format(Locale.ROOT, "%.4g", alignment.distance()) + ")", px, py),
        truth));

    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double v : landscape.mean()) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    double[] tau = new double[landscape.tau().length];
    for (int k = 0; k < tau.length; k++) tau[k] = landscape.tau()[k];
    b.figure(Figure.of("energy-landscape", "Alignment energy over global shifts: the peak recovers the lag",
        "shift τ (time steps; τ > 0: y lags x)", "mean score s = −C over overlapping terms",
        Layer.Line.of("mean E(τ)", tau, landscape.mean()),
        new Layer.Path("true lag = " + lag, new double[] {lag, lag}, new double[] {lo, hi}),
        new Layer.Path("τ* = " + landscape.tauStar(), new double[] {landscape.tauStar(), landscape.tauStar()},
            new double[] {lo, hi})));

    Float64Matrix e = soft.expectedAlignment();
    b.figure(Figure.of("soft-dtw-expected-alignment", "Soft-DTW expected alignment (γ = " + gamma + ")",
        "y index j (time step)", "x index i (time step)",
        new Layer.Heatmap("expected alignment", e.rows(), e.cols(), e.values(), List.of(), List.of(),
            "E_ij = ∂ soft-DTW / ∂C_ij (probability)")));

    b.figure(Figure.of("lag-recovery", "Recovered shift τ* against the true lag, every trial",
        "true lag (time steps)", "recovered τ* (time steps)",
        new Layer.Scatter("trials", trueLags, found),
        Layer.Line.of("τ* = lag", new double[] {-maxShift, maxShift}, new double[] {-maxShift, maxShift})));
  }
}
