package org.attention4j.cli.render;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.text.TextUtils;
import org.jfree.svg.SVGGraphics2D;

/**
 * Renders a data-only {@link Figure} as a standalone SVG document, through JFreeChart and JFreeSVG:
 * the figure's title, axis labels as given (with their units), a legend for labelled layers, white
 * background, 800 × 520 by default.
 *
 * <p>Which layers may share a figure:
 * <ul>
 *   <li>Line (with optional error band), Scatter and Path layers, in any number, on one XY plot;</li>
 *   <li>the same over at most one Heatmap, in cell coordinates (x = column index, y = row index,
 *       row 0 at the top), e.g. an alignment path over a cost matrix;</li>
 *   <li>only Bar layers (grouped bars when several); only Table layers (stacked); only Graph layers.</li>
 * </ul>
 * Any other mix is an {@link IllegalArgumentException} naming the figure and its layer kinds.
 *
 * <p>Values that are NaN, infinite or beyond ±1e300 are skipped, never drawn: a point is dropped (a
 * line or path gets a gap where y is missing), a heatmap cell stays blank, a bar slot stays empty, a
 * graph node is left out with its edges.
 *
 * <p>A heatmap of up to 64 × 64 cells is drawn as one SVG rectangle per cell; a larger one as a
 * single embedded PNG image under the same axes, legends and overlays, to keep the file small.
 *
 * <p>Rendering needs no display: AWT is switched to headless mode, if nobody chose a mode, before
 * this class touches AWT. The SVG's internal ids (clip paths, gradients) start with the figure id, so
 * several figures can be inlined in one HTML page. Each call builds its own chart and canvas, so
 * calls may run in parallel.
 */
public final class SvgRenderer {
  static {
    // JFreeChart measures text through AWT, which reads this flag once, when it starts.
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    // JFreeChart draws rotated text (y axis labels) through TextLayout by default, a workaround for an
    // old JDK bug that makes JFreeSVG emit glyph outlines instead of <text>: unsearchable and bulky.
    // The setting is JVM-wide; this application is its only JFreeChart user.
    TextUtils.setUseDrawRotatedStringWorkaround(false);
  }

  /** Default width in SVG user units (pixels). */
  public static final int DEFAULT_WIDTH = 800;
  /** Default height in SVG user units (pixels). */
  public static final int DEFAULT_HEIGHT = 520;

  private SvgRenderer() {}

  /** The figure as an SVG document ({@code <svg ...>...</svg>}) of the default size. */
  public static String render(Figure figure) {
    return render(figure, DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  /**
   * The figure as an SVG document of {@code width × height}; except tables, which are as tall as their
   * rows need and at least {@code width} wide.
   *
   * @throws IllegalArgumentException for a size below 1, a mix of layer kinds that cannot share a
   *     plot, or a layer that contradicts itself (labels or edges that do not fit its data)
   */
  public static String render(Figure figure, int width, int height) {
    Objects.requireNonNull(figure, "figure");
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("size: expected width and height >= 1, got " + width + " x " + height);
    }
    String prefix = figure.id() + "-";
    SVGGraphics2D g = switch (kind(figure)) {
      case TABLE -> TableDrawing.draw(figure, only(figure, Layer.Table.class), width, prefix);
      case XY -> draw(XYCharts.chart(figure), width, height, prefix);
      case HEATMAP -> {
        JFreeChart chart = HeatmapChart.chart(figure, only(figure, Layer.Heatmap.class).getFirst());
        HeatmapChart.alignColourBar(chart, width, height);
        yield draw(chart, width, height, prefix);
      }
      case BAR -> draw(BarChart.chart(figure, only(figure, Layer.Bar.class)), width, height, prefix);
      case GRAPH -> draw(GraphChart.chart(figure, only(figure, Layer.Graph.class)), width, height, prefix);
    };
    return g.getSVGElement(figure.id());
  }

  /**
   * Writes the figure to {@code dir/<id>.svg} (UTF-8), creating {@code dir} if needed, and returns
   * that path.
   */
  public static Path write(Figure figure, Path dir) throws IOException {
    return write(figure, dir, DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  /** As {@link #write(Figure, Path)}, at {@code width × height}. */
  public static Path write(Figure figure, Path dir, int width, int height) throws IOException {
    String svg = render(figure, width, height);
    Files.createDirectories(dir);
    Path file = dir.resolve(figure.id() + ".svg");
    Files.writeString(file, svg, StandardCharsets.UTF_8);
    return file;
  }

  /** The kinds of plot a figure can become. */
  enum Kind { XY, HEATMAP, BAR, TABLE, GRAPH }

  /** Which plot the figure's layers make together, or why they cannot share one. */
  static Kind kind(Figure figure) {
    Set<String> kinds = new LinkedHashSet<>();
    int heatmaps = 0;
    for (Layer layer : figure.layers()) {
      kinds.add(layer.getClass().getSimpleName());
      if (layer instanceof Layer.Heatmap) heatmaps++;
    }
    Set<String> xy = Set.of("Line", "Scatter", "Path");
    Set<String> rest = new LinkedHashSet<>(kinds);
    rest.remove("Heatmap");
    if (xy.containsAll(kinds)) return Kind.XY;
    if (heatmaps == 1 && xy.containsAll(rest)) return Kind.HEATMAP;
    if (kinds.size() == 1) {
      switch (kinds.iterator().next()) {
        case "Bar" -> { return Kind.BAR; }
        case "Table" -> { return Kind.TABLE; }
        case "Graph" -> { return Kind.GRAPH; }
        default -> { }
      }
    }
    throw new IllegalArgumentException("figure " + figure.id() + " layers: expected kinds that share one plot "
        + "(Line/Scatter/Path, optionally over one Heatmap; or only Bar, only Table, only Graph), got "
        + (heatmaps > 1 ? heatmaps + " Heatmap layers in " : "") + kinds);
  }

  private static <T extends Layer> List<T> only(Figure figure, Class<T> type) {
    return figure.layers().stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static SVGGraphics2D draw(JFreeChart chart, int width, int height, String defsPrefix) {
    SVGGraphics2D g = canvas(width, height, defsPrefix);
    chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
    return g;
  }

  /** An SVG canvas whose internal ids start with {@code defsPrefix} and whose coordinates are short. */
  static SVGGraphics2D canvas(double width, double height, String defsPrefix) {
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    g.setDefsKeyPrefix(defsPrefix);
    g.setGeomDoubleConverter(SvgRenderer::coordinate);
    return g;
  }

  /** A coordinate to 1/100 of a pixel: the full double ("4.883333333333326") only adds bytes. */
  static String coordinate(double v) {
    return Math.abs(v) < 1e9 ? Double.toString(Math.round(v * 100) / 100.0) : Double.toString(v);
  }

  /** Font metrics for layout outside JFreeChart (the same fonts JFreeSVG measures with). */
  static FontMetrics metrics(Font font) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    try {
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }
}
