package org.attention4j.multihead.internal;

/**
 * Row-major float32 matrix products with float64 accumulation, for the projections of the layer
 * (small matrices; the per-head attention itself runs on the kernels through the facade).
 */
final class Dense {
  private Dense() {}

  /**
   * {@code y[i][o] = Σ_c x[i][c] · w[(rowOffset + o)·in + c] + bias[biasOffset + o]}: x [n, in] times
   * the rows rowOffset … rowOffset+out−1 of w (each of width {@code in}), transposed; bias may be null.
   */
  static float[] affine(float[] x, int n, int in, float[] w, int rowOffset, int out, float[] bias, int biasOffset) {
    float[] y = new float[n * out];
    for (int i = 0; i < n; i++) {
      int xi = i * in;
      for (int o = 0; o < out; o++) {
        int wo = (rowOffset + o) * in;
        double s = bias == null ? 0 : bias[biasOffset + o];
        for (int c = 0; c < in; c++) s += (double) x[xi + c] * w[wo + c];
        y[i * out + o] = (float) s;
      }
    }
    return y;
  }

  /**
   * Backward of {@link #affine} given dy [n, out]: adds dyᵀ·x into dw rows rowOffset… (width in),
   * Σ_i dy into dBias at biasOffset (when not null), and returns dx = dy · W_rows [n, in].
   */
  static float[] affineBackward(float[] dy, float[] x, int n, int in, float[] w, int rowOffset, int out, double[] dw,
      double[] dBias, int biasOffset) {
    float[] dx = new float[n * in];
    for (int o = 0; o < out; o++) {
      int wo = (rowOffset + o) * in;
      double sb = 0;
      for (int i = 0; i < n; i++) {
        double g = dy[i * out + o];
        if (g == 0) continue;
        sb += g;
        int xi = i * in;
        for (int c = 0; c < in; c++) dw[wo + c] += g * x[xi + c];
      }
      if (dBias != null) dBias[biasOffset + o] += sb;
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < in; c++) {
        double s = 0;
        for (int o = 0; o < out; o++) s += (double) dy[i * out + o] * w[(rowOffset + o) * in + c];
        dx[i * in + c] = (float) s;
      }
    }
    return dx;
  }

  /** Columns col0 … col0+width−1 of x [n, cols]. */
  static float[] columns(float[] x, int n, int cols, int col0, int width) {
    float[] y = new float[n * width];
    for (int i = 0; i < n; i++) System.arraycopy(x, i * cols + col0, y, i * width, width);
    return y;
  }

  /** Writes part [n, width] into columns col0 … of x [n, cols]. */
  static void setColumns(float[] x, int n, int cols, int col0, int width, float[] part) {
    for (int i = 0; i < n; i++) System.arraycopy(part, i * width, x, i * cols + col0, width);
  }

  static float[] toFloat(double[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) y[i] = (float) x[i];
    return y;
  }
}
