package org.attention4j.cli.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.jfree.svg.SVGGraphics2D;

/**
 * Text tables, drawn directly with Graphics2D (JFreeChart has no table): the figure title, then each
 * table under its label, with a bold header, rules, light zebra rows, and columns of numbers aligned
 * right. The canvas is as tall as the tables need and at least as wide as asked: a table is never
 * clipped, nor padded with empty space.
 */
final class TableDrawing {
  private TableDrawing() {}

  private static final int MARGIN = 20;
  private static final int CELL_PAD = 10;
  private static final int GAP = 18;
  private static final Color ZEBRA = new Color(0xF3F5F7);
  private static final Font HEAD = ChartStyle.AXIS_LABEL.deriveFont(Font.BOLD);
  private static final Font BODY = ChartStyle.AXIS_LABEL;
  private static final Pattern NUMBER =
      Pattern.compile("[-+−]?(\\d[\\d,_]*)?\\.?\\d+([eE][-+]?\\d+)?\\s*%?|[-+−]?(NaN|∞|Infinity)");

  /** One table's measured layout. */
  private record Layout(Layer.Table table, int[] widths, boolean[] numeric, int width) {}

  static SVGGraphics2D draw(Figure figure, List<Layer.Table> tables, int minWidth, String defsPrefix) {
    FontMetrics title = SvgRenderer.metrics(ChartStyle.TITLE);
    FontMetrics head = SvgRenderer.metrics(HEAD);
    FontMetrics body = SvgRenderer.metrics(BODY);
    int rowH = body.getHeight() + 8;

    // Measure first, so the canvas can be sized to fit.
    int needW = MARGIN * 2 + title.stringWidth(figure.title());
    int needH = MARGIN + title.getHeight() + GAP / 2;
    List<Layout> layouts = tables.stream().map(t -> layout(t, head, body)).toList();
    for (Layout l : layouts) {
      needW = Math.max(needW, MARGIN * 2 + Math.max(l.width(), body.stringWidth(l.table().label())));
      needH += (l.table().label().isBlank() ? 0 : body.getHeight() + 4) + rowH * (1 + l.table().rows().size()) + GAP;
    }
    int w = Math.max(minWidth, needW);
    int h = needH + MARGIN - GAP;

    SVGGraphics2D g = SvgRenderer.canvas(w, h, defsPrefix);
    g.setPaint(Color.WHITE);
    g.fill(new Rectangle2D.Double(0, 0, w, h));
    g.setPaint(ChartStyle.TEXT);
    g.setFont(ChartStyle.TITLE);
    int y = MARGIN + title.getAscent();
    g.drawString(figure.title(), (w - title.stringWidth(figure.title())) / 2f, y);
    y += title.getDescent() + GAP / 2;

    for (Layout l : layouts) {
      int left = (w - l.width()) / 2;
      if (!l.table().label().isBlank()) {
        g.setFont(BODY);
        g.setPaint(ChartStyle.TEXT);
        g.drawString(l.table().label(), left, y + body.getAscent());
        y += body.getHeight() + 4;
      }
      row(g, l.table().header(), l, left, y, rowH, head);
      y += rowH;
      rule(g, left, y, l.width());
      for (int r = 0; r < l.table().rows().size(); r++) {
        if (r % 2 == 1) {
          g.setPaint(ZEBRA);
          g.fill(new Rectangle2D.Double(left, y, l.width(), rowH));
        }
        row(g, l.table().rows().get(r), l, left, y, rowH, body);
        y += rowH;
      }
      rule(g, left, y, l.width());
      y += GAP;
    }
    return g;
  }

  private static Layout layout(Layer.Table table, FontMetrics head, FontMetrics body) {
    int cols = table.header().size();
    int[] widths = new int[cols];
    boolean[] numeric = new boolean[cols];
    for (int c = 0; c < cols; c++) {
      widths[c] = head.stringWidth(table.header().get(c));
      numeric[c] = !table.rows().isEmpty();
      for (List<String> row : table.rows()) {
        String cell = row.get(c);
        widths[c] = Math.max(widths[c], body.stringWidth(cell));
        numeric[c] &= cell.isBlank() || NUMBER.matcher(cell.strip()).matches();
      }
      widths[c] += 2 * CELL_PAD;
    }
    return new Layout(table, widths, numeric, Arrays.stream(widths).sum());
  }

  private static void row(SVGGraphics2D g, List<String> cells, Layout l, int left, int top, int rowH, FontMetrics fm) {
    g.setFont(fm.getFont());
    g.setPaint(ChartStyle.TEXT);
    int baseline = top + (rowH - fm.getHeight()) / 2 + fm.getAscent();
    int x = left;
    for (int c = 0; c < cells.size(); c++) {
      String text = cells.get(c);
      int tx = l.numeric()[c] ? x + l.widths()[c] - CELL_PAD - fm.stringWidth(text) : x + CELL_PAD;
      if (!text.isEmpty()) g.drawString(text, tx, baseline);
      x += l.widths()[c];
    }
  }

  private static void rule(SVGGraphics2D g, int left, int y, int width) {
    g.setPaint(ChartStyle.AXIS_LINE);
    g.setStroke(ChartStyle.THIN);
    g.draw(new Line2D.Double(left, y, left + width, y));
  }
}
