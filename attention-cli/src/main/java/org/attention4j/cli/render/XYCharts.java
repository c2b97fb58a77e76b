package org.attention4j.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.List;
import java.util.function.IntFunction;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** Line (with optional error band), Scatter and Path layers on one XY plot. */
final class XYCharts {
  private XYCharts() {}

  private static final double MARKER = 7.0;
  private static final BasicStroke HALO_LINE = new BasicStroke(5.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);

  /** A figure of Line, Scatter and Path layers only. */
  static JFreeChart chart(Figure figure) {
    NumberAxis x = new NumberAxis(ChartStyle.label(figure.xLabel()));
    NumberAxis y = new NumberAxis(ChartStyle.label(figure.yLabel()));
    for (NumberAxis a : List.of(x, y)) {
      a.setAutoRangeIncludesZero(false);
      a.setAutoRangeStickyZero(false);             // a margin even at 0, so markers there are not cut in half
      ChartStyle.axis(a);
    }
    XYPlot plot = new XYPlot(null, x, y, null);
    ChartStyle.xyPlot(plot);
    addLayers(plot, figure.layers(), 0, ChartStyle::colour, false);
    JFreeChart chart = ChartStyle.chart(figure.title(), plot);
    ChartStyle.legendBelow(chart, plot);
    return chart;
  }

  /**
   * Adds each Line, Scatter and Path layer of {@code layers} (others are skipped) as its own dataset
   * from index {@code firstIndex}: all error bands first, so they lie beneath every line and marker,
   * then the layers in figure order. The i-th of these layers takes {@code colours.apply(i)}. With
   * {@code halo}, lines get a white underlay and markers a white rim (for drawing over a heatmap).
   */
  static void addLayers(XYPlot plot, List<Layer> layers, int firstIndex, IntFunction<Color> colours, boolean halo) {
    plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);   // figure order = drawing order
    List<Layer> xy = layers.stream().filter(XYCharts::isXY).toList();
    int index = firstIndex;
    for (int i = 0; i < xy.size(); i++) {
      if (xy.get(i) instanceof Layer.Line line && line.lower() != null) {
        plot.setDataset(index, bands(line));
        plot.setRenderer(index++, bandRenderer(colours.apply(i)));
      }
    }
    for (int i = 0; i < xy.size(); i++) {
      Layer layer = xy.get(i);
      boolean lines = !(layer instanceof Layer.Scatter);
      if (halo && lines) {
        XYLineAndShapeRenderer under = new XYLineAndShapeRenderer(true, false);
        under.setDrawSeriesLineAsPath(true);
        under.setSeriesPaint(0, ChartStyle.HALO);
        under.setSeriesStroke(0, HALO_LINE);
        under.setSeriesVisibleInLegend(0, false);
        // Its own dataset instance: XYPlot finds a dataset's legend items through its first index.
        plot.setDataset(index, new XYSeriesCollection(series(layer)));
        plot.setRenderer(index++, under);
      }
      XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(lines, !(layer instanceof Layer.Line));
      r.setDrawSeriesLineAsPath(true);             // one SVG path per line; NaN y starts a new piece
      r.setSeriesPaint(0, colours.apply(i));
      r.setSeriesStroke(0, ChartStyle.LINE);
      r.setSeriesShape(0, new Ellipse2D.Double(-MARKER / 2, -MARKER / 2, MARKER, MARKER));
      r.setSeriesVisibleInLegend(0, !layer.label().isBlank());
      if (halo) {
        r.setUseOutlinePaint(true);
        r.setDrawOutlines(true);
        r.setSeriesOutlinePaint(0, ChartStyle.HALO);
        r.setSeriesOutlineStroke(0, ChartStyle.THIN);
      }
      plot.setDataset(index, new XYSeriesCollection(series(layer)));
      plot.setRenderer(index++, r);
    }
  }

  static boolean isXY(Layer layer) {
    return layer instanceof Layer.Line || layer instanceof Layer.Scatter || layer instanceof Layer.Path;
  }

  /**
   * The layer's points in the given order. A point whose x is not finite is dropped; a non-finite
   * y leaves a gap in a line or path (and no marker); a scatter drops the point.
   */
  private static XYSeries series(Layer layer) {
    double[] xs;
    double[] ys;
    boolean gaps;
    switch (layer) {
      case Layer.Line l -> { xs = l.x(); ys = l.y(); gaps = true; }
      case Layer.Path p -> { xs = p.x(); ys = p.y(); gaps = true; }
      case Layer.Scatter s -> { xs = s.x(); ys = s.y(); gaps = false; }
      default -> throw new IllegalStateException("not an XY layer: " + layer.getClass().getSimpleName());
    }
    XYSeries s = new XYSeries(key(layer.label()), false, true);   // keep order, allow repeated x
    for (int i = 0; i < xs.length; i++) {
      if (!Plottable.value(xs[i])) continue;
      if (Plottable.value(ys[i])) s.add(xs[i], ys[i]);
      else if (gaps) s.add(xs[i], Double.NaN);
    }
    return s;
  }

  /** The band of a line as one series per run of points whose x, lower and upper are all finite. */
  private static YIntervalSeriesCollection bands(Layer.Line line) {
    YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
    YIntervalSeries run = null;
    for (int i = 0; i < line.x().length; i++) {
      double x = line.x()[i];
      double lo = line.lower()[i];
      double hi = line.upper()[i];
      if (Plottable.value(x) && Plottable.value(lo) && Plottable.value(hi)) {
        if (run == null) run = new YIntervalSeries(key(line.label()) + " band " + bands.getSeriesCount(), false, true);
        run.add(x, (lo + hi) / 2, lo, hi);         // the band renderer draws no line: y is a placeholder
      } else if (run != null) {
        bands.addSeries(run);
        run = null;
      }
    }
    if (run != null) bands.addSeries(run);
    return bands;
  }

  private static DeviationRenderer bandRenderer(Color colour) {
    DeviationRenderer r = new DeviationRenderer(false, false);
    r.setAlpha(ChartStyle.BAND_ALPHA);
    r.setAutoPopulateSeriesFillPaint(false);
    r.setDefaultFillPaint(colour);
    r.setDefaultPaint(colour);
    r.setDefaultSeriesVisibleInLegend(false);      // the line carries the legend entry
    return r;
  }

  private static String key(String label) {
    return label.isBlank() ? "(unlabelled)" : label;
  }
}
