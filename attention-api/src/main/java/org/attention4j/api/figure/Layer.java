package org.attention4j.api.figure;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * One layer of a {@link Figure}. Arrays are copied by the renderer, not here: build a layer from
 * arrays you no longer change.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public sealed interface Layer {
  /** The legend label of the layer (may be empty). */
  String label();

  /**
   * A heatmap of {@code values} [rows × cols] row-major; row 0 is drawn at the top.
   *
   * @param rowLabels one per row or empty; {@code colLabels} likewise
   * @param valueLabel what the colour means, with unit
   */
  record Heatmap(String label, int rows, int cols, double[] values, List<String> rowLabels, List<String> colLabels,
      String valueLabel) implements Layer {
    public Heatmap {
      if ((long) rows * cols != values.length) {
        throw new IllegalArgumentException("heatmap values: expected " + ((long) rows * cols) + " (= " + rows + " x "
            + cols + "), got " + values.length);
      }
      rowLabels = List.copyOf(rowLabels);
      colLabels = List.copyOf(colLabels);
    }
  }

  /** A line through (x[i], y[i]); with {@code lower}/{@code upper} (same length, or null) an error band. */
  record Line(String label, double[] x, double[] y, double[] lower, double[] upper) implements Layer {
    public Line {
      Layer.sameLength("line " + label, x, y);
      if ((lower == null) != (upper == null)) {
        throw new IllegalArgumentException("line " + label + " band: expected both lower and upper or neither");
      }
      if (lower != null) {
        Layer.sameLength("line " + label + " lower", x, lower);
        Layer.sameLength("line " + label + " upper", x, upper);
      }
    }

    public static Line of(String label, double[] x, double[] y) { return new Line(label, x, y, null, null); }
  }

  /** Points (x[i], y[i]). */
  record Scatter(String label, double[] x, double[] y) implements Layer {
    public Scatter { Layer.sameLength("scatter " + label, x, y); }
  }

  /** Markers joined in order (e.g. an alignment path), or vertical/horizontal reference marks. */
  record Path(String label, double[] x, double[] y) implements Layer {
    public Path { Layer.sameLength("path " + label, x, y); }
  }

  /** Bars, one per category. */
  record Bar(String label, List<String> categories, double[] values) implements Layer {
    public Bar {
      categories = List.copyOf(categories);
      if (categories.size() != values.length) {
        throw new IllegalArgumentException("bar " + label + ": expected " + categories.size() + " values, got "
            + values.length);
      }
    }
  }

  /** A small table of text. */
  record Table(String label, List<String> header, List<List<String>> rows) implements Layer {
    public Table {
      header = List.copyOf(header);
      rows = rows.stream().map(List::copyOf).toList();
      for (List<String> r : rows) {
        if (r.size() != header.size()) {
          throw new IllegalArgumentException("table " + label + ": expected " + header.size() + " cells per row, got "
              + r.size());
        }
      }
    }
  }

  /**
   * A graph drawing: nodes at (x, y) with labels and a group (colour), edges src→dst with a weight
   * (drawn as line width).
   */
  record Graph(String label, double[] x, double[] y, int[] group, List<String> nodeLabels, int[] src, int[] dst,
      double[] weight) implements Layer {
    public Graph {
      Layer.sameLength("graph nodes " + label, x, y);
      if (group.length != x.length) throw new IllegalArgumentException("graph groups: expected " + x.length + ", got " + group.length);
      nodeLabels = List.copyOf(nodeLabels);
      if (src.length != dst.length || src.length != weight.length) {
        throw new IllegalArgumentException("graph edges: expected src, dst and weight of one length, got " + src.length
            + ", " + dst.length + ", " + weight.length);
      }
    }
  }

  private static void sameLength(String what, double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(what + ": expected " + x.length + " y values (= x values), got " + y.length);
    }
  }
}
