package org.attention4j.biosim.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.api.spi.Verdict;
import org.attention4j.biosim.DendriteModel;
import org.attention4j.biosim.DendriteParameters;
import org.attention4j.biosim.DendriteResponse;
import org.attention4j.biosim.SurfaceFit;

/**
 * SEED-DIGEST 4.1, dendritic computation as gain modulation, on the two-compartment
 * {@link DendriteModel}: the firing rate over a grid of (proximal, distal) mean drives; distal input
 * alone leaves the soma below threshold; with proximal input the bAPs unblock the tuft's NMDA
 * receptors, Ca²⁺ spikes fire and the soma bursts; the gain (least-squares slope of rate against
 * proximal drive over the proximal grid) rises with distal drive; a multiplicative (rank-1) fit of
 * the surface beats an additive one with the same number of parameters; the fitted form f(p)·g(d) is
 * the score qᵀWk of a bilinear form on one-hot inputs, computed by a scorer of the registry (see
 * {@link BilinearScores}). A passive relaxation against its closed form checks the integrator.
 */
public final class DendriteGainScenario implements ScenarioProvider {
  @Override public String id() { return "bio-dendrite"; }

  @Override public String claim() { return "4.1"; }

  @Override public String title() {
    return "Two-compartment NMDA dendrite: distal context multiplies the response to proximal input";
  }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec("proximal-max", "32", "largest proximal (somatic AMPA) mean conductance of the grid (nS)"),
        new ParameterSpec("proximal-levels", "17", "proximal levels, evenly spaced from 0"),
        new ParameterSpec("distal-max", "40", "largest distal (tuft NMDA) mean conductance of the grid (nS)"),
        new ParameterSpec("distal-levels", "11", "distal levels, evenly spaced from 0"),
        new ParameterSpec("duration", "3000", "simulated time per grid point (ms)"),
        new ParameterSpec("discard", "500", "initial transient left out of the analysis (ms)"),
        new ParameterSpec("tolerance", "1e-6", "absolute and relative tolerance of the Dormand–Prince integrator"),
        new ParameterSpec("coupling", "20", "soma–tuft coupling conductance (nS)"),
        new ParameterSpec("ampa-per-nmda", "0.2", "distal AMPA conductance per nS of distal NMDA"),
        new ParameterSpec("magnesium", "1.0", "extracellular [Mg2+] of the NMDA block (mM)"),
        new ParameterSpec("bap", "2500", "bAP current amplitude into the tuft (pA); 0 removes back-propagation"),
        new ParameterSpec("calcium", "30", "peak dendritic Ca2+ conductance (nS); 0 removes the Ca2+ spike"),
        new ParameterSpec("trace-proximal", "20", "proximal drive of the voltage traces (nS)"),
        new ParameterSpec("trace-ms", "300", "length of the voltage traces after the transient (ms)"),
        new ParameterSpec("scorer", "dot", "dot-product scorer that computes qᵀWk on one-hot inputs"));
  }

  @Override public Map<String, String> quick() {
    return Map.of("proximal-levels", "9", "distal-levels", "9", "duration", "1000", "discard", "200");
  }

  @Override
  public ScenarioResult run(ScenarioContext ctx) {
    Settings s = ctx.parameters();
    double pMax = s.getDouble("proximal-max"), dMax = s.getDouble("distal-max");
    int np = s.getInt("proximal-levels"), nd = s.getInt("distal-levels");
    double duration = s.getDouble("duration"), discard = s.getDouble("discard");
    double traceP = s.getDouble("trace-proximal"), traceMs = s.getDouble("trace-ms");
    if (np < 3) throw new IllegalArgumentException("proximal-levels: expected at least 3, got " + np);
    if (nd < 2) throw new IllegalArgumentException("distal-levels: expected at least 2, got " + nd);
    if (!(pMax > 0)) throw new IllegalArgumentException("proximal-max: expected > 0 nS, got " + pMax);
    if (!(dMax > 0)) throw new IllegalArgumentException("distal-max: expected > 0 nS, got " + dMax);
    if (!(traceMs > 0)) throw new IllegalArgumentException("trace-ms: expected > 0 ms, got " + traceMs);
    if (!(duration > 0)) throw new IllegalArgumentException("duration: expected > 0 ms, got " + duration);
    if (!(discard >= 0 && discard < duration)) {
      throw new IllegalArgumentException("discard: expected a value in [0, duration = " + duration + ") ms, got " + discard);
    }
    DendriteParameters params = DendriteParameters.defaults().withCoupling(s.getDouble("coupling"))
        .withAmpaPerNmda(s.getDouble("ampa-per-nmda")).withMagnesium(s.getDouble("magnesium"))
        .withBap(s.getDouble("bap")).withCalcium(s.getDouble("calcium"));
    DendriteModel model = new DendriteModel(params, s.getDouble("tolerance"));
    String scorerId = s.getString("scorer");

    // 0) The integrator against a closed form: the passive, uncoupled soma relaxing to its steady state.
    double solverErr = passiveRelaxationError(params, s.getDouble("tolerance"));

    // 1) The response surface.
    double[] p = new double[np], d = new double[nd];
    for (int i = 0; i < np; i++) p[i] = pMax * i / (np - 1);
    for (int j = 0; j < nd; j++) d[j] = dMax * j / (nd - 1);
    double[][] rate = new double[np][nd], burstRate = new double[np][nd], burstFrac = new double[np][nd];
    double distalOnlyMaxRate = 0, distalOnlyMaxDepol = 0;
    int distalOnlyCa = 0;
    long steps = 0;
    double window = (duration - discard) / 1000.0;
    int total = np * nd + 5, done = 0;
    for (int i = 0; i < np; i++) {
      for (int j = 0; j < nd; j++) {
        ctx.checkCancelled();
        DendriteResponse r = model.simulate(p[i], d[j], duration, discard, 0);
        rate[i][j] = r.rateHz();
        burstRate[i][j] = r.bursts() / window;
        burstFrac[i][j] = r.burstFraction();
        steps += r.steps();
        if (i == 0) {
          distalOnlyMaxRate = Math.max(distalOnlyMaxRate, r.rateHz());
          distalOnlyMaxDepol = Math.max(distalOnlyMaxDepol, r.maxSomaDepolarizationMv());
          distalOnlyCa += r.calciumEvents();
        }
        ctx.progress(++done / (double) total, String.format(Locale.ROOT, "proximal %.3g nS, distal %.3g nS: %.1f Hz",
            p[i], d[j], r.rateHz()));
      }
    }

    // 2) Gain: least-squares slope of rate against proximal drive, per distal level.
    double[] gain = new double[nd], gainUpper = new double[nd];
    int upperFrom = np / 2;
    for (int j = 0; j < nd; j++) {
      double[] col = new double[np];
      for (int i = 0; i < np; i++) col[i] = rate[i][j];
      gain[j] = slope(p, col, 0);
      gainUpper[j] = slope(p, col, upperFrom);
    }
    int gainViolations = 0;
    for (int j = 1; j < nd; j++) if (gain[j] < gain[j - 1] - 1e-9) gainViolations++;
    double gainRatio = gain[0] > 0 ? gain[nd - 1] / gain[0] : 0;

    // 3) Separable fits and the bilinear score.
    SurfaceFit mult = SurfaceFit.multiplicative(rate), add = SurfaceFit.additive(rate);
    double[][] scores = BilinearScores.oneHot(ctx, scorerId, mult.fitted());
    double scoreDiff = BilinearScores.maxAbsDiff(scores, mult.fitted());
    double scoreTol = 4 * Math.ulp(1f) * Math.max(1, BilinearScores.maxAbs(mult.fitted()));

    // 4) Voltage traces: proximal only, distal only, both.
    double[][] cond = {{traceP, 0}, {0, dMax}, {traceP, dMax}};
    String[] condId = {"proximal-only", "distal-only", "coincident"};
    String[] condName = {"proximal input only", "distal input only", "proximal and distal input"};
    DendriteResponse[] traces = new DendriteResponse[3];
    for (int c = 0; c < 3; c++) {
      ctx.checkCancelled();
      traces[c] = model.simulate(cond[c][0], cond[c][1], discard + traceMs, discard, 0.1);
      ctx.progress(++done / (double) total, "voltage trace: " + condName[c]);
    }
    DendriteResponse both = model.simulate(traceP, dMax, duration, discard, 0);
    DendriteResponse proxOnly = model.simulate(traceP, 0, duration, discard, 0);
    double coincidentBursts = both.bursts() / window;
    double maxBurstRate = 0;
    for (int i = 1; i < np; i++) for (int j = 1; j < nd; j++) maxBurstRate = Math.max(maxBurstRate, burstRate[i][j]);
    double proximalOnlyBursts = 0;
    for (int i = 0; i < np; i++) proximalOnlyBursts = Math.max(proximalOnlyBursts, burstRate[i][0]);

    boolean distalSilent = distalOnlyMaxRate == 0;
    boolean multWins = mult.aic() < add.aic() && mult.rSquared() > add.rSquared();
    boolean ok = distalSilent && coincidentBursts > 0 && gainRatio > 1 && multWins && scoreDiff <= scoreTol
        && solverErr < 1e-6;
    Verdict verdict = ok ? Verdict.SUPPORTS : (!multWins || gainRatio <= 1 ? Verdict.CONTRADICTS : Verdict.INCONCLUSIVE);

    ScenarioResult.Builder out = ScenarioResult.builder()
        .metric("distal_only_max_rate_hz", distalOnlyMaxRate)
        .metric("distal_only_max_soma_depolarization_mv", distalOnlyMaxDepol)
        .metric("distal_only_calcium_spikes", distalOnlyCa)
        .metric("proximal_only_max_rate_hz", rate[np - 1][0])
        .metric("proximal_only_max_bursts_per_s", proximalOnlyBursts)
        .metric("coincident_max_rate_hz", rate[np - 1][nd - 1])
        .metric("trace_proximal_only_rate_hz", proxOnly.rateHz())
        .metric("trace_proximal_only_bursts_per_s", proxOnly.bursts() / window)
        .metric("coincident_rate_hz", both.rateHz())
        .metric("coincident_bursts_per_s", coincidentBursts)
        .metric("coincident_burst_fraction", both.burstFraction())
        .metric("max_bursts_per_s", maxBurstRate)
        .metric("gain_at_distal_0_hz_per_ns", gain[0])
        .metric("gain_at_distal_max_hz_per_ns", gain[nd - 1])
        .metric("gain_ratio", gainRatio)
        .metric("gain_monotone_violations", gainViolations)
        .metric("suprathreshold_gain_at_distal_0_hz_per_ns", gainUpper[0])
        .metric("suprathreshold_gain_at_distal_max_hz_per_ns", gainUpper[nd - 1])
        .metric("multiplicative_r2", mult.rSquared())
        .metric("additive_r2", add.rSquared())
        .metric("multiplicative_aic", mult.aic())
        .metric("additive_aic", add.aic())
        .metric("aic_additive_minus_multiplicative", add.aic() - mult.aic())
        .metric("fit_parameters", mult.parameters())
        .metric("bilinear_score_max_abs_diff", scoreDiff)
        .metric("bilinear_score_tolerance", scoreTol)
        .metric("passive_relaxation_max_abs_err_mv", solverErr)
        .metric("integrator_steps", steps)
        .keyMetric("aic_additive_minus_multiplicative")
        .verdict(verdict)
        .summary(String.format(Locale.ROOT, "Distal input alone (up to %.3g nS NMDA) gave %.3g Hz and moved the soma by "
            + "at most %.2f mV; proximal input alone fired up to %.3g Hz; together up to %.3g Hz. At %.3g nS proximal "
            + "drive the soma fired %.3g Hz with %.3g bursts/s (ISI < %.0f ms) alone and %.3g Hz with %.3g "
            + "bursts/s (%.0f%% of spikes in bursts) with the distal input. The gain (slope of rate against proximal drive over 0–%.3g nS) rose from %.3f to %.3f "
            + "Hz/nS (×%.2f) as distal drive went from 0 to %.3g nS. A multiplicative fit r = f(p)·g(d) explains "
            + "R² = %.4f (AIC %.1f) against %.4f (AIC %.1f) for an additive fit r = f(p) + g(d) with the same %d "
            + "parameters. The fitted f(p)·g(d) equals the score qᵀWk of W = f gᵀ on one-hot inputs, computed by "
            + "'%s' on the feature map Wᵀq, to %.2g. The integrator matched the passive membrane's closed-form "
            + "relaxation to %.2g mV.",
            dMax, distalOnlyMaxRate, distalOnlyMaxDepol, rate[np - 1][0], rate[np - 1][nd - 1], traceP,
            proxOnly.rateHz(), proxOnly.bursts() / window, params.burstIsi(), both.rateHz(), coincidentBursts, 100 * both.burstFraction(), pMax, gain[0], gain[nd - 1], gainRatio, dMax, mult.rSquared(), mult.aic(),
            add.rSquared(), add.aic(), mult.parameters(), scorerId, scoreDiff, solverErr));

    List<String> rowLabels = new ArrayList<>(), colLabels = new ArrayList<>();
    for (int i = np - 1; i >= 0; i--) rowLabels.add(String.format(Locale.ROOT, "%.3g", p[i]));
    for (int j = 0; j < nd; j++) colLabels.add(String.format(Locale.ROOT, "%.3g", d[j]));
    String xl = "distal drive (NMDA mean conductance, nS)", yl = "proximal drive (AMPA mean conductance, nS)";
    out.figure(Figure.of("rate-surface", "Somatic firing rate over proximal and distal drive", xl, yl,
        new Layer.Heatmap("rate", np, nd, BilinearScores.flipRows(rate), rowLabels, colLabels, "firing rate (Hz)")));
    out.figure(Figure.of("burst-surface", "Bursts (ISI < " + (int) params.burstIsi() + " ms) per second", xl, yl,
        new Layer.Heatmap("bursts", np, nd, BilinearScores.flipRows(burstRate), rowLabels, colLabels, "bursts per second")));
    out.figure(Figure.of("multiplicative-fit", String.format(Locale.ROOT, "Multiplicative fit f(p)·g(d), R² = %.4f",
        mult.rSquared()), xl, yl, new Layer.Heatmap("f(p)·g(d)", np, nd, BilinearScores.flipRows(mult.fitted()),
        rowLabels, colLabels, "fitted rate (Hz)")));
    out.figure(Figure.of("additive-fit", String.format(Locale.ROOT, "Additive fit f(p) + g(d), R² = %.4f",
        add.rSquared()), xl, yl, new Layer.Heatmap("f(p) + g(d)", np, nd, BilinearScores.flipRows(add.fitted()),
        rowLabels, colLabels, "fitted rate (Hz)")));
    out.figure(Figure.of("bilinear-score", "Bilinear score qᵀWk, W = f gᵀ, one-hot q (proximal) and k (distal), by '"
        + scorerId + "'", "key: one-hot distal level (nS)", "query: one-hot proximal level (nS)",
        new Layer.Heatmap("score", np, nd, BilinearScores.flipRows(scores), rowLabels, colLabels, "score (Hz)")));

    List<Layer> curves = new ArrayList<>();
    for (int j = 0; j < nd; j++) {
      double[] col = new double[np];
      for (int i = 0; i < np; i++) col[i] = rate[i][j];
      curves.add(Layer.Line.of(String.format(Locale.ROOT, "distal %.3g nS", d[j]), p.clone(), col));
    }
    out.figure(new Figure("rate-vs-proximal", "Rate against proximal drive, one curve per distal drive",
        "proximal drive (nS)", "firing rate (Hz)", curves));
    double[] gainRel = new double[nd], factorRel = new double[nd];
    double g0 = mult.columnEffects()[0];
    for (int j = 0; j < nd; j++) {
      gainRel[j] = gain[0] > 0 ? gain[j] / gain[0] : Double.NaN;
      factorRel[j] = g0 != 0 ? mult.columnEffects()[j] / g0 : Double.NaN;
    }
    out.figure(Figure.of("gain-vs-distal", "Gain (slope of rate against proximal drive) rises with distal drive",
        "distal drive (nS)", "gain (Hz per nS)",
        Layer.Line.of("slope over the whole proximal grid", d.clone(), gain),
        Layer.Line.of("slope over the upper half of the grid", d.clone(), gainUpper)));
    out.figure(Figure.of("relative-gain", "Measured gain and the rank-1 context factor g(d), both relative to d = 0",
        "distal drive (nS)", "relative gain (1)", Layer.Line.of("gain(d) / gain(0)", d.clone(), gainRel),
        new Layer.Scatter("rank-1 factor g(d) / g(0)", d.clone(), factorRel)));
    for (int c = 0; c < 3; c++) {
      DendriteResponse.Trace t = traces[c].trace().orElseThrow();
      double[] spikeY = new double[traces[c].spikeTimesMs().length];
      java.util.Arrays.fill(spikeY, 10);
      out.figure(Figure.of("trace-" + condId[c], String.format(Locale.ROOT, "Voltage, %s (proximal %.3g nS, distal %.3g nS)",
          condName[c], cond[c][0], cond[c][1]), "time (ms)", "membrane potential (mV)",
          Layer.Line.of("soma", t.timeMs(), t.somaMv()), Layer.Line.of("apical tuft", t.timeMs(), t.tuftMv()),
          new Layer.Scatter("somatic spikes", traces[c].spikeTimesMs(), spikeY)));
    }
    out.figure(Figure.of("fit-comparison", "Separable fits of the rate surface", "", "",
        new Layer.Table("fits", List.of("form", "parameters", "RSS (Hz²)", "R²", "AIC"), List.of(
            fitRow("multiplicative f(p)·g(d)", mult), fitRow("additive f(p) + g(d)", add)))));
    ctx.progress(1, "done");
    return out.build();
  }

  private static List<String> fitRow(String name, SurfaceFit f) {
    return List.of(name, Integer.toString(f.parameters()), String.format(Locale.ROOT, "%.4g", f.rss()),
        String.format(Locale.ROOT, "%.4f", f.rSquared()), String.format(Locale.ROOT, "%.1f", f.aic()));
  }

  /** Least-squares slope of y against x over indices [from, n). */
  static double slope(double[] x, double[] y, int from) {
    int n = x.length - from;
    double mx = 0, my = 0;
    for (int i = from; i < x.length; i++) {
      mx += x[i] / n;
      my += y[i] / n;
    }
    double sxy = 0, sxx = 0;
    for (int i = from; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
  }

  /**
   * Max |V_s(t) − V_closed(t)| at t = 1, 2, 5, 10, 20, 50 ms for the passive, uncoupled soma with a
   * 5 nS proximal conductance, from E_L + 10 mV: V(t) = V∞ + (V₀ − V∞) e^(−t/τ), V∞ = (g_L E_L + g_p E_e)/(g_L + g_p),
   * τ = C/(g_L + g_p).
   */
  static double passiveRelaxationError(DendriteParameters defaults, double tolerance) {
    DendriteParameters p = defaults.passive().withCoupling(0);
    DendriteModel m = new DendriteModel(p, tolerance);
    double gp = 5, gl = p.gLeakSoma();
    double vInf = (gl * p.eLeak() + gp * p.eExc()) / (gl + gp), tau = p.cSoma() / (gl + gp);
    double[] y0 = m.restingState();
    y0[DendriteModel.V_SOMA] = p.eLeak() + 10;
    double err = 0;
    for (double t : new double[] {1, 2, 5, 10, 20, 50}) {
      double v = m.integrate(y0, gp, 0, t)[DendriteModel.V_SOMA];
      double exact = vInf + (y0[DendriteModel.V_SOMA] - vInf) * Math.exp(-t / tau);
      err = Math.max(err, Math.abs(v - exact));
    }
    return err;
  }
}
