package org.attention4j.additive.internal;

import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.testkit.Float64Oracles;

/**
 * The float64 reference of the additive score, written directly from the definition
 * {@code s(q, k) = Σ_c v_c tanh(Σ_a W_q[c][a] q_a + b_c + Σ_a W_k[c][a] k_a)}, one pair at a time.
 *
 * @param wq W_q [h, dq], row-major
 * @param wk W_k [h, dk]
 * @param v v [h]
 * @param b b [h]
 */
record AdditiveReference(double[] wq, double[] wk, double[] v, double[] b, int h, int dq, int dk) {
  /** The (float32) parameters of a scorer, widened. */
  static AdditiveReference of(ParameterSet p, int dq, int dk) {
    double[] v = Float64Oracles.toDouble(DenseMatrices.toArray(p.get("v")));
    return new AdditiveReference(Float64Oracles.toDouble(DenseMatrices.toArray(p.get("W_q"))),
        Float64Oracles.toDouble(DenseMatrices.toArray(p.get("W_k"))), v,
        Float64Oracles.toDouble(DenseMatrices.toArray(p.get("b"))), v.length, dq, dk);
  }

  AdditiveReference withWq(double[] x) { return new AdditiveReference(x, wk, v, b, h, dq, dk); }

  AdditiveReference withWk(double[] x) { return new AdditiveReference(wq, x, v, b, h, dq, dk); }

  AdditiveReference withV(double[] x) { return new AdditiveReference(wq, wk, x, b, h, dq, dk); }

  AdditiveReference withB(double[] x) { return new AdditiveReference(wq, wk, v, x, h, dq, dk); }

  /** s(q_i, k_j) for query row i of q and key row j of k. */
  double score(double[] q, int i, double[] k, int j) {
    double s = 0;
    for (int c = 0; c < h; c++) {
      double pre = b[c];
      for (int a = 0; a < dq; a++) pre += wq[c * dq + a] * q[i * dq + a];
      for (int a = 0; a < dk; a++) pre += wk[c * dk + a] * k[j * dk + a];
      s += v[c] * Math.tanh(pre);
    }
    return s;
  }

  /** S [nq, nk]. */
  double[] scores(double[] q, double[] k, int nq, int nk) {
    double[] s = new double[nq * nk];
    for (int i = 0; i < nq; i++) for (int j = 0; j < nk; j++) s[i * nk + j] = score(q, i, k, j);
    return s;
  }

  /** One score per edge. */
  double[] pairs(double[] q, double[] k, int[] src, int[] dst) {
    double[] s = new double[src.length];
    for (int e = 0; e < src.length; e++) s[e] = score(q, src[e], k, dst[e]);
    return s;
  }

  /** ‖v‖₁. */
  double vNorm1() {
    double n = 0;
    for (double x : v) n += Math.abs(x);
    return n;
  }
}
