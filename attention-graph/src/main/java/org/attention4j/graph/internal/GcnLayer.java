package org.attention4j.graph.internal;

import java.util.List;
import java.util.Map;
import org.attention4j.api.ParameterSet.TensorSpec;


/**
 * GCN (Kipf and Welling 2017), the fixed-averaging baseline: z = h Wᵀ and
 * out_i = Σ_j z_j / √(d_i d_j) with d the in-degree (self-loop included; a node with d = 0 sends
 * nothing), as PyG's {@code gcn_norm}. With H heads it is H independent projections (the same as
 * one wider layer). Tensors: W [H·F', F], bias.
 */
final class GcnLayer extends GraphLayer {
  GcnLayer(String prefix, int in, int heads, int dim, boolean concat) { super(prefix, in, heads, dim, concat); }

  @Override public List<TensorSpec> specs() {
    return List.of(new TensorSpec(prefix + "W", new int[] {heads * dim, in}, false),
        new TensorSpec(prefix + "bias", new int[] {outDim()}, false));
  }

  @Override protected boolean attends() { return false; }

  @Override protected float[] fixedWeights(Csr g) {
    int[] src = g.sources(), dst = g.targets();
    float[] w = new float[g.edges() * heads];
    for (int k = 0; k < src.length; k++) {
      double di = g.inDegree(dst[k]), dj = g.inDegree(src[k]);
      float c = dj == 0 ? 0f : (float) (1.0 / Math.sqrt(di * dj));
      for (int h = 0; h < heads; h++) w[k * heads + h] = c;
    }
    return w;
  }

  @Override protected float[] messages(Csr g, State s, Map<String, float[]> p) {
    return EdgeOps.project(s.x, g.nodes(), in, p.get(prefix + "W"), heads * dim);
  }

  @Override protected float[] scores(Csr g, State s, Map<String, float[]> p) { throw new UnsupportedOperationException(); }

  @Override protected void scoresBackward(Csr g, State s, float[] de, Map<String, float[]> p,
      Map<String, float[]> grads, float[] dMsg, float[] dx) {}

  @Override protected void messagesBackward(Csr g, State s, float[] dMsg, Map<String, float[]> p,
      Map<String, float[]> grads, float[] dx) {
    EdgeOps.projectBackward(s.x, g.nodes(), in, p.get(prefix + "W"), heads * dim, dMsg, grads.get(prefix + "W"), dx);
  }
}
