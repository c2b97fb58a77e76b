package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.spi.Scorer;

/**
 * Sensitivity of the attention weights of one query to an anomaly of size ε along a direction u
 * added to key j: k_j(ε) = k_j + ε·u. Only s_j moves, so with α = softmax(s),
 * <pre>
 *   dα_i/dε = α_i (δ_ij − α_j) · ds_j/dε
 * </pre>
 * and the whole difference between scorer families sits in ds_j/dε (SEED-DIGEST 2.1):
 * <ul>
 *   <li>bilinear, s = qᵀWk: ds/dε = qᵀWu, a constant (independent of ε and of k_j);</li>
 *   <li>additive, s = vᵀ tanh(W_q q + W_k k + b): ds/dε = vᵀ(tanh′(z(ε)) ⊙ W_k u) with
 *       z(ε) = W_q q + W_k k_j + εW_k u + b, which depends on the operating point z and shrinks where
 *       the units saturate (tanh′ = 1 − tanh² → 0).</li>
 * </ul>
 * Three ways to compute it: {@link #analytic} over a closed form ({@link Additive}, {@link Bilinear},
 * float64), {@link #backward} through any scorer's own {@link Scorer#backward} (float32 scores, the
 * softmax in float64), and central {@link #finiteDifference finite differences} of α over either.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Sensitivity {
  private Sensitivity() {}

  /**
   * A score function in closed form, float64.
   *
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public interface KeyScore {
    /** s(q, k). */
    double score(double[] q, double[] k);

    /** d s(q, k + εu) / dε at ε = 0. */
    double slope(double[] q, double[] k, double[] u);
  }

  /**
   * The additive score vᵀ tanh(W_q q + W_k k + b) with float64 copies of its parameters.
   *
   * @param wq W_q [h][d_q]
   * @param wk W_k [h][d_k]
   * @param v v [h]
   * @param b b [h]
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Additive(double[][] wq, double[][] wk, double[] v, double[] b) implements KeyScore {
    /** Checks the shapes. */
    public Additive {
      int h = v.length;
      if (wq.length != h || wk.length != h || b.length != h) {
        throw new IllegalArgumentException("additive parameters: expected W_q, W_k and b with " + h + " rows (= v), got "
            + wq.length + ", " + wk.length + ", " + b.length);
      }
    }

    /** From a scorer's parameters named {@code W_q}, {@code W_k}, {@code v} and (optional) {@code b}. */
    public static Additive of(ParameterSet p) {
      double[][] wq = rows(p.get("W_q")), wk = rows(p.get("W_k"));
      double[] v = flat(p.get("v"));
      double[] b = p.contains("b") ? flat(p.get("b")) : new double[v.length];
      return new Additive(wq, wk, v, b);
    }

    /** The pre-activations z = W_q q + W_k k + b [h]. */
    public double[] preActivation(double[] q, double[] k) {
      double[] z = new double[v.length];
      for (int r = 0; r < z.length; r++) z[r] = dot(wq[r], q) + dot(wk[r], k) + b[r];
      return z;
    }

    @Override public double score(double[] q, double[] k) {
      double[] z = preActivation(q, k);
      double s = 0;
      for (int r = 0; r < z.length; r++) s += v[r] * Math.tanh(z[r]);
      return s;
    }

    @Override public double slope(double[] q, double[] k, double[] u) {
      double[] z = preActivation(q, k);
      double s = 0;
      for (int r = 0; r < z.length; r++) {
        double t = Math.tanh(z[r]);
        s += v[r] * (1 - t * t) * dot(wk[r], u);
      }
      return s;
    }
  }

  /**
   * The bilinear score qᵀWk with a float64 copy of W [d_q][d_k].
   *
   * @param w W [d_q][d_k]
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Bilinear(double[][] w) implements KeyScore {
    /** From a scorer's parameter {@code W}. */
    public static Bilinear of(ParameterSet p) { return new Bilinear(rows(p.get("W"))); }

    @Override public double score(double[] q, double[] k) {
      double s = 0;
      for (int a = 0; a < w.length; a++) s += q[a] * dot(w[a], k);
      return s;
    }

    /** qᵀWu: independent of k. */
    @Override public double slope(double[] q, double[] k, double[] u) { return score(q, u); }
  }

  /**
   * The sensitivity at one ε.
   *
   * @param epsilon the anomaly size ε
   * @param scores s_i for every key (with k_j + εu)
   * @param weights α_i = softmax(s)_i
   * @param scoreSlope ds_j/dε
   * @param weightSlopes dα_i/dε for every key i
   * @param key j, the key that carries the anomaly
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Point(double epsilon, double[] scores, double[] weights, double scoreSlope, double[] weightSlopes, int key) {
    /** dα_j/dε, the slope of the weight of the anomalous key itself. */
    public double ownWeightSlope() { return weightSlopes[key]; }

    /** α_j. */
    public double ownWeight() { return weights[key]; }
  }

  /** dα/dε at ε in closed form (float64). */
  public static Point analytic(KeyScore f, double[] q, double[][] keys, int j, double[] u, double epsilon) {
    check(q, keys, j, u);
    double[][] k = perturbed(keys, j, u, epsilon);
    double[] s = new double[k.length];
    for (int i = 0; i < k.length; i++) s[i] = f.score(q, k[i]);
    return point(epsilon, s, f.slope(q, k[j], u), j);
  }

  /** Central differences (α(ε + h) − α(ε − h)) / 2h over a closed form (float64). */
  public static Point finiteDifference(KeyScore f, double[] q, double[][] keys, int j, double[] u, double epsilon,
      double h) {
    check(q, keys, j, u);
    requireStep(h);
    double[] sp = new double[keys.length], sm = new double[keys.length], s = new double[keys.length];
    double[][] kp = perturbed(keys, j, u, epsilon + h), km = perturbed(keys, j, u, epsilon - h);
    double[][] k0 = perturbed(keys, j, u, epsilon);
    for (int i = 0; i < keys.length; i++) {
      sp[i] = f.score(q, kp[i]);
      sm[i] = f.score(q, km[i]);
      s[i] = f.score(q, k0[i]);
    }
    return difference(epsilon, s, sp, sm, h, j);
  }

  /**
   * dα/dε at ε through {@code scorer}'s own backward pass: ds_j/dε = (∂s_j/∂k_j)·u, where ∂s_j/∂k_j
   * is row j of dK for dL/dS = the indicator of (0, j). Scores are the scorer's (float32); the
   * softmax and the products are float64. Works for any scorer.
   */
  public static Point backward(Scorer scorer, double[] q, double[][] keys, int j, double[] u, double epsilon,
      BufferAllocator allocator) {
    Objects.requireNonNull(scorer, "scorer");
    check(q, keys, j, u);
    int n = keys.length;
    float[] ds = new float[n];
    ds[j] = 1f;
    try (FixedSizeListVector qv = matrix(allocator, "query", new double[][] {q});
         FixedSizeListVector kv = matrix(allocator, "keys", perturbed(keys, j, u, epsilon));
         FixedSizeListVector sv = scorer.score(qv, kv, allocator);
         FixedSizeListVector dsv = DenseMatrices.of(allocator, "dScores", 1, n, ds);
         Scorer.Gradients g = scorer.backward(qv, kv, dsv, allocator)) {
      double[] s = finite(DenseMatrices.toArray(sv), "scores");
      double slope = 0;
      for (int c = 0; c < u.length; c++) slope += DenseMatrices.get(g.dKeys(), j, c) * u[c];
      return point(epsilon, s, slope, j);
    }
  }

  /** Central differences of α over {@code scorer}'s own (float32) scores; h should not be tiny (float32 rounding). */
  public static Point finiteDifference(Scorer scorer, double[] q, double[][] keys, int j, double[] u, double epsilon,
      double h, BufferAllocator allocator) {
    Objects.requireNonNull(scorer, "scorer");
    check(q, keys, j, u);
    requireStep(h);
    double[] s = scores(scorer, q, perturbed(keys, j, u, epsilon), allocator);
    double[] sp = scores(scorer, q, perturbed(keys, j, u, epsilon + h), allocator);
    double[] sm = scores(scorer, q, perturbed(keys, j, u, epsilon - h), allocator);
    return difference(epsilon, s, sp, sm, h, j);
  }

  /** softmax(s) in float64, shifted by the maximum. */
  public static double[] softmax(double[] s) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : s) max = Math.max(max, x);
    double[] a = new double[s.length];
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      a[i] = Math.exp(s[i] - max);
      sum += a[i];
    }
    for (int i = 0; i < s.length; i++) a[i] /= sum;
    return a;
  }

  // ---- internals ---------------------------------------------------------------------------------

  private static Point point(double epsilon, double[] s, double slope, int j) {
    double[] a = softmax(s);
    double[] da = new double[s.length];
    for (int i = 0; i < s.length; i++) da[i] = a[i] * ((i == j ? 1 : 0) - a[j]) * slope;
    return new Point(epsilon, s, a, slope, da, j);
  }

  private static Point difference(double epsilon, double[] s, double[] sp, double[] sm, double h, int j) {
    double[] ap = softmax(sp), am = softmax(sm);
    double[] da = new double[s.length];
    for (int i = 0; i < s.length; i++) da[i] = (ap[i] - am[i]) / (2 * h);
    return new Point(epsilon, s, softmax(s), (sp[j] - sm[j]) / (2 * h), da, j);
  }

  private static double[] scores(Scorer scorer, double[] q, double[][] keys, BufferAllocator allocator) {
    try (FixedSizeListVector qv = matrix(allocator, "query", new double[][] {q});
         FixedSizeListVector kv = matrix(allocator, "keys", keys);
         FixedSizeListVector sv = scorer.score(qv, kv, allocator)) {
      return finite(DenseMatrices.toArray(sv), "scores");
    }
  }

  private static double[] finite(float[] f, String what) {
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      if (!Float.isFinite(f[i])) throw new IllegalArgumentException(what + ": expected finite values, got " + f[i] + " at " + i);
      out[i] = f[i];
    }
    return out;
  }

  private static double[][] perturbed(double[][] keys, int j, double[] u, double epsilon) {
    double[][] k = new double[keys.length][];
    for (int i = 0; i < keys.length; i++) k[i] = keys[i].clone();
    for (int c = 0; c < u.length; c++) k[j][c] += epsilon * u[c];
    return k;
  }

  private static void check(double[] q, double[][] keys, int j, double[] u) {
    Objects.requireNonNull(q, "query");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(u, "direction");
    if (keys.length < 1) throw new IllegalArgumentException("keys: expected at least one key, got 0");
    if (j < 0 || j >= keys.length) {
      throw new IllegalArgumentException("key: expected an index in [0, " + keys.length + "), got " + j);
    }
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].length != u.length) {
        throw new IllegalArgumentException("direction: expected " + keys[i].length + " entries (= key width), got " + u.length);
      }
      for (double x : keys[i]) {
        if (!Double.isFinite(x)) throw new IllegalArgumentException("keys: expected finite values, got " + x + " in key " + i);
      }
    }
    for (double x : q) if (!Double.isFinite(x)) throw new IllegalArgumentException("query: expected finite values, got " + x);
    for (double x : u) if (!Double.isFinite(x)) throw new IllegalArgumentException("direction: expected finite values, got " + x);
  }

  private static void requireStep(double h) {
    if (!(h > 0) || !Double.isFinite(h)) throw new IllegalArgumentException("step: expected a finite h > 0, got " + h);
  }

  static double dot(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector: expected " + a.length + " entries, got " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  static double[][] rows(FixedSizeListVector m) {
    int[] shape = DenseMatrices.shape(m);
    int r = shape[0], c = shape.length > 1 ? shape[1] : 1;
    float[] f = DenseMatrices.toArray(m);
    double[][] out = new double[r][c];
    for (int i = 0; i < r; i++) for (int k = 0; k < c; k++) out[i][k] = f[i * c + k];
    return out;
  }

  static double[] flat(FixedSizeListVector m) {
    float[] f = DenseMatrices.toArray(m);
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) out[i] = f[i];
    return out;
  }

  static FixedSizeListVector matrix(BufferAllocator allocator, String name, double[][] rows) {
    int n = rows.length, d = rows[0].length;
    float[] f = new float[n * d];
    for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) f[i * d + c] = (float) rows[i][c];
    return DenseMatrices.of(allocator, name, n, d, f);
  }
}
