package org.attention4j.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Graph drawings on an XY plot: nodes as markers coloured by group (one legend entry per group),
 * labelled above; edges as background line annotations whose width and opacity grow with |weight|.
 */
final class GraphChart {
  private GraphChart() {}

  private static final double NODE = 11.0;
  private static final Color EDGE = new Color(0x37474F);

  static JFreeChart chart(Figure figure, List<Layer.Graph> graphs) {
    NumberAxis x = new NumberAxis(ChartStyle.label(figure.xLabel()));
    NumberAxis y = new NumberAxis(ChartStyle.label(figure.yLabel()));
    for (NumberAxis a : List.of(x, y)) {
      a.setAutoRangeIncludesZero(false);
      a.setAutoRangeStickyZero(false);             // keep the margin even when a node sits at 0
      a.setLowerMargin(0.08);                      // room for markers and labels at the edges
      a.setUpperMargin(0.08);
      ChartStyle.axis(a);
    }
    XYPlot plot = new XYPlot(null, x, y, null);
    ChartStyle.xyPlot(plot);
    for (int i = 0; i < graphs.size(); i++) add(plot, i, graphs.get(i), figure.id());
    JFreeChart chart = ChartStyle.chart(figure.title(), plot);
    ChartStyle.legendBelow(chart, plot);
    return chart;
  }

  private static void add(XYPlot plot, int index, Layer.Graph g, String figureId) {
    int n = g.x().length;
    String where = "figure " + figureId + " graph " + g.label();
    if (!g.nodeLabels().isEmpty() && g.nodeLabels().size() != n) {
      throw new IllegalArgumentException(where + " nodeLabels: expected 0 or " + n + ", got " + g.nodeLabels().size());
    }
    boolean[] placed = new boolean[n];
    for (int i = 0; i < n; i++) placed[i] = Plottable.value(g.x()[i]) && Plottable.value(g.y()[i]);

    // One series per group (sorted), so the legend names each group once; remember which node each item is.
    TreeMap<Integer, XYSeries> byGroup = new TreeMap<>();
    TreeMap<Integer, List<Integer>> nodesOf = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      if (!placed[i]) continue;                    // a node without a finite place is not drawn, nor its edges
      int grp = g.group()[i];
      String key = (g.label().isBlank() ? "" : g.label() + ": ") + "group " + grp;
      byGroup.computeIfAbsent(grp, k -> new XYSeries(key, false, true)).add(g.x()[i], g.y()[i]);
      nodesOf.computeIfAbsent(grp, k -> new ArrayList<>()).add(i);
    }
    XYSeriesCollection nodes = new XYSeriesCollection();
    byGroup.values().forEach(nodes::addSeries);
    List<List<Integer>> nodeIndex = new ArrayList<>(nodesOf.values());

    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    int s = 0;
    for (int grp : byGroup.keySet()) {
      r.setSeriesPaint(s, ChartStyle.colour(grp));
      r.setSeriesShape(s, new Ellipse2D.Double(-NODE / 2, -NODE / 2, NODE, NODE));
      r.setSeriesOutlinePaint(s, Color.WHITE);
      s++;
    }
    r.setUseOutlinePaint(true);
    r.setDrawOutlines(true);
    if (byGroup.size() < 2 && g.label().isBlank()) r.setDefaultSeriesVisibleInLegend(false);
    if (!g.nodeLabels().isEmpty()) {
      r.setDefaultItemLabelGenerator((data, series, item) -> g.nodeLabels().get(nodeIndex.get(series).get(item)));
      r.setDefaultItemLabelsVisible(true);
      r.setDefaultItemLabelFont(ChartStyle.TICK_LABEL);
      r.setDefaultItemLabelPaint(ChartStyle.TEXT);
      // Above the node whatever the sign of y (JFreeChart picks the position by sign).
      ItemLabelPosition above = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER);
      r.setDefaultPositiveItemLabelPosition(above);
      r.setDefaultNegativeItemLabelPosition(above);
      r.setItemLabelInsets(new RectangleInsets(3, 3, 3, 3));
    }

    double maxW = 0;
    for (double w : g.weight()) if (Plottable.value(w)) maxW = Math.max(maxW, Math.abs(w));
    for (int e = 0; e < g.src().length; e++) {
      int a = g.src()[e];
      int b = g.dst()[e];
      if (a < 0 || a >= n || b < 0 || b >= n) {
        throw new IllegalArgumentException(where + " edge " + e + ": expected src and dst in [0, " + n + "), got "
            + a + " -> " + b);
      }
      double w = g.weight()[e];
      if (a == b || !placed[a] || !placed[b] || !Plottable.value(w)) continue;   // nothing honest to draw
      double t = maxW > 0 ? Math.abs(w) / maxW : 1.0;
      BasicStroke stroke = new BasicStroke((float) (0.5 + 4.5 * t), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
      r.addAnnotation(new XYLineAnnotation(g.x()[a], g.y()[a], g.x()[b], g.y()[b], stroke,
          ChartStyle.withAlpha(EDGE, 0.15 + 0.7 * t)), org.jfree.chart.ui.Layer.BACKGROUND);
    }
    plot.setDataset(index, nodes);
    plot.setRenderer(index, r);
  }
}
