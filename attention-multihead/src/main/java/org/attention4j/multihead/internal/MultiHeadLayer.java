package org.attention4j.multihead.internal;

import static org.attention4j.multihead.internal.MultiHeadLayerProvider.IN_PROJ_BIAS;
import static org.attention4j.multihead.internal.MultiHeadLayerProvider.IN_PROJ_WEIGHT;
import static org.attention4j.multihead.internal.MultiHeadLayerProvider.K_PROJ;
import static org.attention4j.multihead.internal.MultiHeadLayerProvider.OUT_BIAS;
import static org.attention4j.multihead.internal.MultiHeadLayerProvider.OUT_WEIGHT;
import static org.attention4j.multihead.internal.MultiHeadLayerProvider.Q_PROJ;
import static org.attention4j.multihead.internal.MultiHeadLayerProvider.V_PROJ;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.multihead.internal.MultiHeadLayerProvider.Shape;

/**
 * The multi-head layer (see {@link MultiHeadLayerProvider} for the parameters). For inputs Q [n_q, E],
 * K [n_k, kdim], V [n_k, vdim]:
 * <pre>
 *   Q' = Q W_qᵀ + b_q,  K' = K W_kᵀ + b_k,  V' = V W_vᵀ + b_v          (float64 sums, float32 results)
 *   R_k = N(s_k(Q'_k, K'_k) / T, mask) V'_k   for each head k on columns k·E/H … (k+1)·E/H − 1
 *   O = [R_0 … R_{H−1}] W_oᵀ + b_o
 * </pre>
 * Each head's attention goes through the api's {@link Attention} facade (the fused scaled-dot kernel
 * when the head's scorer is a scaled dot product and the normalizer is softmax), with a scorer
 * created for that call from the head's slice of the parameters. A query row that may attend nothing
 * gets zero weights and a zero read in every head, so its output is {@code out_proj.bias}.
 *
 * <p>The parameters are read on every call, so an optimiser may update {@link #parameters()} in
 * place; concurrent calls are safe as long as nobody writes the parameters meanwhile.
 */
final class MultiHeadLayer implements AttentionLayer {
  private final Shape shape;
  private final boolean packed;
  private final ParameterSet parameters;
  private final List<String> headNames;
  private final ScorerProvider scorers;
  private final ProviderConfig scorerConfig;
  private final Normalizer normalizer;
  private final Kernels kernels;
  private final Scorer[] headScorers;
  private final Object syncLock = new Object();
  private volatile boolean closed;

  MultiHeadLayer(Shape shape, boolean packed, ParameterSet parameters, List<String> headNames, ScorerProvider scorers,
      ProviderConfig scorerConfig, Normalizer normalizer, Kernels kernels) {
    this.shape = shape;
    this.packed = packed;
    this.parameters = parameters;
    this.headNames = List.copyOf(headNames);
    this.scorers = scorers;
    this.scorerConfig = scorerConfig;
    this.normalizer = normalizer;
    this.kernels = kernels;
    this.headScorers = new Scorer[shape.heads()];
    try {
      for (int k = 0; k < shape.heads(); k++) headScorers[k] = createHeadScorer(k, scorerConfig.allocator());
    } catch (RuntimeException | Error e) {
      for (Scorer sc : headScorers) if (sc != null) sc.close();
      throw e;
    }
  }

  int heads() { return shape.heads(); }

  @Override public ParameterSet parameters() { return parameters; }

  @Override public void close() {
    closed = true;
    try {
      for (Scorer sc : headScorers) sc.close();
    } finally {
      parameters.close();
    }
  }

  /** The projection weights and biases, read from the parameters at the start of a call. */
  private record Weights(float[] wq, float[] wk, float[] wv, int qRow, int kRow, int vRow, float[] bias, float[] wo,
      float[] bo) {}

  private Weights weights() {
    if (closed) throw new IllegalStateException("layer 'multihead': expected an open layer, got a closed one");
    int e = shape.embed();
    float[] bias = parameters.contains(IN_PROJ_BIAS) ? DenseMatrices.toArray(parameters.get(IN_PROJ_BIAS)) : null;
    float[] wo = DenseMatrices.toArray(parameters.get(OUT_WEIGHT));
    float[] bo = parameters.contains(OUT_BIAS) ? DenseMatrices.toArray(parameters.get(OUT_BIAS)) : null;
    if (packed) {
      float[] w = DenseMatrices.toArray(parameters.get(IN_PROJ_WEIGHT));
      return new Weights(w, w, w, 0, e, 2 * e, bias, wo, bo);
    }
    return new Weights(DenseMatrices.toArray(parameters.get(Q_PROJ)), DenseMatrices.toArray(parameters.get(K_PROJ)),
        DenseMatrices.toArray(parameters.get(V_PROJ)), 0, 0, 0, bias, wo, bo);
  }

  /** Shape and finiteness of one unbatched call; returns {n_q, n_k}. */
  private int[] check(FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector v, Mask mask) {
    DenseMatrices.require(q, "query", shape.embed());
    DenseMatrices.require(k, "keys", shape.kdim());
    DenseMatrices.require(v, "values", shape.vdim());
    if (DenseMatrices.rows(v) != DenseMatrices.rows(k)) {
      throw new IllegalArgumentException("values: expected " + DenseMatrices.rows(k) + " rows (= keys rows), got "
          + DenseMatrices.rows(v));
    }
    DenseMatrices.requireFinite(q, "query");
    DenseMatrices.requireFinite(k, "keys");
    DenseMatrices.requireFinite(v, "values");
    int nq = DenseMatrices.rows(q), nk = DenseMatrices.rows(k);
    mask.check(nq, nk);
    return new int[] {nq, nk};
  }

  private static boolean batched(FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector v) {
    return DenseMatrices.shape(q).length == 3 || DenseMatrices.shape(k).length == 3 || DenseMatrices.shape(v).length == 3;
  }

  /** Projected inputs of one call. */
  private record Projected(float[] q, float[] k, float[] v, float[] qp, float[] kp, float[] vp, int nq, int nk) {}

  private Projected project(Weights w, FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector v, int nq, int nk) {
    int e = shape.embed();
    float[] qa = DenseMatrices.toArray(q), ka = DenseMatrices.toArray(k), va = DenseMatrices.toArray(v);
    return new Projected(qa, ka, va,
        Dense.affine(qa, nq, e, w.wq(), w.qRow(), e, w.bias(), 0),
        Dense.affine(ka, nk, shape.kdim(), w.wk(), w.kRow(), e, w.bias(), e),
        Dense.affine(va, nk, shape.vdim(), w.wv(), w.vRow(), e, w.bias(), 2 * e), nq, nk);
  }

  /**
   * Head k's scorer, brought up to date with its slice of {@link #parameters()} (which an optimiser
   * may have changed in place): compared first and copied only where it differs, so concurrent calls
   * with unchanged parameters only read. Relies on a scorer's {@code parameters()} being the live
   * tensors it scores with, as the training toolkit does.
   */
  private Scorer headScorer(int k) {
    if (!headNames.isEmpty()) {
      synchronized (syncLock) {
        for (String name : headNames) {
          MemorySegment stacked = DenseMatrices.segment(parameters.get(name));
          MemorySegment own = DenseMatrices.segment(headScorers[k].parameters().get(name));
          long bytes = stacked.byteSize() / shape.heads();
          MemorySegment slice = stacked.asSlice(k * bytes, bytes);
          if (slice.mismatch(own.asSlice(0, bytes)) != -1) MemorySegment.copy(slice, 0, own, 0, bytes);
        }
      }
    }
    return headScorers[k];
  }

  /** Head k's scorer from its slice of the parameters (the caller closes it). */
  private Scorer createHeadScorer(int k, BufferAllocator allocator) {
    int hd = shape.headDim();
    if (headNames.isEmpty()) return scorers.create(scorerConfig.withParameters(Optional.empty()), hd, hd);
    try (ParameterSet slice = MultiHeadLayerProvider.slice(parameters, headNames, shape.heads(), k, allocator)) {
      ProviderConfig c = new ProviderConfig(scorerConfig.settings(), scorerConfig.seed(), allocator, Optional.of(slice),
          kernels, scorerConfig.lookup());
      return scorers.create(c, hd, hd);
    }
  }

  private Attention attention(Scorer scorer, Mask mask, float temperature) {
    return Attention.builder(scorer, normalizer, kernels).mask(mask).temperature(temperature).build();
  }

  private static FixedSizeListVector matrix(BufferAllocator allocator, String name, int rows, int cols, float[] data) {
    return DenseMatrices.of(allocator, name, rows, cols, data);
  }

  @Override
  public AttentionResult forward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector values, Mask mask,
      float temperature, boolean withWeights, BufferAllocator allocator) {
    if (batched(queries, keys, values)) {
      return forwardBatch(queries, keys, values, List.of(mask), temperature, withWeights, allocator);
    }
    int[] n = check(queries, keys, values, mask);
    int nq = n[0], nk = n[1], e = shape.embed(), hd = shape.headDim(), heads = shape.heads();
    Weights w = weights();
    Projected p = project(w, queries, keys, values, nq, nk);
    float[] concat = new float[nq * e];
    FixedSizeListVector weightsOut = withWeights ? DenseMatrices.allocateShaped(allocator, "weights", heads, nq, nk) : null;
    try {
      for (int h = 0; h < heads; h++) {
        Scorer scorer = headScorer(h);
        try (FixedSizeListVector qh = matrix(allocator, "query", nq, hd, Dense.columns(p.qp(), nq, e, h * hd, hd));
             FixedSizeListVector kh = matrix(allocator, "keys", nk, hd, Dense.columns(p.kp(), nk, e, h * hd, hd));
             FixedSizeListVector vh = matrix(allocator, "values", nk, hd, Dense.columns(p.vp(), nk, e, h * hd, hd));
             AttentionResult r = attention(scorer, mask, temperature).attend(qh, kh, vh, withWeights, allocator)) {
          Dense.setColumns(concat, nq, e, h * hd, hd, DenseMatrices.toArray(r.output()));
          if (weightsOut != null) {
            long bytes = (long) nq * nk * Float.BYTES;
            MemorySegment.copy(DenseMatrices.segment(r.weights().orElseThrow()), 0, DenseMatrices.segment(weightsOut),
                h * bytes, bytes);
          }
        }
      }
      float[] out = Dense.affine(concat, nq, e, w.wo(), 0, e, w.bo(), 0);
      return new AttentionResult(matrix(allocator, "output", nq, e, out), Optional.ofNullable(weightsOut));
    } catch (RuntimeException | Error ex) {
      if (weightsOut != null) weightsOut.close();
      throw ex;
    }
  }

  @Override
  public Gradients backward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector values, Mask mask,
      float temperature, FixedSizeListVector dOutput, BufferAllocator allocator) {
    if (batched(queries, keys, values)) {
      throw new IllegalArgumentException("query, keys, values: expected [n, d] each for backward (call it per batch item), got "
          + Arrays.toString(DenseMatrices.shape(queries)) + ", " + Arrays.toString(DenseMatrices.shape(keys)) + ", "
          + Arrays.toString(DenseMatrices.shape(values)));
    }
    int[] n = check(queries, keys, values, mask);
    int nq = n[0], nk = n[1], e = shape.embed(), hd = shape.headDim(), heads = shape.heads();
    DenseMatrices.require(dOutput, "dOutput", nq, e);
    DenseMatrices.requireFinite(dOutput, "dOutput");
    Weights w = weights();
    Projected p = project(w, queries, keys, values, nq, nk);
    float[] concat = new float[nq * e], dqp = new float[nq * e], dkp = new float[nk * e], dvp = new float[nk * e];
    float[] dOut = DenseMatrices.toArray(dOutput);
    // dC = dO W_o; the concatenated reads are recomputed first (dW_o = dOᵀ C)
    double[] dWo = new double[e * e], dbo = w.bo() == null ? null : new double[e];
    float[] dConcat = null;
    ParameterSet dParams = new ParameterSet();
    List<ParameterSet> headGrads = new ArrayList<>();
    FixedSizeListVector dq = null, dk = null, dv = null;
    try {
      for (int pass = 0; pass < 2; pass++) {
        for (int h = 0; h < heads; h++) {
          Scorer scorer = headScorer(h);
          try (FixedSizeListVector qh = matrix(allocator, "query", nq, hd, Dense.columns(p.qp(), nq, e, h * hd, hd));
               FixedSizeListVector kh = matrix(allocator, "keys", nk, hd, Dense.columns(p.kp(), nk, e, h * hd, hd));
               FixedSizeListVector vh = matrix(allocator, "values", nk, hd, Dense.columns(p.vp(), nk, e, h * hd, hd))) {
            Attention att = attention(scorer, mask, temperature);
            if (pass == 0) {
              try (AttentionResult r = att.attend(qh, kh, vh, false, allocator)) {
                Dense.setColumns(concat, nq, e, h * hd, hd, DenseMatrices.toArray(r.output()));
              }
            } else {
              try (FixedSizeListVector dRead = matrix(allocator, "dOutput", nq, hd, Dense.columns(dConcat, nq, e, h * hd, hd));
                   Attention.AttentionGradients g = att.backward(qh, kh, vh, dRead, allocator)) {
                Dense.setColumns(dqp, nq, e, h * hd, hd, DenseMatrices.toArray(g.dQuery()));
                Dense.setColumns(dkp, nk, e, h * hd, hd, DenseMatrices.toArray(g.dKeys()));
                Dense.setColumns(dvp, nk, e, h * hd, hd, DenseMatrices.toArray(g.dValues()));
                ParameterSet copy = new ParameterSet();
                headGrads.add(copy);
                for (String name : headNames) {
                  copy.put(name, copyOf(g.dParameters().get(name), allocator, name));
                }
              }
            }
          }
        }
        if (pass == 0) dConcat = Dense.affineBackward(dOut, concat, nq, e, w.wo(), 0, e, dWo, dbo, 0);
      }
      double[] dbIn = w.bias() == null ? null : new double[3 * e];
      float[] dQ, dK, dV;
      if (packed) {
        double[] dW = new double[3 * e * e];
        dQ = Dense.affineBackward(dqp, p.q(), nq, e, w.wq(), 0, e, dW, dbIn, 0);
        dK = Dense.affineBackward(dkp, p.k(), nk, e, w.wk(), e, e, dW, dbIn, e);
        dV = Dense.affineBackward(dvp, p.v(), nk, e, w.wv(), 2 * e, e, dW, dbIn, 2 * e);
        dParams.put(IN_PROJ_WEIGHT, tensor(allocator, IN_PROJ_WEIGHT, Dense.toFloat(dW), 3 * e, e));
      } else {
        double[] dWq = new double[e * e], dWk = new double[e * shape.kdim()], dWv = new double[e * shape.vdim()];
        dQ = Dense.affineBackward(dqp, p.q(), nq, e, w.wq(), 0, e, dWq, dbIn, 0);
        dK = Dense.affineBackward(dkp, p.k(), nk, shape.kdim(), w.wk(), 0, e, dWk, dbIn, e);
        dV = Dense.affineBackward(dvp, p.v(), nk, shape.vdim(), w.wv(), 0, e, dWv, dbIn, 2 * e);
        dParams.put(Q_PROJ, tensor(allocator, Q_PROJ, Dense.toFloat(dWq), e, e));
        dParams.put(K_PROJ, tensor(allocator, K_PROJ, Dense.toFloat(dWk), e, shape.kdim()));
        dParams.put(V_PROJ, tensor(allocator, V_PROJ, Dense.toFloat(dWv), e, shape.vdim()));
      }
      if (dbIn != null) dParams.put(IN_PROJ_BIAS, tensor(allocator, IN_PROJ_BIAS, Dense.toFloat(dbIn), 3 * e));
      dParams.put(OUT_WEIGHT, tensor(allocator, OUT_WEIGHT, Dense.toFloat(dWo), e, e));
      if (dbo != null) dParams.put(OUT_BIAS, tensor(allocator, OUT_BIAS, Dense.toFloat(dbo), e));
      for (String name : headNames) {
        int[] full = DenseMatrices.shape(parameters.get(name));
        FixedSizeListVector stacked = DenseMatrices.allocateShaped(allocator, name, full);
        dParams.put(name, stacked);
        long bytes = (long) Arrays.stream(full).skip(1).reduce(1, Math::multiplyExact) * Float.BYTES;
        for (int h = 0; h < heads; h++) {
          MemorySegment.copy(DenseMatrices.segment(headGrads.get(h).get(name)), 0, DenseMatrices.segment(stacked), h * bytes,
              bytes);
        }
      }
      dq = matrix(allocator, "dQuery", nq, e, dQ);
      dk = matrix(allocator, "dKeys", nk, shape.kdim(), dK);
      dv = matrix(allocator, "dValues", nk, shape.vdim(), dV);
      return new Gradients(dq, dk, dv, dParams);
    } catch (RuntimeException | Error ex) {
      dParams.close();
      if (dq != null) dq.close();
      if (dk != null) dk.close();
      if (dv != null) dv.close();
      throw ex;
    } finally {
      headGrads.forEach(ParameterSet::close);
    }
  }

  private static FixedSizeListVector copyOf(FixedSizeListVector source, BufferAllocator allocator, String name) {
    int[] s = DenseMatrices.shape(source);
    FixedSizeListVector out = DenseMatrices.allocateShaped(allocator, name, s);
    long bytes = (long) Arrays.stream(s).reduce(1, Math::multiplyExact) * Float.BYTES;
    MemorySegment.copy(DenseMatrices.segment(source), 0, DenseMatrices.segment(out), 0, bytes);
    return out;
  }

  private static FixedSizeListVector tensor(BufferAllocator allocator, String name, float[] data, int... shape) {
    FixedSizeListVector out = DenseMatrices.allocateShaped(allocator, name, shape);
    MemorySegment.copy(data, 0, DenseMatrices.segment(out), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, data.length);
    return out;
  }
}
