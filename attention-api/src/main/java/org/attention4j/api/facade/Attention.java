package org.attention4j.api.facade;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.Scorer;
import org.apiguardian.api.API;

/**
 * Scorer + normalizer + mask + values: {@code O = N(S(Q, K) / T, mask) · V}, with the weights on
 * request and an analytic backward pass. Checks shapes and refuses non-finite inputs (naming the
 * argument and the first position) before any kernel runs. When the scorer is a scaled dot product
 * and the normalizer is softmax, the fused kernel is used; the weights are still available.
 *
 * <pre>{@code
 * Attention att = Attention.builder(scorer, normalizer, kernels).mask(Mask.causal()).build();
 * try (AttentionResult r = att.attend(q, k, v, true, allocator)) { ... r.weights().get() ... }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Attention {
  private final Scorer scorer;
  private final Normalizer normalizer;
  private final Kernels kernels;
  private final Mask mask;
  private final float temperature;

  private Attention(Builder b) {
    this.scorer = b.scorer;
    this.normalizer = b.normalizer;
    this.kernels = b.kernels;
    this.mask = b.mask;
    this.temperature = b.temperature;
  }

  public static Builder builder(Scorer scorer, Normalizer normalizer, Kernels kernels) {
    return new Builder(scorer, normalizer, kernels);
  }

  /** Configures an {@link Attention}. */
  public static final class Builder {
    private final Scorer scorer;
    private final Normalizer normalizer;
    private final Kernels kernels;
    private Mask mask = Mask.all();
    private float temperature = 1f;

    private Builder(Scorer scorer, Normalizer normalizer, Kernels kernels) {
      this.scorer = Objects.requireNonNull(scorer, "scorer");
      this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
      this.kernels = Objects.requireNonNull(kernels, "kernels");
    }

    public Builder mask(Mask m) { this.mask = Objects.requireNonNull(m, "mask"); return this; }

    public Builder temperature(float t) {
      if (!(t > 0) || !Float.isFinite(t)) throw new IllegalArgumentException("temperature: expected a finite number > 0, got " + t);
      this.temperature = t;
      return this;
    }

    public Attention build() { return new Attention(this); }
  }

  /** True when {@link #attend} takes the fused scaled-dot softmax kernel. */
  public boolean fused() { return scorer.dotProductScale().isPresent() && normalizer.isSoftmax(); }

  private void check(FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector v) {
    DenseMatrices.require(q, "query", scorer.queryDim());
    DenseMatrices.require(k, "keys", scorer.keyDim());
    DenseMatrices.require(v, "values", -1);
    if (DenseMatrices.rows(v) != DenseMatrices.rows(k)) {
      throw new IllegalArgumentException("values: expected " + DenseMatrices.rows(k) + " rows (= keys rows), got "
          + DenseMatrices.rows(v));
    }
    DenseMatrices.requireFinite(q, "query");
    DenseMatrices.requireFinite(k, "keys");
    DenseMatrices.requireFinite(v, "values");
    mask.check(DenseMatrices.rows(q), DenseMatrices.rows(k));
  }

  /** Output [n_q, d_v] and, when {@code withWeights}, the weights [n_q, n_k]; the caller closes the result. */
  public AttentionResult attend(FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector v, boolean withWeights,
      BufferAllocator allocator) {
    check(q, k, v);
    int nq = DenseMatrices.rows(q), nk = DenseMatrices.rows(k), dv = DenseMatrices.cols(v);
    OptionalDouble c = scorer.dotProductScale();
    if (c.isPresent() && normalizer.isSoftmax()) {
      FixedSizeListVector out = DenseMatrices.allocate(allocator, "output", nq, dv);
      FixedSizeListVector w = null;
      try {
        w = withWeights ? DenseMatrices.allocate(allocator, "weights", nq, nk) : null;
        kernels.attentionForward(DenseMatrices.segment(q), DenseMatrices.segment(k), DenseMatrices.segment(v),
            DenseMatrices.segment(out), w == null ? null : DenseMatrices.segment(w), nq, nk, DenseMatrices.cols(q), dv,
            (float) (c.getAsDouble() / temperature), mask.toSegment(nq, nk));
        return new AttentionResult(out, Optional.ofNullable(w));
      } catch (RuntimeException | Error e) {
        out.close();
        if (w != null) w.close();
        throw e;
      }
    }
    FixedSizeListVector weights;
    try (FixedSizeListVector s = scorer.score(q, k, allocator)) {
      weights = normalizer.normalize(s, mask, temperature, allocator);
    }
    FixedSizeListVector out = null;
    try {
      out = DenseMatrices.allocate(allocator, "output", nq, dv);
      kernels.matmul(DenseMatrices.segment(weights), false, DenseMatrices.segment(v), false, DenseMatrices.segment(out),
          nq, dv, nk, 1f, 0f);
      if (withWeights) return new AttentionResult(out, Optional.of(weights));
      weights.close();
      return new AttentionResult(out, Optional.empty());
    } catch (RuntimeException | Error e) {
      weights.close();
      if (out != null) out.close();
      throw e;
    }
  }

  /**
   * Gradients of a scalar loss L through {@link #attend}, given dL/dO [n_q, d_v]: dQ, dK, dV and the
   * scorer's parameter gradients. Recomputes the forward pass.
   */
  public AttentionGradients backward(FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector v,
      FixedSizeListVector dOut, BufferAllocator allocator) {
    check(q, k, v);
    int nq = DenseMatrices.rows(q), nk = DenseMatrices.rows(k), dv = DenseMatrices.cols(v);
    DenseMatrices.require(dOut, "dOutput", nq, dv);
    OptionalDouble c = scorer.dotProductScale();
    if (c.isPresent() && normalizer.isSoftmax()) {
      int d = DenseMatrices.cols(q);
      ParameterSet grads = new ParameterSet();       // owns the three until they are handed over
      try {
        FixedSizeListVector dq = DenseMatrices.allocate(allocator, "dQuery", nq, d);
        grads.put("dQuery", dq);
        FixedSizeListVector dk = DenseMatrices.allocate(allocator, "dKeys", nk, DenseMatrices.cols(k));
        grads.put("dKeys", dk);
        FixedSizeListVector dV = DenseMatrices.allocate(allocator, "dValues", nk, dv);
        grads.put("dValues", dV);
        kernels.attentionBackward(DenseMatrices.segment(q), DenseMatrices.segment(k), DenseMatrices.segment(v),
            DenseMatrices.segment(dOut), DenseMatrices.segment(dq), DenseMatrices.segment(dk), DenseMatrices.segment(dV),
            nq, nk, d, dv, (float) (c.getAsDouble() / temperature), mask.toSegment(nq, nk));
        return new AttentionGradients(dq, dk, dV, new ParameterSet());
      } catch (RuntimeException | Error e) {
        grads.close();
        throw e;
      }
    }
    try (FixedSizeListVector s = scorer.score(q, k, allocator);
         FixedSizeListVector a = normalizer.normalize(s, mask, temperature, allocator);
         FixedSizeListVector dA = DenseMatrices.allocate(allocator, "dWeights", nq, nk)) {
      FixedSizeListVector dV = DenseMatrices.allocate(allocator, "dValues", nk, dv);
      MemorySegment aSeg = DenseMatrices.segment(a);
      kernels.matmul(aSeg, true, DenseMatrices.segment(dOut), false, DenseMatrices.segment(dV), nk, dv, nq, 1f, 0f);
      kernels.matmul(DenseMatrices.segment(dOut), false, DenseMatrices.segment(v), true, DenseMatrices.segment(dA), nq, nk,
          dv, 1f, 0f);
      try (FixedSizeListVector dS = normalizer.backward(a, dA, mask, temperature, allocator)) {
        Scorer.Gradients g = scorer.backward(q, k, dS, allocator);
        return new AttentionGradients(g.dQueries(), g.dKeys(), dV, g.dParameters());
      } catch (RuntimeException | Error e) {
        dV.close();
        throw e;
      }
    }
  }

  /** dQ, dK, dV and parameter gradients; the caller closes them. */
  public record AttentionGradients(FixedSizeListVector dQuery, FixedSizeListVector dKeys, FixedSizeListVector dValues,
      ParameterSet dParameters) implements AutoCloseable {
    @Override public void close() {
      try {
        dQuery.close();
        dKeys.close();
        dValues.close();
      } finally {
        dParameters.close();
      }
    }
  }
}
