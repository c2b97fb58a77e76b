package org.attention4j.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Stroke;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/** The one look of every rendered figure: fonts, colours, strokes. */
final class ChartStyle {
  private ChartStyle() {}

  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
  static final Font AXIS_LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
  static final Font TICK_LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  static final Color TEXT = new Color(0x212121);
  static final Color AXIS_LINE = new Color(0x757575);
  static final Color GRID = new Color(0xE0E0E0);

  static final Stroke LINE = new BasicStroke(2.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  static final Stroke THIN = new BasicStroke(1.0f);

  /** Band fill opacity: light enough that lines and other bands stay visible through it. */
  static final float BAND_ALPHA = 0.22f;

  /**
   * Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; yellow last since
   * it is weak on white.
   */
  private static final int[] CATEGORICAL = {
      0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000, 0xF0E442};

  /** Over a viridis heatmap: warm colours, absent from the map. */
  private static final int[] OVER_SEQUENTIAL = {0xD55E00, 0xCC79A7, 0xFFFFFF, 0x000000};

  /** Over a blue–white–red heatmap: black and green, absent from the map. */
  private static final int[] OVER_DIVERGING = {0x000000, 0x009E73, 0xE69F00, 0xCC79A7};

  /** White under lines and around markers drawn over a heatmap, so they stand out on any cell colour. */
  static final Color HALO = Color.WHITE;

  /** The i-th categorical colour (wrapping round). */
  static Color colour(int i) {
    return pick(CATEGORICAL, i);
  }

  /** The i-th colour for a layer drawn over a heatmap with the given colour map. */
  static Color overlayColour(ColorMap map, int i) {
    return pick(map.diverging() ? OVER_DIVERGING : OVER_SEQUENTIAL, i);
  }

  private static Color pick(int[] palette, int i) {
    return new Color(palette[Math.floorMod(i, palette.length)]);
  }

  /** A chart with the figure's title, a white background and no default legend. */
  static JFreeChart chart(String title, Plot plot) {
    JFreeChart chart = new JFreeChart(title.isBlank() ? null : title, TITLE, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setPadding(new RectangleInsets(8, 8, 8, 12));
    if (chart.getTitle() != null) {
      chart.getTitle().setPaint(TEXT);
      chart.getTitle().setPadding(new RectangleInsets(4, 4, 10, 4));
    }
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlineVisible(true);                  // a frame: blank (skipped) heatmap cells read as holes
    plot.setOutlinePaint(AXIS_LINE);
    plot.setOutlineStroke(THIN);
    plot.setNoDataMessage("no finite data");
    plot.setNoDataMessageFont(AXIS_LABEL);
    return chart;
  }

  static void xyPlot(XYPlot plot) {
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(THIN);
    plot.setRangeGridlineStroke(THIN);
    plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
  }

  static void axis(Axis axis) {
    axis.setLabelFont(AXIS_LABEL);
    axis.setLabelPaint(TEXT);
    axis.setTickLabelFont(TICK_LABEL);
    axis.setTickLabelPaint(TEXT);
    axis.setAxisLinePaint(AXIS_LINE);
    axis.setTickMarkPaint(AXIS_LINE);
  }

  /** The axis label as given (with its unit), or none for a blank one. */
  static String label(String label) {
    return label.isBlank() ? null : label;
  }

  /** Adds a legend under the plot, if the plot has any legend item to show. */
  static void legendBelow(JFreeChart chart, Plot plot) {
    if (plot.getLegendItems() == null || plot.getLegendItems().getItemCount() == 0) return;
    LegendTitle legend = new LegendTitle(plot);
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setItemFont(LEGEND);
    legend.setItemPaint(TEXT);
    legend.setBackgroundPaint(Color.WHITE);
    legend.setFrame(BlockBorder.NONE);
    legend.setMargin(new RectangleInsets(6, 0, 0, 0));
    chart.addSubtitle(legend);
  }

  static Color withAlpha(Paint paint, double alpha) {
    Color c = (Color) paint;
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) Math.round(Math.clamp(alpha, 0.0, 1.0) * 255));
  }
}
