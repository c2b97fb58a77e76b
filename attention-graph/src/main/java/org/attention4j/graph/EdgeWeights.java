package org.attention4j.graph;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.AbstractList;
import java.util.List;
import org.attention4j.api.io.Csv;
import org.apiguardian.api.API;

/**
 * The per-edge weights of one layer: for every stored edge src → dst (the message from node src to
 * node dst, self-loops included) and every head, the weight α_{dst,src} that node dst gives to
 * src. For an attention layer the weights of a node's received edges sum to 1 per head; for GCN
 * they are the fixed 1/√(d_i d_j). Taken without dropout.
 *
 * @param src sending node of each edge [E]
 * @param dst receiving node of each edge [E]
 * @param heads the number of heads H
 * @param weight [E, H] row-major
 * @param learned whether the weights are learned attention (false for GCN)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record EdgeWeights(int[] src, int[] dst, int heads, float[] weight, boolean learned) {
  public EdgeWeights {
    if (src.length != dst.length || (long) src.length * heads != weight.length) {
      throw new IllegalArgumentException("weights: expected " + ((long) src.length * heads) + " values (= " + src.length
          + " edges x " + heads + " heads), got " + weight.length);
    }
  }

  /** The number of edges. */
  public int edges() { return src.length; }

  /** The weight of edge e in head h. */
  public float weight(int e, int h) { return weight[e * heads + h]; }

  /** Whether edge e is a self-loop (src = dst). */
  public boolean selfLoop(int e) { return src[e] == dst[e]; }

  /** The weights of head h [E]. */
  public double[] head(int h) {
    double[] w = new double[src.length];
    for (int e = 0; e < w.length; e++) w[e] = weight[e * heads + h];
    return w;
  }

  /**
   * Writes the CSV table {@code src,dst,head,weight} (docs/CLI.md, {@code graph train
   * --edge-weights}), one row per edge and head, self-loops included (they are the rows with
   * src = dst).
   */
  public void writeCsv(Path file) {
    int e = src.length;
    List<List<?>> rows = new AbstractList<>() {
      @Override public List<?> get(int r) {
        int k = r / heads, h = r % heads;
        return List.of(src[k], dst[k], h, weight[k * heads + h]);
      }

      @Override public int size() { return e * heads; }
    };
    Csv.writeTable(file, List.of("src", "dst", "head", "weight"), rows);
  }
}
