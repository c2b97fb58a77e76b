package org.attention4j.theory.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.api.spi.Verdict;

/**
 * SEED-DIGEST 3.3, the exponential-family view. With p(i | q) ∝ exp(qᵀWkᵢ), the log-odds of two
 * keys is log p(i|q)/p(j|q) = qᵀW(kᵢ − kⱼ), linear in q: the boundary between the regions where i
 * and j win is the hyperplane qᵀW(kᵢ − kⱼ) = 0. Measured on a grid of 2-D queries with the bilinear
 * score qᵀWk ({@code dot} on W k, W and keys random): the largest error of the score differences
 * against qᵀW(kᵢ − kⱼ) in float64, the number of grid points whose argmax differs from the hyperplane
 * prediction, and the linearity of every boundary — points found by bisection along grid rows,
 * a total-least-squares line per pair of keys, the largest distance from it. The same boundaries of
 * a seeded {@code additive} scorer, vᵀtanh(W_q q + W_k k + b), are curved.
 */
public final class ExponentialFamilyScenario implements ScenarioProvider {
  @Override public String id() { return "exponential-family"; }

  @Override public String claim() { return "3.3"; }

  @Override public String title() { return "Bilinear attention is an exponential family: decision boundaries are hyperplanes"; }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec("keys", "5", "number of keys (regions of the partition)"),
        new ParameterSpec("grid", "101", "query grid points per axis over [−extent, extent]²"),
        new ParameterSpec("extent", "3", "half-width of the query box"),
        new ParameterSpec("h", "16", "hidden size of the additive scorer drawn for contrast"),
        new ParameterSpec("bisections", "30", "bisection steps per boundary point"));
  }

  @Override public Map<String, String> quick() { return Map.of("grid", "41", "bisections", "24"); }

  @Override
  public ScenarioResult run(ScenarioContext ctx) {
    Settings p = ctx.parameters();
    int nk = RobustnessNormScenario.positive(p, "keys"), g = RobustnessNormScenario.positive(p, "grid");
    int h = RobustnessNormScenario.positive(p, "h"), bis = RobustnessNormScenario.positive(p, "bisections");
    double ext = p.getDouble("extent");
    if (nk < 2) throw new IllegalArgumentException("keys: expected an integer >= 2, got " + nk);
    if (g < 3) throw new IllegalArgumentException("grid: expected an integer >= 3, got " + g);
    if (!(ext > 0)) throw new IllegalArgumentException("extent: expected > 0, got " + ext);
    BufferAllocator alloc = ctx.allocator();
    Random rnd = new Random(ctx.seed());
    float[] keys = new float[nk * 2];
    for (int i = 0; i < keys.length; i++) keys[i] = (float) rnd.nextGaussian();
    float[] grid = new float[g * g * 2];
    for (int r = 0; r < g; r++) {
      for (int c = 0; c < g; c++) {
        grid[(r * g + c) * 2] = (float) (-ext + 2 * ext * c / (g - 1));
        grid[(r * g + c) * 2 + 1] = (float) (ext - 2 * ext * r / (g - 1));
      }
    }
    double[] wK;
    double diffErr = 0;
    int disagreements = 0;
    Result bil, add;
    try (ScoreModel bilinear = ScoreModel.bilinear(ctx, 2, ctx.seed(), alloc);
         ScoreModel additive = ScoreModel.additive(ctx, 2, h, ctx.seed(), alloc)) {
      float[] w = org.attention4j.api.DenseMatrices.toArray(bilinear.parameters().get("W"));
      wK = new double[nk * 2];                      // W k_i in float64
      for (int i = 0; i < nk; i++) {
        for (int a = 0; a < 2; a++) wK[i * 2 + a] = (double) w[a * 2] * keys[i * 2] + (double) w[a * 2 + 1] * keys[i * 2 + 1];
      }
      float[] s = bilinear.score(grid, g * g, keys, nk, alloc);
      double scale = 0;
      for (double x : wK) scale = Math.max(scale, Math.abs(x));
      for (int e = 0; e < g * g; e++) {
        double q0 = grid[e * 2], q1 = grid[e * 2 + 1];
        int predicted = 0;
        double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nk; i++) {
          double exact = q0 * wK[i * 2] + q1 * wK[i * 2 + 1];
          if (exact > best) {
            second = best;
            best = exact;
            predicted = i;
          } else if (exact > second) {
            second = exact;
          }
          for (int j = 0; j < i; j++) {
            double exactDiff = q0 * (wK[i * 2] - wK[j * 2]) + q1 * (wK[i * 2 + 1] - wK[j * 2 + 1]);
            diffErr = Math.max(diffErr, Math.abs((s[e * nk + i] - (double) s[e * nk + j]) - exactDiff) / (ext * scale));
          }
        }
        if (best - second > 1e-4 * ext * scale && argmax(s, e * nk, nk) != predicted) disagreements++;
      }
      ctx.progress(0.3, "bilinear scores on the grid");
      bil = boundaries(bilinear, grid, g, keys, nk, ext, bis, alloc);
      ctx.progress(0.6, "bilinear boundaries");
      add = boundaries(additive, grid, g, keys, nk, ext, bis, alloc);
      ctx.progress(1, "additive boundaries");
    }
    boolean ok = disagreements == 0 && diffErr < 1e-5 && bil.maxDev < 1e-3 * ext && add.maxDev > 10 * bil.maxDev;
    Verdict verdict = ok ? Verdict.SUPPORTS : bil.maxDev >= 1e-3 * ext || disagreements > 0 ? Verdict.CONTRADICTS
        : Verdict.INCONCLUSIVE;
    List<String> axis = new ArrayList<>();
    for (int i = 0; i < g; i++) axis.add(i == 0 ? Stats.fmt(-ext) : i == g - 1 ? Stats.fmt(ext) : "");
    List<String> rows = new ArrayList<>(axis);
    java.util.Collections.reverse(rows);
    return ScenarioResult.builder()
        .metric("score_difference_max_rel_err", diffErr)
        .metric("argmax_disagreements", disagreements)
        .metric("bilinear_boundary_max_deviation", bil.maxDev)
        .metric("additive_boundary_max_deviation", add.maxDev)
        .metric("bilinear_boundary_points", bil.points)
        .metric("additive_boundary_points", add.points)
        .keyMetric("bilinear_boundary_max_deviation")
        .verdict(verdict)
        .summary(String.format("On a %d × %d grid over [−%s, %s]², the bilinear score differences match qᵀW(kᵢ − kⱼ) to "
            + "%.2g (relative) and the argmax agrees with the hyperplane prediction at every point clear of a tie "
            + "(%d disagreements). Boundary points (%d, by bisection) lie on straight lines to within %.2g; the "
            + "additive scorer's boundaries (%d points) deviate from their best-fit lines by up to %.3g: curved.",
            g, g, Stats.fmt(ext), Stats.fmt(ext), diffErr, disagreements, bil.points, bil.maxDev, add.points, add.maxDev))
        .figure(Figure.of("partition-bilinear", "Argmax over keys of qᵀWkᵢ: a partition by hyperplanes",
            "q₁", "q₂", new Layer.Heatmap("argmax", g, g, bil.argmax, rows, axis, "winning key index")))
        .figure(Figure.of("partition-additive", "Argmax over keys of an additive scorer: curved boundaries",
            "q₁", "q₂", new Layer.Heatmap("argmax", g, g, add.argmax, rows, axis, "winning key index")))
        .figure(Figure.of("boundary-points", "Boundary points between regions (bisection along grid rows)", "q₁", "q₂",
            new Layer.Scatter("bilinear", bil.x, bil.y), new Layer.Scatter("additive", add.x, add.y)))
        .build();
  }

  record Result(double[] argmax, double[] x, double[] y, double maxDev, int points) {}

  /** Boundary points by batched bisection between row-neighbours with different argmax; TLS line per pair. */
  static Result boundaries(ScoreModel model, float[] grid, int g, float[] keys, int nk, double ext, int steps,
      BufferAllocator a) {
    float[] s = model.score(grid, g * g, keys, nk, a);
    double[] am = new double[g * g];
    for (int e = 0; e < g * g; e++) am[e] = argmax(s, e * nk, nk);
    List<double[]> seg = new ArrayList<>();                // {xLo, xHi, y, a, b}
    for (int r = 0; r < g; r++) {
      for (int c = 0; c + 1 < g; c++) {
        int e = r * g + c;
        if (am[e] != am[e + 1]) seg.add(new double[] {grid[e * 2], grid[(e + 1) * 2], grid[e * 2 + 1], am[e], am[e + 1]});
      }
    }
    int n = seg.size();
    float[] q = new float[n * 2];
    for (int it = 0; it < steps && n > 0; it++) {
      for (int i = 0; i < n; i++) {
        double[] sg = seg.get(i);
        q[i * 2] = (float) ((sg[0] + sg[1]) / 2);
        q[i * 2 + 1] = (float) sg[2];
      }
      float[] sm = model.score(q, n, keys, nk, a);
      for (int i = 0; i < n; i++) {
        double[] sg = seg.get(i);
        double f = sm[i * nk + (int) sg[3]] - (double) sm[i * nk + (int) sg[4]];
        if (f > 0) sg[0] = (sg[0] + sg[1]) / 2; else sg[1] = (sg[0] + sg[1]) / 2;
      }
    }
    Map<String, List<double[]>> byPair = new LinkedHashMap<>();
    double[] x = new double[n], y = new double[n];
    for (int i = 0; i < n; i++) {
      double[] sg = seg.get(i);
      x[i] = (sg[0] + sg[1]) / 2;
      y[i] = sg[2];
      int lo = (int) Math.min(sg[3], sg[4]), hi = (int) Math.max(sg[3], sg[4]);
      byPair.computeIfAbsent(lo + "-" + hi, k -> new ArrayList<>()).add(new double[] {x[i], y[i]});
    }
    double maxDev = 0;
    for (List<double[]> pts : byPair.values()) if (pts.size() >= 3) maxDev = Math.max(maxDev, tlsMaxDistance(pts));
    return new Result(am, x, y, maxDev, n);
  }

  /** Largest distance of the points from their total-least-squares line. */
  static double tlsMaxDistance(List<double[]> pts) {
    double mx = 0, my = 0;
    for (double[] p : pts) {
      mx += p[0] / pts.size();
      my += p[1] / pts.size();
    }
    double sxx = 0, syy = 0, sxy = 0;
    for (double[] p : pts) {
      sxx += (p[0] - mx) * (p[0] - mx);
      syy += (p[1] - my) * (p[1] - my);
      sxy += (p[0] - mx) * (p[1] - my);
    }
    double theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);          // direction of the line
    double nx = -Math.sin(theta), ny = Math.cos(theta);            // its normal
    double max = 0;
    for (double[] p : pts) max = Math.max(max, Math.abs((p[0] - mx) * nx + (p[1] - my) * ny));
    return max;
  }

  private static int argmax(float[] s, int from, int n) {
    int best = 0;
    for (int j = 1; j < n; j++) if (s[from + j] > s[from + best]) best = j;
    return best;
  }
}
