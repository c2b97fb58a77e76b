package org.attention4j.api.figure;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A data-only figure: what to draw, never how. Library modules build these; the CLI renders them
 * (so no library module depends on a plotting library).
 *
 * @param id file stem for the rendered figure (lower-case letters, digits, {@code -})
 * @param title the figure's title
 * @param xLabel x axis label with unit, e.g. {@code "scale factor α (1)"}
 * @param yLabel y axis label with unit
 * @param layers what is drawn, in order
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Figure(String id, String title, String xLabel, String yLabel, List<Layer> layers) {
  public Figure {
    Objects.requireNonNull(id, "id");
    if (!id.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("figure id: expected lower-case letters, digits and '-', got '" + id + "'");
    }
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(xLabel, "xLabel");
    Objects.requireNonNull(yLabel, "yLabel");
    layers = List.copyOf(layers);
    if (layers.isEmpty()) throw new IllegalArgumentException("figure " + id + ": expected at least one layer, got none");
  }

  /** Shorthand for a figure of one or more layers. */
  public static Figure of(String id, String title, String xLabel, String yLabel, Layer... layers) {
    return new Figure(id, title, xLabel, yLabel, List.of(layers));
  }
}
