package org.attention4j.graph.internal;

import java.util.List;
import java.util.Map;
import org.attention4j.api.ParameterSet.TensorSpec;


/**
 * GAT (Veličković et al. 2018): z = h Wᵀ, e_ij = LeakyReLU(a_dstᵀ z_i + a_srcᵀ z_j) per head (the
 * additive form aᵀ[W h_i ‖ W h_j], with a split into its receiver and sender halves), messages z_j.
 * The two halves are computed per node, so the per-edge work is O(E·H).
 * Tensors: W [H·F', F], a_src [H, F'], a_dst [H, F'], bias [H·F'] (concat) or [F'] (mean).
 */
final class GatLayer extends GraphLayer {
  GatLayer(String prefix, int in, int heads, int dim, boolean concat) { super(prefix, in, heads, dim, concat); }

  @Override public List<TensorSpec> specs() {
    return List.of(new TensorSpec(prefix + "W", new int[] {heads * dim, in}, false),
        new TensorSpec(prefix + "a_src", new int[] {heads, dim}, false),
        new TensorSpec(prefix + "a_dst", new int[] {heads, dim}, false),
        new TensorSpec(prefix + "bias", new int[] {outDim()}, false));
  }

  private record Extra(float[] u) {}   // pre-activation scores [E, H]

  @Override protected float[] messages(Csr g, State s, Map<String, float[]> p) {
    return EdgeOps.project(s.x, g.nodes(), in, p.get(prefix + "W"), heads * dim);
  }

  /** Per node and head: (a · z_i) for a = a_src and a_dst. */
  private float[] halves(float[] z, float[] a, int n) {
    float[] r = new float[n * heads];
    for (int i = 0; i < n; i++) {
      for (int h = 0; h < heads; h++) {
        double s = 0;
        for (int d = 0; d < dim; d++) s += a[h * dim + d] * z[(i * heads + h) * dim + d];
        r[i * heads + h] = (float) s;
      }
    }
    return r;
  }

  @Override protected float[] scores(Csr g, State s, Map<String, float[]> p) {
    int n = g.nodes();
    float[] ss = halves(s.msg, p.get(prefix + "a_src"), n), sd = halves(s.msg, p.get(prefix + "a_dst"), n);
    int[] src = g.sources(), dst = g.targets();
    float[] u = new float[g.edges() * heads], e = new float[u.length];
    for (int k = 0; k < src.length; k++) {
      for (int h = 0; h < heads; h++) {
        float v = sd[dst[k] * heads + h] + ss[src[k] * heads + h];
        u[k * heads + h] = v;
        e[k * heads + h] = EdgeOps.leaky(v);
      }
    }
    s.extra = new Extra(u);
    return e;
  }

  @Override protected void scoresBackward(Csr g, State s, float[] de, Map<String, float[]> p,
      Map<String, float[]> grads, float[] dMsg, float[] dx) {
    int n = g.nodes();
    float[] u = ((Extra) s.extra).u();
    int[] src = g.sources(), dst = g.targets();
    double[] dss = new double[n * heads], dsd = new double[n * heads];
    for (int k = 0; k < src.length; k++) {
      for (int h = 0; h < heads; h++) {
        double du = de[k * heads + h] * EdgeOps.leakySlope(u[k * heads + h]);
        dsd[dst[k] * heads + h] += du;
        dss[src[k] * heads + h] += du;
      }
    }
    halvesBackward(s.msg, p.get(prefix + "a_src"), dss, n, grads.get(prefix + "a_src"), dMsg);
    halvesBackward(s.msg, p.get(prefix + "a_dst"), dsd, n, grads.get(prefix + "a_dst"), dMsg);
  }

  private void halvesBackward(float[] z, float[] a, double[] dr, int n, float[] da, float[] dz) {
    double[] ga = new double[heads * dim];
    for (int i = 0; i < n; i++) {
      for (int h = 0; h < heads; h++) {
        double g = dr[i * heads + h];
        if (g == 0) continue;
        for (int d = 0; d < dim; d++) {
          int zi = (i * heads + h) * dim + d;
          ga[h * dim + d] += g * z[zi];
          dz[zi] += (float) (g * a[h * dim + d]);
        }
      }
    }
    for (int c = 0; c < ga.length; c++) da[c] += (float) ga[c];
  }

  @Override protected void messagesBackward(Csr g, State s, float[] dMsg, Map<String, float[]> p,
      Map<String, float[]> grads, float[] dx) {
    EdgeOps.projectBackward(s.x, g.nodes(), in, p.get(prefix + "W"), heads * dim, dMsg, grads.get(prefix + "W"), dx);
  }
}
