package org.attention4j.cli.render;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYDataImageAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.TickUnitSource;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * One heatmap in cell coordinates (column c spans c ± 0.5 on x, row r spans r ± 0.5 on y, row 0 at
 * the top), with a colour legend and, optionally, Line/Scatter/Path layers drawn over it in the same
 * coordinates (e.g. an alignment path over a cost matrix).
 */
final class HeatmapChart {
  private HeatmapChart() {}

  /** At most this many labelled ticks along an axis; beyond it every k-th label is shown. */
  private static final int MAX_X_TICKS = 40;
  private static final int MAX_Y_TICKS = 30;

  /**
   * Up to this many cells (64 × 64) each cell is an SVG rectangle; beyond it the map is one embedded
   * image, since tens of thousands of rectangles make a figure of megabytes.
   */
  static final int MAX_VECTOR_CELLS = 64 * 64;

  static JFreeChart chart(Figure figure, Layer.Heatmap heat) {
    String where = "figure " + figure.id() + " heatmap";
    NumberAxis x = cellAxis(figure.xLabel(), heat.colLabels(), heat.cols(), MAX_X_TICKS, where + " colLabels");
    NumberAxis y = cellAxis(figure.yLabel(), heat.rowLabels(), heat.rows(), MAX_Y_TICKS, where + " rowLabels");
    y.setInverted(true);                           // row 0 at the top, as in a matrix
    if (x instanceof SymbolAxis && longestLabel(heat.colLabels()) > 3) x.setVerticalTickLabels(true);

    int n = 0;                                     // finite cells, and their range
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double[] v = heat.values();
    for (double d : v) {
      if (Plottable.value(d)) {
        n++;
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
    }
    ColorMap colours = n == 0 ? ColorMap.forRange(0, 1) : ColorMap.forRange(min, max);
    boolean raster = (long) heat.rows() * heat.cols() > MAX_VECTOR_CELLS;
    DefaultXYZDataset data = new DefaultXYZDataset();
    if (!raster) data.addSeries(heat.label().isBlank() ? "heatmap" : heat.label(), cells(heat, n));

    XYBlockRenderer blocks = new XYBlockRenderer();
    blocks.setPaintScale(colours);
    blocks.setDefaultSeriesVisibleInLegend(false);   // the colour legend explains the blocks
    if (raster) {
      // Drawn beneath the overlays; the image's top row goes at the top, as row 0 does on this axis.
      blocks.addAnnotation(new XYDataImageAnnotation(image(heat, colours), -0.5, -0.5, heat.cols(), heat.rows()),
          org.jfree.chart.ui.Layer.BACKGROUND);
    }
    XYPlot plot = new XYPlot(data, x, y, blocks);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    XYCharts.addLayers(plot, figure.layers(), 1, i -> ChartStyle.overlayColour(colours, i), true);

    JFreeChart chart = ChartStyle.chart(figure.title(), plot);
    if (raster && n > 0) plot.setNoDataMessage(null);   // the data is in the image, not a dataset
    chart.addSubtitle(colourLegend(colours, heat.valueLabel()));
    ChartStyle.legendBelow(chart, plot);
    return chart;
  }

  /** The n finite cells as (column, row, value) columns; a skipped cell shows the white background. */
  private static double[][] cells(Layer.Heatmap heat, int n) {
    double[][] xyz = new double[3][n];
    for (int r = 0, k = 0; r < heat.rows(); r++) {
      for (int c = 0; c < heat.cols(); c++) {
        double d = heat.values()[r * heat.cols() + c];
        if (!Plottable.value(d)) continue;
        xyz[0][k] = c;
        xyz[1][k] = r;
        xyz[2][k] = d;
        k++;
      }
    }
    return xyz;
  }

  /**
   * The heatmap as an image, row 0 on top, a skipped cell transparent. Each cell is a k × k block of
   * pixels (about 1000 pixels across in all), so a viewer that smooths the scaled image keeps cells crisp.
   */
  private static BufferedImage image(Layer.Heatmap heat, ColorMap colours) {
    int k = Math.max(1, (int) Math.ceil(1000.0 / Math.max(heat.rows(), heat.cols())));
    BufferedImage image = new BufferedImage(heat.cols() * k, heat.rows() * k, BufferedImage.TYPE_INT_ARGB);
    for (int r = 0; r < heat.rows(); r++) {
      for (int c = 0; c < heat.cols(); c++) {
        double d = heat.values()[r * heat.cols() + c];
        if (!Plottable.value(d)) continue;
        int argb = ((Color) colours.getPaint(d)).getRGB();
        for (int i = 0; i < k; i++) {
          for (int j = 0; j < k; j++) image.setRGB(c * k + j, r * k + i, argb);
        }
      }
    }
    return image;
  }

  /**
   * An axis over cells 0..n-1 (range -0.5..n-0.5): the given labels through a {@link SymbolAxis}, or
   * integer indices when there are none.
   */
  private static NumberAxis cellAxis(String title, List<String> labels, int n, int maxTicks, String what) {
    NumberAxis axis;
    if (labels.isEmpty()) {
      axis = new NumberAxis(ChartStyle.label(title));
      TickUnitSource integers = NumberAxis.createIntegerTickUnits();
      axis.setStandardTickUnits(integers);
    } else if (labels.size() == n) {
      SymbolAxis symbols = new SymbolAxis(ChartStyle.label(title), labels.toArray(String[]::new));
      symbols.setGridBandsVisible(false);
      // SymbolAxis blanks labels that would overlap; a coarser step also thins the tick marks.
      symbols.setTickUnit(new NumberTickUnit(Math.max(1, (int) Math.ceil(n / (double) maxTicks))));
      axis = symbols;
    } else {
      throw new IllegalArgumentException(what + ": expected 0 or " + n + " labels, got " + labels.size());
    }
    axis.setAutoRangeIncludesZero(false);
    axis.setRange(-0.5, Math.max(n, 1) - 0.5);
    axis.setLowerMargin(0);
    axis.setUpperMargin(0);
    ChartStyle.axis(axis);
    return axis;
  }

  private static int longestLabel(List<String> labels) {
    return labels.stream().mapToInt(String::length).max().orElse(0);
  }

  /**
   * Makes the colour bar span exactly the height of the heatmap. Where the plot's data area ends
   * depends on text measured while drawing, so this draws the chart once, unseen, and sets the
   * colour bar's margins from what it saw (its width, hence the plot's, does not change).
   */
  static void alignColourBar(JFreeChart chart, int width, int height) {
    if (!(chart.getSubtitle(0) instanceof ColourBar bar)) return;
    ChartRenderingInfo info = new ChartRenderingInfo(null);   // no entities: only the data area is wanted
    chart.draw(SvgRenderer.canvas(width, height, "measure-"), new Rectangle2D.Double(0, 0, width, height), info);
    Rectangle2D data = info.getPlotInfo().getDataArea();
    Rectangle2D drawn = bar.drawnIn;
    if (drawn == null || data.isEmpty()) return;
    RectangleInsets m = bar.getMargin();
    double top = Math.max(0, data.getMinY() - drawn.getMinY());
    double bottom = Math.max(0, drawn.getMaxY() - data.getMaxY());
    bar.setMargin(new RectangleInsets(top, m.getLeft(), bottom, m.getRight()));
  }

  /** A colour legend that remembers where it was last drawn (margins included). */
  private static final class ColourBar extends PaintScaleLegend {
    private Rectangle2D drawnIn;

    ColourBar(PaintScale scale, NumberAxis axis) {
      super(scale, axis);
    }

    @Override
    public Object draw(Graphics2D g2, Rectangle2D area, Object params) {
      drawnIn = (Rectangle2D) area.clone();
      return super.draw(g2, area, params);
    }
  }

  private static PaintScaleLegend colourLegend(ColorMap colours, String valueLabel) {
    NumberAxis scaleAxis = new NumberAxis(ChartStyle.label(valueLabel));
    scaleAxis.setRange(colours.getLowerBound(), colours.getUpperBound());
    ChartStyle.axis(scaleAxis);
    scaleAxis.setTickLabelFont(ChartStyle.SMALL);
    scaleAxis.setLabelAngle(Math.PI);              // read bottom to top, like the y axis label
    PaintScaleLegend legend = new ColourBar(colours, scaleAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
    legend.setStripWidth(16);
    legend.setSubdivisionCount(128);
    legend.setStripOutlineVisible(true);
    legend.setStripOutlinePaint(ChartStyle.AXIS_LINE);
    legend.setAxisOffset(2);
    legend.setBackgroundPaint(Color.WHITE);
    legend.setFrame(BlockBorder.NONE);
    legend.setMargin(new RectangleInsets(0, 14, 0, 0));
    return legend;
  }
}
