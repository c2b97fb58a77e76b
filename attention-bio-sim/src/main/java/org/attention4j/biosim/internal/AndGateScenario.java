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
import org.attention4j.biosim.HillProduct;
import org.attention4j.biosim.PromoterModel;
import org.attention4j.biosim.SurfaceFit;
import org.attention4j.biosim.TruthTable;

/**
 * SEED-DIGEST 4.2, transcriptional logic, on the thermodynamic {@link PromoterModel}: expression over
 * a log-spaced ([A], [B]) grid; its truth table at low and high levels; monotonicity in each
 * activator; the Hill-product approximation; sweeps of cooperativity ω and leak λ; the same
 * multiplicative-versus-additive fit as for the dendrite; and the multiplicative score qᵀWk on
 * one-hot inputs (computed by a scorer of the registry, see {@link BilinearScores}) as an AND gate.
 */
public final class AndGateScenario implements ScenarioProvider {
  @Override public String id() { return "bio-and-gate"; }

  @Override public String claim() { return "4.2"; }

  @Override public String title() {
    return "Thermodynamic transcriptional AND gate: expression needs A and B, like a multiplicative score";
  }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec("k-a", "10", "dissociation constant of activator A (nM)"),
        new ParameterSpec("k-b", "10", "dissociation constant of activator B (nM)"),
        new ParameterSpec("omega", "20", "cooperativity ω of A and B bound together (1 = independent)"),
        new ParameterSpec("leak", "0.05", "activity of a promoter with only A or only B bound (fraction of full)"),
        new ParameterSpec("basal", "0.01", "activity of the empty promoter (fraction of full)"),
        new ParameterSpec("low", "0.1", "'low' level of either activator for the truth table (nM)"),
        new ParameterSpec("high", "100", "'high' level of either activator for the truth table (nM)"),
        new ParameterSpec("threshold", "0.5", "expression that counts as 'on' (fraction of full)"),
        new ParameterSpec("conc-min", "0.01", "lowest concentration of the grid (nM)"),
        new ParameterSpec("conc-max", "1000", "highest concentration of the grid (nM)"),
        new ParameterSpec("levels", "41", "grid levels per activator, log-spaced"),
        new ParameterSpec("omegas", "1,3,10,30,100,300,1000", "cooperativities ω of the sweep"),
        new ParameterSpec("leaks", "21", "leak values of the sweep, evenly spaced over [0, 1]"),
        new ParameterSpec("scorer", "dot", "dot-product scorer that computes qᵀWk on one-hot inputs"));
  }

  @Override public Map<String, String> quick() { return Map.of("levels", "21", "leaks", "11"); }

  @Override
  public ScenarioResult run(ScenarioContext ctx) {
    Settings s = ctx.parameters();
    double low = s.getDouble("low"), high = s.getDouble("high"), thr = s.getDouble("threshold");
    double cMin = s.getDouble("conc-min"), cMax = s.getDouble("conc-max");
    int levels = s.getInt("levels"), nLeaks = s.getInt("leaks");
    double[] omegas = s.getDoubles("omegas");
    String scorerId = s.getString("scorer");
    if (!(cMin > 0 && cMax > cMin)) {
      throw new IllegalArgumentException("conc-min, conc-max: expected 0 < conc-min < conc-max, got " + cMin + ", " + cMax);
    }
    if (levels < 3) throw new IllegalArgumentException("levels: expected at least 3, got " + levels);
    if (nLeaks < 2) throw new IllegalArgumentException("leaks: expected at least 2, got " + nLeaks);
    if (!(low > 0 && high > low)) throw new IllegalArgumentException("low, high: expected 0 < low < high, got " + low + ", " + high);
    PromoterModel model = PromoterModel.of(s.getDouble("k-a"), s.getDouble("k-b"), s.getDouble("omega"),
        s.getDouble("leak"), s.getDouble("basal"));

    // 1) Expression over the grid.
    double[] conc = new double[levels];
    for (int i = 0; i < levels; i++) conc[i] = cMin * Math.pow(cMax / cMin, i / (double) (levels - 1));
    double[][] e = surface(model, conc);
    int violations = monotoneViolations(e);
    ctx.progress(0.1, "expression surface");

    // 2) Truth table, Hill approximation, separable fits.
    TruthTable table = TruthTable.of(model::expression, low, high, thr);
    double kStart = Math.sqrt(model.kA() * model.kB() / Math.max(1, model.omega()));
    HillProduct hill = HillProduct.fit(conc, conc, e, new HillProduct(1, kStart, 1, kStart, 1));
    double hillErr = 0;
    for (int i = 0; i < levels; i++) for (int j = 0; j < levels; j++) hillErr = Math.max(hillErr, Math.abs(hill.value(conc[i], conc[j]) - e[i][j]));
    TruthTable hillTable = TruthTable.of(hill::value, low, high, thr);
    SurfaceFit mult = SurfaceFit.multiplicative(e), add = SurfaceFit.additive(e);
    int lo = nearest(conc, low), hi = nearest(conc, high);
    TruthTable multTable = cornerTable(mult.fitted(), conc, lo, hi, thr);
    TruthTable addTable = cornerTable(add.fitted(), conc, lo, hi, thr);
    ctx.progress(0.3, "truth table and fits");
    ctx.checkCancelled();

    // 3) The multiplicative score as an AND gate: W = rank-1 fit of the 2 × 2 truth table; and qᵀWk over the grid.
    double[][] corners = {{table.lowLow(), table.lowHigh()}, {table.highLow(), table.highHigh()}};
    SurfaceFit w2 = SurfaceFit.multiplicative(corners);
    double[][] gateScores = BilinearScores.oneHot(ctx, scorerId, w2.fitted());
    TruthTable scoreTable = new TruthTable(low, high, thr, gateScores[0][0], gateScores[0][1], gateScores[1][0],
        gateScores[1][1]);
    double[][] gridScores = BilinearScores.oneHot(ctx, scorerId, mult.fitted());
    double scoreDiff = BilinearScores.maxAbsDiff(gridScores, mult.fitted());
    double scoreTol = 4 * Math.ulp(1f) * Math.max(1, BilinearScores.maxAbs(mult.fitted()));
    ctx.progress(0.4, "bilinear scores through '" + scorerId + "'");

    // 4) Sweeps: cooperativity (for several leaks) and leak.
    double[] sweepLeaks = {0, model.leakA(), 0.2, 0.5};
    double[][] contrastVsOmega = new double[sweepLeaks.length][omegas.length];
    double[] multR2VsOmega = new double[omegas.length], addR2VsOmega = new double[omegas.length];
    int andCountOmega = 0;
    double[] logOmega = new double[omegas.length];
    for (int k = 0; k < omegas.length; k++) {
      ctx.checkCancelled();
      logOmega[k] = Math.log10(omegas[k]);
      for (int l = 0; l < sweepLeaks.length; l++) {
        TruthTable t = TruthTable.of(model.withOmega(omegas[k]).withLeak(sweepLeaks[l])::expression, low, high, thr);
        contrastVsOmega[l][k] = Math.log10(Math.min(t.contrast(), 1e12));
        if (l == 1 && t.isAnd()) andCountOmega++;
      }
      double[][] ek = surface(model.withOmega(omegas[k]), conc);
      multR2VsOmega[k] = SurfaceFit.multiplicative(ek).rSquared();
      addR2VsOmega[k] = SurfaceFit.additive(ek).rSquared();
      ctx.progress(0.4 + 0.3 * (k + 1) / omegas.length, "cooperativity ω = " + omegas[k]);
    }
    double[] leaks = new double[nLeaks], contrastVsLeak = new double[nLeaks], andVsLeak = new double[nLeaks];
    double criticalLeak = 1;
    boolean failed = false;
    for (int l = 0; l < nLeaks; l++) {
      leaks[l] = l / (double) (nLeaks - 1);
      PromoterModel m = model.withLeak(leaks[l]);
      double basal = Math.min(model.basal(), leaks[l]);        // keep ε₀ ≤ λ, the monotone regime
      m = new PromoterModel(m.kA(), m.kB(), m.omega(), m.leakA(), m.leakB(), basal);
      TruthTable t = TruthTable.of(m::expression, low, high, thr);
      contrastVsLeak[l] = Math.log10(Math.min(t.contrast(), 1e12));
      andVsLeak[l] = t.isAnd() ? 1 : 0;
      if (!t.isAnd() && !failed) {
        criticalLeak = leaks[l];
        failed = true;
      }
    }
    ctx.progress(0.8, "leak sweep");

    boolean multWins = mult.aic() < add.aic() && mult.rSquared() > add.rSquared();
    boolean ok = table.isAnd() && violations == 0 && multWins && scoreTable.isAnd() && scoreDiff <= scoreTol;
    Verdict verdict = ok ? Verdict.SUPPORTS : (!table.isAnd() || !multWins ? Verdict.CONTRADICTS : Verdict.INCONCLUSIVE);

    ScenarioResult.Builder out = ScenarioResult.builder()
        .metric("truth_table_is_and", table.isAnd() ? 1 : 0)
        .metric("expression_low_low", table.lowLow())
        .metric("expression_low_high", table.lowHigh())
        .metric("expression_high_low", table.highLow())
        .metric("expression_high_high", table.highHigh())
        .metric("on_off_contrast", Math.min(table.contrast(), 1e12))
        .metric("monotone_violations", violations)
        .metric("hill_max_abs_err", hillErr)
        .metric("hill_k_a_nm", hill.kA())
        .metric("hill_n_a", hill.nA())
        .metric("hill_k_b_nm", hill.kB())
        .metric("hill_n_b", hill.nB())
        .metric("hill_truth_table_is_and", hillTable.isAnd() ? 1 : 0)
        .metric("multiplicative_r2", mult.rSquared())
        .metric("additive_r2", add.rSquared())
        .metric("multiplicative_aic", mult.aic())
        .metric("additive_aic", add.aic())
        .metric("aic_additive_minus_multiplicative", add.aic() - mult.aic())
        .metric("fit_parameters", mult.parameters())
        .metric("multiplicative_fit_truth_table_is_and", multTable.isAnd() ? 1 : 0)
        .metric("additive_fit_truth_table_is_and", addTable.isAnd() ? 1 : 0)
        .metric("bilinear_gate_truth_table_is_and", scoreTable.isAnd() ? 1 : 0)
        .metric("bilinear_score_max_abs_diff", scoreDiff)
        .metric("bilinear_score_tolerance", scoreTol)
        .metric("omegas_giving_and", andCountOmega)
        .metric("critical_leak", criticalLeak)
        .keyMetric("on_off_contrast")
        .verdict(verdict)
        .summary(String.format(Locale.ROOT, "With K_A = %.3g nM, K_B = %.3g nM, ω = %.3g, leak %.3g and basal %.3g, "
            + "expression at (low, high) = (%.3g, %.3g) nM is %.3f (low, low), %.3f (low, high), %.3f (high, low) and %.3f "
            + "(high, high): %s at threshold %.2f, ON/OFF contrast %.3g. Expression is nondecreasing in each activator "
            + "over the %d × %d grid (%d violations). A multiplicative fit explains R² = %.4f (AIC %.1f) against %.4f "
            + "(AIC %.1f) for an additive fit with the same %d parameters. The Hill product (K_A = %.3g nM, n_A = %.2f, "
            + "K_B = %.3g nM, n_B = %.2f) is within %.3f of the thermodynamic model. The truth table stays AND for leaks "
            + "below %.3g; %d of %d cooperativities give AND at leak %.3g. A rank-1 score qᵀWk on one-hot inputs, computed by "
            + "'%s', reproduces the gate (%s). Thresholded at the corners the additive fit is %s (AND is linearly "
            + "separable), but it misses the graded, multiplicative shape of the surface.",
            model.kA(), model.kB(), model.omega(), model.leakA(), model.basal(), low, high, table.lowLow(),
            table.lowHigh(), table.highLow(), table.highHigh(), table.isAnd() ? "an AND gate" : "not an AND gate", thr,
            table.contrast(), levels, levels, violations, mult.rSquared(), mult.aic(), add.rSquared(), add.aic(),
            mult.parameters(), hill.kA(), hill.nA(), hill.kB(), hill.nB(), hillErr, criticalLeak, andCountOmega,
            omegas.length, model.leakA(), scorerId, scoreTable.isAnd() ? "AND" : "not AND",
            addTable.isAnd() ? "also an AND" : "not an AND"));

    List<String> labels = new ArrayList<>(), rowLabels = new ArrayList<>();
    for (int i = 0; i < levels; i++) labels.add(String.format(Locale.ROOT, "%.2g", conc[i]));
    for (int i = levels - 1; i >= 0; i--) rowLabels.add(labels.get(i));
    String xl = "[B] (nM, log-spaced)", yl = "[A] (nM, log-spaced)";
    out.figure(Figure.of("expression-surface", "Thermodynamic promoter: expression over [A] and [B]", xl, yl,
        new Layer.Heatmap("expression", levels, levels, BilinearScores.flipRows(e), rowLabels, labels,
            "expression (fraction of full)")));
    double[][] hillSurface = new double[levels][levels];
    for (int i = 0; i < levels; i++) for (int j = 0; j < levels; j++) hillSurface[i][j] = hill.value(conc[i], conc[j]);
    out.figure(Figure.of("hill-approximation", String.format(Locale.ROOT, "Hill product approximation (max error %.3f)",
        hillErr), xl, yl, new Layer.Heatmap("Hill product", levels, levels, BilinearScores.flipRows(hillSurface),
            rowLabels, labels, "expression (fraction of full)")));
    out.figure(Figure.of("bilinear-score", "Rank-1 score qᵀWk over the grid, one-hot q ([A]) and k ([B]), by '" + scorerId + "'",
        "key: one-hot [B] level (nM)", "query: one-hot [A] level (nM)", new Layer.Heatmap("score", levels, levels,
            BilinearScores.flipRows(gridScores), rowLabels, labels, "score (fraction of full)")));
    double[] logConc = new double[levels];
    for (int i = 0; i < levels; i++) logConc[i] = Math.log10(conc[i]);
    List<Layer> curves = new ArrayList<>();
    for (int j = 0; j < levels; j += Math.max(1, (levels - 1) / 5)) {
      double[] col = new double[levels];
      for (int i = 0; i < levels; i++) col[i] = e[i][j];
      curves.add(Layer.Line.of(String.format(Locale.ROOT, "[B] = %.2g nM", conc[j]), logConc.clone(), col));
    }
    out.figure(new Figure("expression-vs-a", "Expression against [A]: [B] scales the response", "log10 [A] (nM)",
        "expression (fraction of full)", curves));
    List<Layer> omegaLines = new ArrayList<>();
    for (int l = 0; l < sweepLeaks.length; l++) {
      omegaLines.add(Layer.Line.of(String.format(Locale.ROOT, "leak %.3g", sweepLeaks[l]), logOmega.clone(), contrastVsOmega[l]));
    }
    out.figure(new Figure("contrast-vs-cooperativity", "ON/OFF contrast E(high, high) / max E(one high) against ω",
        "log10 cooperativity ω", "log10 contrast", omegaLines));
    out.figure(Figure.of("fit-vs-cooperativity", "Separable fits of the expression surface against ω",
        "log10 cooperativity ω", "R²", Layer.Line.of("multiplicative f([A])·g([B])", logOmega.clone(), multR2VsOmega),
        Layer.Line.of("additive f([A]) + g([B])", logOmega.clone(), addR2VsOmega)));
    out.figure(Figure.of("contrast-vs-leak", "ON/OFF contrast against the leak of single-bound states",
        "leak λ (fraction of full)", "log10 contrast", Layer.Line.of("log10 contrast", leaks, contrastVsLeak),
        new Layer.Scatter("AND holds (1) or not (0)", leaks.clone(), andVsLeak)));
    out.figure(Figure.of("truth-table", String.format(Locale.ROOT, "Truth table at low %.3g nM, high %.3g nM, on ≥ %.2f",
        low, high, thr), "", "", new Layer.Table("truth table", List.of("[A]", "[B]", "thermodynamic", "Hill product",
            "multiplicative fit", "additive fit", "score qᵀWk (" + scorerId + ")"), truthRows(table, hillTable, multTable,
            addTable, scoreTable))));
    out.figure(Figure.of("fit-comparison", "Separable fits of the expression surface", "", "",
        new Layer.Table("fits", List.of("form", "parameters", "RSS", "R²", "AIC"), List.of(
            fitRow("multiplicative f([A])·g([B])", mult), fitRow("additive f([A]) + g([B])", add)))));
    ctx.progress(1, "done");
    return out.build();
  }

  static double[][] surface(PromoterModel m, double[] conc) {
    double[][] e = new double[conc.length][conc.length];
    for (int i = 0; i < conc.length; i++) for (int j = 0; j < conc.length; j++) e[i][j] = m.expression(conc[i], conc[j]);
    return e;
  }

  /** Steps along either axis where expression falls (by more than 1e-12). */
  static int monotoneViolations(double[][] e) {
    int v = 0;
    for (int i = 0; i < e.length; i++) {
      for (int j = 0; j < e[i].length; j++) {
        if (i > 0 && e[i][j] < e[i - 1][j] - 1e-12) v++;
        if (j > 0 && e[i][j] < e[i][j - 1] - 1e-12) v++;
      }
    }
    return v;
  }

  private static int nearest(double[] conc, double c) {
    int best = 0;
    for (int i = 1; i < conc.length; i++) if (Math.abs(Math.log(conc[i] / c)) < Math.abs(Math.log(conc[best] / c))) best = i;
    return best;
  }

  private static TruthTable cornerTable(double[][] f, double[] conc, int lo, int hi, double thr) {
    return new TruthTable(conc[lo], conc[hi], thr, f[lo][lo], f[lo][hi], f[hi][lo], f[hi][hi]);
  }

  private static List<List<String>> truthRows(TruthTable... tables) {
    String[][] corners = {{"low", "low"}, {"low", "high"}, {"high", "low"}, {"high", "high"}};
    List<List<String>> rows = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      List<String> row = new ArrayList<>(List.of(corners[c][0], corners[c][1]));
      for (TruthTable t : tables) {
        double v = switch (c) {
          case 0 -> t.lowLow();
          case 1 -> t.lowHigh();
          case 2 -> t.highLow();
          default -> t.highHigh();
        };
        row.add(String.format(Locale.ROOT, "%.3f (%d)", v, t.bits()[c]));
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<String> fitRow(String name, SurfaceFit f) {
    return List.of(name, Integer.toString(f.parameters()), String.format(Locale.ROOT, "%.4g", f.rss()),
        String.format(Locale.ROOT, "%.4f", f.rSquared()), String.format(Locale.ROOT, "%.1f", f.aic()));
  }
}
