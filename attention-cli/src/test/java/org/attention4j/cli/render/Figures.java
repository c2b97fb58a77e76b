package org.attention4j.cli.render;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;

/** The test figures: one per layer kind, a mixed one, and awkward ones. */
final class Figures {
  private Figures() {}

  static final int ROWS = 20;
  static final int COLS = 30;

  /** Attention-like weights: each row peaks at a column that moves with the row. */
  static Figure heatmap() {
    double[] v = new double[ROWS * COLS];
    for (int r = 0; r < ROWS; r++) {
      double sum = 0;
      for (int c = 0; c < COLS; c++) sum += v[r * COLS + c] = Math.exp(-Math.pow(c - 1.4 * r, 2) / 8);
      for (int c = 0; c < COLS; c++) v[r * COLS + c] /= sum;
    }
    List<String> rows = IntStream.range(0, ROWS).mapToObj(i -> "q" + i).toList();
    List<String> cols = IntStream.range(0, COLS).mapToObj(i -> "key" + i).toList();
    return Figure.of("attention-weights", "Attention weights, scaled dot product", "key position (token)",
        "query position (token)", new Layer.Heatmap("weights", ROWS, COLS, v, rows, cols, "weight (1)"));
  }

  /** Values of both signs: a diverging map; no labels: index axes; a path drawn over it. */
  static Figure signedHeatmapWithPath() {
    int n = 25;
    double[] v = new double[n * n];
    double[] px = new double[n];
    double[] py = new double[n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) v[r * n + c] = Math.sin(r / 4.0) * Math.cos(c / 5.0) * 3 - 0.5;
      px[r] = Math.min(n - 1, Math.round(r * 1.1));
      py[r] = r;
    }
    return Figure.of("dtw-cost", "Cost matrix and alignment path", "reference index (1)", "query index (1)",
        new Layer.Heatmap("", n, n, v, List.of(), List.of(), "local cost − mean (nats)"),
        new Layer.Path("alignment path", px, py));
  }

  static Figure lineBandScatter() {
    int n = 40;
    double[] x = new double[n];
    double[] y = new double[n];
    double[] lo = new double[n];
    double[] hi = new double[n];
    double[] y2 = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 0.25 * i;
      y[i] = Math.tanh(x[i] - 4) + 1;
      lo[i] = y[i] - 0.15 - 0.02 * i;
      hi[i] = y[i] + 0.15 + 0.02 * i;
      y2[i] = 0.2 * x[i];
    }
    double[] sx = {0.5, 2.0, 3.5, 5.0, 6.5, 8.0, 9.5};
    double[] sy = {0.1, 0.05, 0.6, 1.2, 1.9, 2.0, 1.95};
    return Figure.of("entropy-vs-scale", "Attention entropy against scale", "scale factor α (1)",
        "entropy H (nats)", new Layer.Line("mean over 30 seeds", x, y, lo, hi), Layer.Line.of("linear reference", x, y2),
        new Layer.Scatter("measured", sx, sy));
  }

  static Figure path() {
    double[] x = {0, 1, 1, 2, 3, 4, 4, 5};
    double[] y = {0, 0, 1, 2, 2, 3, 4, 5};
    return Figure.of("warping-path", "Warping path", "i (step)", "j (step)", new Layer.Path("warping path", x, y));
  }

  static Figure bars() {
    List<String> cats = List.of("dot", "scaled-dot", "bilinear", "additive", "multi-head");
    return Figure.of("accuracy-by-scorer", "Copy-task accuracy by scorer", "scorer", "accuracy (%)",
        new Layer.Bar("seq len 32", cats, new double[] {91.5, 97.2, 95.0, 96.1, 98.4}),
        new Layer.Bar("seq len 128", cats, new double[] {62.0, 93.8, 90.2, 94.5, 97.9}));
  }

  static Figure table() {
    return Figure.of("verdicts", "Claims and verdicts", "", "", new Layer.Table("Seed claims",
        List.of("claim", "metric", "value", "verdict"),
        List.of(List.of("1.1", "entropy slope", "-0.42", "supports"),
            List.of("1.2", "rank of A", "17", "supports"),
            List.of("2.3", "gap at n=1024", "3.1 %", "inconclusive"),
            List.of("3.1", "max |dA|", "1.2e-07", "contradicts"))));
  }

  static Figure graph() {
    int n = 8;
    double[] x = new double[n];
    double[] y = new double[n];
    int[] group = new int[n];
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      x[i] = Math.cos(2 * Math.PI * i / n);
      y[i] = Math.sin(2 * Math.PI * i / n);
      group[i] = i % 3;
      labels.add("v" + i);
    }
    int[] src = {0, 1, 2, 3, 4, 5, 6, 7, 0, 2, 4, 6};
    int[] dst = {1, 2, 3, 4, 5, 6, 7, 0, 4, 6, 0, 2};
    double[] w = {0.9, 0.1, 0.5, 0.3, 1.0, 0.2, 0.7, 0.4, 0.05, 0.6, 0.8, 0.25};
    return Figure.of("gat-attention", "GAT attention on a ring", "layout x (1)", "layout y (1)",
        new Layer.Graph("GAT", x, y, group, labels, src, dst, w));
  }

  /** Every kind of non-finite value where data goes. */
  static List<Figure> nonFinite() {
    double nan = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    double[] x = {0, 1, 2, nan, 4, 5, 6};
    double[] y = {1, nan, 3, 4, inf, 2, Double.MAX_VALUE};
    double[] lo = {0.5, 0.5, nan, 3, 3, 1, 1};
    double[] hi = {1.5, 1.5, 4, 5, -inf, 3, 3};
    double[] heat = {1, nan, 3, inf, 5, 6, -inf, 8, 9};
    return List.of(
        Figure.of("nonfinite-xy", "Non-finite XY", "x (1)", "y (1)", new Layer.Line("line", x, y, lo, hi),
            new Layer.Scatter("scatter", y, x), new Layer.Path("path", x, x)),
        Figure.of("nonfinite-all", "Nothing finite", "x (1)", "y (1)",
            Layer.Line.of("line", new double[] {nan, inf}, new double[] {nan, nan})),
        Figure.of("nonfinite-heatmap", "Non-finite heatmap", "c", "r",
            new Layer.Heatmap("h", 3, 3, heat, List.of(), List.of(), "v (1)")),
        Figure.of("nonfinite-heatmap-all", "All-NaN heatmap", "c", "r",
            new Layer.Heatmap("h", 1, 2, new double[] {nan, nan}, List.of(), List.of(), "v (1)")),
        Figure.of("nonfinite-bars", "Non-finite bars", "k", "v (1)",
            new Layer.Bar("b", List.of("a", "b", "c"), new double[] {1, nan, -inf})),
        Figure.of("nonfinite-graph", "Non-finite graph", "x", "y",
            new Layer.Graph("g", new double[] {0, nan, 1}, new double[] {0, 1, 1}, new int[] {0, 0, 1},
                List.of("a", "b", "c"), new int[] {0, 1, 0}, new int[] {1, 2, 2}, new double[] {1, 1, nan})));
  }
}
