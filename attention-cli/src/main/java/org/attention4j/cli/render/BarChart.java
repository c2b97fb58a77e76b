package org.attention4j.cli.render;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;

/** Bar layers on one category plot; several layers become grouped bars, one colour per layer. */
final class BarChart {
  private BarChart() {}

  static JFreeChart chart(Figure figure, List<Layer.Bar> bars) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    BarRenderer renderer = new BarRenderer();
    Set<String> keys = new HashSet<>();
    int longest = 0;
    for (int i = 0; i < bars.size(); i++) {
      Layer.Bar bar = bars.get(i);
      String key = seriesKey(bar.label(), i, keys);
      Set<String> seen = new HashSet<>();
      for (int j = 0; j < bar.values().length; j++) {
        String category = bar.categories().get(j);
        if (!seen.add(category)) {
          throw new IllegalArgumentException("figure " + figure.id() + " bar " + bar.label()
              + " categories: expected distinct names, got '" + category + "' twice");
        }
        longest = Math.max(longest, category.length());
        double v = bar.values()[j];
        // A non-finite value leaves its slot empty; the category keeps its place on the axis.
        data.addValue(Plottable.value(v) ? Double.valueOf(v) : null, key, category);
      }
      renderer.setSeriesPaint(i, ChartStyle.colour(i));
      renderer.setSeriesVisibleInLegend(i, !bar.label().isBlank());
    }
    renderer.setBarPainter(new StandardBarPainter());   // flat bars: no gradient, no shine
    renderer.setShadowVisible(false);
    renderer.setDrawBarOutline(false);
    renderer.setItemMargin(0.05);

    CategoryAxis x = new CategoryAxis(ChartStyle.label(figure.xLabel()));
    ChartStyle.axis(x);
    x.setCategoryMargin(0.2);
    x.setMaximumCategoryLabelLines(2);
    if (data.getColumnCount() * Math.max(longest, 4) > 90) {
      x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);   // long or many names: slant them
    }
    NumberAxis y = new NumberAxis(ChartStyle.label(figure.yLabel()));
    ChartStyle.axis(y);
    CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
    plot.setRangeGridlinePaint(ChartStyle.GRID);
    plot.setRangeGridlineStroke(ChartStyle.THIN);
    plot.setRangeZeroBaselineVisible(true);
    plot.setRangeZeroBaselinePaint(ChartStyle.AXIS_LINE);
    plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));

    JFreeChart chart = ChartStyle.chart(figure.title(), plot);
    ChartStyle.legendBelow(chart, plot);
    return chart;
  }

  /** A series key no other layer has: the dataset would merge two layers of one key. */
  private static String seriesKey(String label, int i, Set<String> used) {
    String key = label.isBlank() ? "layer " + (i + 1) : label;
    while (!used.add(key)) key = key + " (" + (i + 1) + ")";
    return key;
  }
}
