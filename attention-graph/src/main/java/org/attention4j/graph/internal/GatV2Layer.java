package org.attention4j.graph.internal;

import java.util.List;
import java.util.Map;
import org.attention4j.api.ParameterSet.TensorSpec;


/**
 * GATv2 (Brody et al. 2022): e_ij = aᵀ LeakyReLU(W [h_i ‖ h_j]) = aᵀ LeakyReLU(W_r h_i + W_l h_j)
 * per head ("dynamic" attention: the nonlinearity comes before a, so the ranking of neighbours can
 * depend on the receiver), messages W_l h_j (PyG's GATv2Conv with separate weights). The per-edge
 * work is O(E·H·F'); the pre-activations are recomputed in the backward pass instead of stored.
 * Tensors: W_l [H·F', F], W_r [H·F', F], a [H, F'], bias.
 */
final class GatV2Layer extends GraphLayer {
  GatV2Layer(String prefix, int in, int heads, int dim, boolean concat) { super(prefix, in, heads, dim, concat); }

  @Override public List<TensorSpec> specs() {
    return List.of(new TensorSpec(prefix + "W_l", new int[] {heads * dim, in}, false),
        new TensorSpec(prefix + "W_r", new int[] {heads * dim, in}, false),
        new TensorSpec(prefix + "a", new int[] {heads, dim}, false),
        new TensorSpec(prefix + "bias", new int[] {outDim()}, false));
  }

  private record Extra(float[] zr) {}

  @Override protected float[] messages(Csr g, State s, Map<String, float[]> p) {
    return EdgeOps.project(s.x, g.nodes(), in, p.get(prefix + "W_l"), heads * dim);
  }

  @Override protected float[] scores(Csr g, State s, Map<String, float[]> p) {
    float[] zr = EdgeOps.project(s.x, g.nodes(), in, p.get(prefix + "W_r"), heads * dim);
    s.extra = new Extra(zr);
    float[] zl = s.msg, a = p.get(prefix + "a");
    int[] src = g.sources(), dst = g.targets();
    int hd = heads * dim;
    float[] e = new float[g.edges() * heads];
    for (int k = 0; k < src.length; k++) {
      int lo = src[k] * hd, ro = dst[k] * hd;
      for (int h = 0; h < heads; h++) {
        double sum = 0;
        for (int d = 0; d < dim; d++) {
          int c = h * dim + d;
          sum += a[c] * EdgeOps.leaky(zl[lo + c] + zr[ro + c]);
        }
        e[k * heads + h] = (float) sum;
      }
    }
    return e;
  }

  @Override protected void scoresBackward(Csr g, State s, float[] de, Map<String, float[]> p,
      Map<String, float[]> grads, float[] dMsg, float[] dx) {
    float[] zr = ((Extra) s.extra).zr(), zl = s.msg, a = p.get(prefix + "a");
    int[] src = g.sources(), dst = g.targets();
    int hd = heads * dim;
    float[] dzr = new float[zr.length];
    double[] ga = new double[hd];
    for (int k = 0; k < src.length; k++) {
      int lo = src[k] * hd, ro = dst[k] * hd;
      for (int h = 0; h < heads; h++) {
        float g0 = de[k * heads + h];
        if (g0 == 0) continue;
        for (int d = 0; d < dim; d++) {
          int c = h * dim + d;
          float u = zl[lo + c] + zr[ro + c];
          ga[c] += (double) g0 * EdgeOps.leaky(u);
          float du = g0 * a[c] * EdgeOps.leakySlope(u);
          dMsg[lo + c] += du;
          dzr[ro + c] += du;
        }
      }
    }
    float[] da = grads.get(prefix + "a");
    for (int c = 0; c < hd; c++) da[c] += (float) ga[c];
    EdgeOps.projectBackward(s.x, g.nodes(), in, p.get(prefix + "W_r"), hd, dzr, grads.get(prefix + "W_r"), dx);
  }

  @Override protected void messagesBackward(Csr g, State s, float[] dMsg, Map<String, float[]> p,
      Map<String, float[]> grads, float[] dx) {
    EdgeOps.projectBackward(s.x, g.nodes(), in, p.get(prefix + "W_l"), heads * dim, dMsg, grads.get(prefix + "W_l"), dx);
  }
}
