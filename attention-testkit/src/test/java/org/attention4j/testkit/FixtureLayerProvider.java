package org.attention4j.testkit;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.ProviderConfig;

/**
 * A small correct single-head layer, O = softmax(Q M Kᵀ, mask) · V W with parameters M [d_q, d_k]
 * and W [d_v, d_v] drawn from the seed (weights [n_q, n_k]; a fully masked row gets zero weights and
 * a zero output), and deliberately broken variants of it: each {@link Defect} breaks one check.
 */
final class FixtureLayerProvider implements AttentionLayerProvider {
  enum Defect { NONE, SILENT_WIDTHS, ACCEPTS_NAN, MASKED_KEYS_WEIGHTED, NAN_ON_EMPTY_ROWS, WRONG_DVALUES, UNSEEDED, LEAKS }

  private final Defect defect;

  FixtureLayerProvider(Defect defect) { this.defect = defect; }

  @Override public String id() { return "fixture-layer"; }

  @Override public String description() { return "softmax(Q M K^T) V W, a conformance-suite fixture (" + defect + ")"; }

  @Override public String version() { return "0.1.0"; }

  @Override public AttentionLayer create(ProviderConfig config, int dq, int dk, int dv) {
    List<TensorSpec> specs = List.of(new TensorSpec("M", new int[] {dq, dk}, false), new TensorSpec("W", new int[] {dv, dv}, false));
    ParameterSet params = new ParameterSet();
    if (config.parameters().isPresent()) {
      config.parameters().get().check(specs);
      params.put("M", DenseMatrices.of(config.allocator(), "M", dq, dk, DenseMatrices.toArray(config.parameters().get().get("M"))));
      params.put("W", DenseMatrices.of(config.allocator(), "W", dv, dv, DenseMatrices.toArray(config.parameters().get().get("W"))));
    } else {
      Random r = new Random(defect == Defect.UNSEEDED ? System.nanoTime() : config.seed());
      float[] m = new float[dq * dk], w = new float[dv * dv];
      for (int i = 0; i < m.length; i++) m[i] = (float) (r.nextGaussian() / Math.sqrt(dq));
      for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() / Math.sqrt(dv));
      params.put("M", DenseMatrices.of(config.allocator(), "M", dq, dk, m));
      params.put("W", DenseMatrices.of(config.allocator(), "W", dv, dv, w));
    }
    return new Layer(defect, dq, dk, dv, params);
  }

  private record Layer(Defect defect, int dq, int dk, int dv, ParameterSet params) implements AttentionLayer {
    private float[] m() { return DenseMatrices.toArray(params.get("M")); }

    private float[] w() { return DenseMatrices.toArray(params.get("W")); }

    private void check(FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector v, Mask mask) {
      if (defect != Defect.SILENT_WIDTHS) {
        DenseMatrices.require(q, "query", dq);
        DenseMatrices.require(k, "keys", dk);
        DenseMatrices.require(v, "values", DenseMatrices.rows(k), dv);
      }
      if (defect != Defect.ACCEPTS_NAN) {
        DenseMatrices.requireFinite(q, "query");
        DenseMatrices.requireFinite(k, "keys");
        DenseMatrices.requireFinite(v, "values");
      }
      mask.check(DenseMatrices.rows(q), DenseMatrices.rows(k));
    }

    /** A = softmax(Q M Kᵀ / T) over allowed keys, [nq, nk]. */
    private double[] weights(float[] q, float[] k, int nq, int nk, Mask mask, float t) {
      float[] m = m();
      double[] a = new double[nq * nk];
      for (int i = 0; i < nq; i++) {
        double max = Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (int j = 0; j < nk; j++) {
          boolean allowed = mask.allows(i, j, nq, nk) || defect == Defect.MASKED_KEYS_WEIGHTED;
          if (!allowed) continue;
          double s = 0;
          for (int x = 0; x < dq; x++) for (int y = 0; y < dk; y++) s += q[i * dq + x] * m[x * dk + y] * k[j * dk + y];
          a[i * nk + j] = s / t;
          max = Math.max(max, s / t);
          any = true;
        }
        double sum = 0;
        for (int j = 0; j < nk; j++) {
          boolean allowed = mask.allows(i, j, nq, nk) || defect == Defect.MASKED_KEYS_WEIGHTED;
          a[i * nk + j] = allowed && any ? Math.exp(a[i * nk + j] - max) : 0;
          sum += a[i * nk + j];
        }
        for (int j = 0; j < nk; j++) a[i * nk + j] = sum > 0 ? a[i * nk + j] / sum : defect == Defect.NAN_ON_EMPTY_ROWS ? Double.NaN : 0;
      }
      return a;
    }

    @Override public AttentionResult forward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector values,
        Mask mask, float temperature, boolean withWeights, BufferAllocator allocator) {
      check(queries, keys, values, mask);
      int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
      double[] a = weights(DenseMatrices.toArray(queries), DenseMatrices.toArray(keys), nq, nk, mask, temperature);
      float[] v = DenseMatrices.toArray(values), w = w(), o = new float[nq * dv];
      for (int i = 0; i < nq; i++) {
        for (int c = 0; c < dv; c++) {
          double s = 0;
          for (int j = 0; j < nk; j++) for (int x = 0; x < dv; x++) s += a[i * nk + j] * v[j * dv + x] * w[x * dv + c];
          o[i * dv + c] = (float) s;
        }
      }
      if (defect == Defect.LEAKS) allocator.buffer(64);
      FixedSizeListVector out = DenseMatrices.of(allocator, "output", nq, dv, o);
      if (!withWeights) return new AttentionResult(out, Optional.empty());
      float[] af = new float[a.length];
      for (int i = 0; i < a.length; i++) af[i] = (float) a[i];
      return new AttentionResult(out, Optional.of(DenseMatrices.of(allocator, "weights", nq, nk, af)));
    }

    @Override public Gradients backward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector values, Mask mask,
        float t, FixedSizeListVector dOutput, BufferAllocator allocator) {
      check(queries, keys, values, mask);
      int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
      DenseMatrices.require(dOutput, "dOutput", nq, dv);
      float[] q = DenseMatrices.toArray(queries), k = DenseMatrices.toArray(keys), v = DenseMatrices.toArray(values);
      float[] m = m(), w = w(), g = DenseMatrices.toArray(dOutput);
      double[] a = weights(q, k, nq, nk, mask, t);
      double[] p = new double[nk * dv];                        // P = V W
      for (int j = 0; j < nk; j++) for (int c = 0; c < dv; c++) for (int x = 0; x < dv; x++) p[j * dv + c] += v[j * dv + x] * w[x * dv + c];
      double[] dA = new double[nq * nk], dP = new double[nk * dv];
      for (int i = 0; i < nq; i++) {
        for (int j = 0; j < nk; j++) {
          for (int c = 0; c < dv; c++) {
            dA[i * nk + j] += g[i * dv + c] * p[j * dv + c];
            dP[j * dv + c] += a[i * nk + j] * g[i * dv + c];
          }
        }
      }
      float[] dW = new float[dv * dv], dV = new float[nk * dv];
      for (int j = 0; j < nk; j++) {
        for (int x = 0; x < dv; x++) {
          for (int c = 0; c < dv; c++) {
            dW[x * dv + c] += (float) (v[j * dv + x] * dP[j * dv + c]);
            dV[j * dv + x] += (float) (dP[j * dv + c] * w[x * dv + c]);
          }
        }
      }
      if (defect == Defect.WRONG_DVALUES) dV[0] += 1;
      double[] dS = new double[nq * nk];
      for (int i = 0; i < nq; i++) {
        double dot = 0;
        for (int j = 0; j < nk; j++) dot += a[i * nk + j] * dA[i * nk + j];
        for (int j = 0; j < nk; j++) dS[i * nk + j] = a[i * nk + j] * (dA[i * nk + j] - dot) / t;
      }
      float[] dQ = new float[nq * dq], dK = new float[nk * dk], dM = new float[dq * dk];
      for (int i = 0; i < nq; i++) {
        for (int j = 0; j < nk; j++) {
          double s = dS[i * nk + j];
          if (s == 0) continue;
          for (int x = 0; x < dq; x++) {
            for (int y = 0; y < dk; y++) {
              dQ[i * dq + x] += (float) (s * m[x * dk + y] * k[j * dk + y]);
              dK[j * dk + y] += (float) (s * q[i * dq + x] * m[x * dk + y]);
              dM[x * dk + y] += (float) (s * q[i * dq + x] * k[j * dk + y]);
            }
          }
        }
      }
      ParameterSet d = new ParameterSet();
      d.put("M", DenseMatrices.of(allocator, "M", dq, dk, dM));
      d.put("W", DenseMatrices.of(allocator, "W", dv, dv, dW));
      return new Gradients(DenseMatrices.of(allocator, "dQuery", nq, dq, dQ), DenseMatrices.of(allocator, "dKeys", nk, dk, dK),
          DenseMatrices.of(allocator, "dValues", nk, dv, dV), d);
    }

    @Override public ParameterSet parameters() { return params; }

    @Override public void close() { params.close(); }
  }
}
