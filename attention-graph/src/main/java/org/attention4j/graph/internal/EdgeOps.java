package org.attention4j.graph.internal;



/**
 * The shared per-node and per-edge steps of the graph layers. Sums run in double and are rounded
 * once; exp is {@link StrictMath#exp} so results do not depend on the JIT tier.
 */
final class EdgeOps {
  private EdgeOps() {}

  /** y [n, rows] = x [n, cols] · Wᵀ, W [rows, cols]. */
  static float[] project(float[] x, int n, int cols, float[] w, int rows) {
    float[] y = new float[n * rows];
    double[] acc = new double[rows];
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(acc, 0);
      int xo = i * cols;
      for (int f = 0; f < cols; f++) {
        float xv = x[xo + f];
        if (xv == 0) continue;                      // identity / one-hot features are mostly zeros
        for (int r = 0; r < rows; r++) acc[r] += xv * w[r * cols + f];
      }
      for (int r = 0; r < rows; r++) y[i * rows + r] = (float) acc[r];
    }
    return y;
  }

  /** Backward of {@link #project}: dW += dyᵀ x, dx += dy · W. */
  static void projectBackward(float[] x, int n, int cols, float[] w, int rows, float[] dy, float[] dw, float[] dx) {
    double[] gw = new double[rows * cols];
    for (int i = 0; i < n; i++) {
      int xo = i * cols, yo = i * rows;
      for (int r = 0; r < rows; r++) {
        float g = dy[yo + r];
        if (g == 0) continue;
        int wo = r * cols;
        for (int f = 0; f < cols; f++) gw[wo + f] += g * x[xo + f];
      }
      if (dx != null) {
        for (int f = 0; f < cols; f++) {
          double s = 0;
          for (int r = 0; r < rows; r++) s += dy[yo + r] * w[r * cols + f];
          dx[xo + f] += (float) s;
        }
      }
    }
    for (int k = 0; k < gw.length; k++) dw[k] += (float) gw[k];
  }

  /** Softmax of e [E, H] over each node's received edges, per head. A node with no edges has none. */
  static float[] softmax(Csr g, float[] e, int heads) {
    int[] off = g.offsets();
    float[] a = new float[e.length];
    for (int i = 0; i < g.nodes(); i++) {
      int lo = off[i], hi = off[i + 1];
      if (lo == hi) continue;
      for (int h = 0; h < heads; h++) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = lo; k < hi; k++) max = Math.max(max, e[k * heads + h]);
        double sum = 0;
        for (int k = lo; k < hi; k++) {
          double v = StrictMath.exp(e[k * heads + h] - max);
          a[k * heads + h] = (float) v;
          sum += v;
        }
        for (int k = lo; k < hi; k++) a[k * heads + h] = (float) (a[k * heads + h] / sum);
      }
    }
    return a;
  }

  /** de_ij = α_ij (dα_ij − Σ_k α_ik dα_ik), per node and head. */
  static float[] softmaxBackward(Csr g, float[] alpha, float[] dAlpha, int heads) {
    int[] off = g.offsets();
    float[] de = new float[alpha.length];
    for (int i = 0; i < g.nodes(); i++) {
      int lo = off[i], hi = off[i + 1];
      for (int h = 0; h < heads; h++) {
        double dot = 0;
        for (int k = lo; k < hi; k++) dot += (double) alpha[k * heads + h] * dAlpha[k * heads + h];
        for (int k = lo; k < hi; k++) {
          de[k * heads + h] = (float) (alpha[k * heads + h] * (dAlpha[k * heads + h] - dot));
        }
      }
    }
    return de;
  }

  static float[] times(float[] a, float[] b) {
    float[] c = new float[a.length];
    for (int k = 0; k < a.length; k++) c[k] = a[k] * b[k];
    return c;
  }

  /** out_i = Σ_j α_ij m_j per head, concatenated [n, H·D] or averaged [n, D], plus bias. */
  static float[] aggregate(Csr g, float[] alpha, float[] msg, int heads, int dim, boolean concat, float[] bias) {
    int n = g.nodes(), hd = heads * dim, outDim = concat ? hd : dim;
    int[] off = g.offsets(), src = g.sources();
    float[] out = new float[n * outDim];
    double[] acc = new double[hd];
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(acc, 0);
      for (int k = off[i]; k < off[i + 1]; k++) {
        int mo = src[k] * hd;
        for (int h = 0; h < heads; h++) {
          float a = alpha[k * heads + h];
          int o = h * dim;
          for (int d = 0; d < dim; d++) acc[o + d] += a * msg[mo + o + d];
        }
      }
      int oo = i * outDim;
      if (concat) {
        for (int c = 0; c < hd; c++) out[oo + c] = (float) acc[c] + (bias == null ? 0 : bias[c]);
      } else {
        for (int d = 0; d < dim; d++) {
          double s = 0;
          for (int h = 0; h < heads; h++) s += acc[h * dim + d];
          out[oo + d] = (float) (s / heads) + (bias == null ? 0 : bias[d]);
        }
      }
    }
    return out;
  }

  /** dbias += Σ_i dOut_i. */
  static void biasBackward(float[] dOut, int n, int outDim, float[] dBias) {
    if (dBias == null) return;
    double[] s = new double[outDim];
    for (int i = 0; i < n; i++) for (int c = 0; c < outDim; c++) s[c] += dOut[i * outDim + c];
    for (int c = 0; c < outDim; c++) dBias[c] += (float) s[c];
  }

  /** Backward of {@link #aggregate}: returns dα [E, H] and adds dm_j += α_ij dOut_i into dMsg. */
  static float[] aggregateBackward(Csr g, float[] alpha, float[] msg, float[] dOut, int heads, int dim, boolean concat,
      float[] dMsg) {
    int n = g.nodes(), hd = heads * dim, outDim = concat ? hd : dim;
    int[] off = g.offsets(), src = g.sources();
    float[] dAlpha = new float[alpha.length];
    float[] go = new float[hd];                        // dL/d(head outputs) of node i
    float scale = concat ? 1f : 1f / heads;
    for (int i = 0; i < n; i++) {
      int oo = i * outDim;
      for (int h = 0; h < heads; h++) {
        for (int d = 0; d < dim; d++) go[h * dim + d] = concat ? dOut[oo + h * dim + d] : dOut[oo + d] * scale;
      }
      for (int k = off[i]; k < off[i + 1]; k++) {
        int mo = src[k] * hd;
        for (int h = 0; h < heads; h++) {
          float a = alpha[k * heads + h];
          int o = h * dim;
          double dot = 0;
          for (int d = 0; d < dim; d++) {
            dot += go[o + d] * msg[mo + o + d];
            dMsg[mo + o + d] += a * go[o + d];
          }
          dAlpha[k * heads + h] = (float) dot;
        }
      }
    }
    return dAlpha;
  }

  static float leaky(float u) { return u > 0 ? u : GraphLayer.NEGATIVE_SLOPE * u; }

  static float leakySlope(float u) { return u > 0 ? 1f : GraphLayer.NEGATIVE_SLOPE; }
}
