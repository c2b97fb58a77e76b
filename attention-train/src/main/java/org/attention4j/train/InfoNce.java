package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.train.internal.LossSupport;
import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * The InfoNCE contrastive loss for retrieval, on a score matrix S [n_q, n_k] (any scorer's
 * {@code score(queries, keys)}), where key i is the positive of query i (the diagonal) and every
 * other key is a negative; n_q ≤ n_k (extra keys are negatives only). With temperature τ &gt; 0:
 * <pre>
 *   L_rows = (1/n_q)·Σ_i [ logsumexp_j (S[i][j]/τ) − S[i][i]/τ ]
 *   dL/dS[i][j] = (softmax_j(S[i]/τ) − [i = j]) / (τ·n_q)
 * </pre>
 * {@link #symmetric() Symmetric} (CLIP-style, square S only) also scores each key against the
 * queries: {@code L = (L_rows + L_cols)/2}, with the column term's gradient built the same way
 * along columns. Backpropagate the gradient through {@code Scorer.backward}. Float64 inside,
 * {@link StrictMath} for exp and log; max-shifted, so finite for any finite scores.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class InfoNce {
  private final double temperature;
  private final boolean symmetric;

  private InfoNce(double temperature, boolean symmetric) {
    this.temperature = temperature;
    this.symmetric = symmetric;
  }

  /** Row-wise InfoNCE with temperature τ (finite, &gt; 0). */
  public static InfoNce withTemperature(double temperature) {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature: expected a finite number > 0, got " + temperature);
    }
    return new InfoNce(temperature, false);
  }

  /** The symmetric variant, (L_rows + L_cols)/2 (square scores only). */
  public InfoNce symmetric() { return new InfoNce(temperature, true); }

  /** τ. */
  public double temperature() { return temperature; }

  /** Whether the column term is included. */
  public boolean isSymmetric() { return symmetric; }

  /** The loss and dL/d(scores), from {@code allocator}. */
  public LossResult compute(FixedSizeListVector scores, BufferAllocator allocator) {
    check(scores);
    FixedSizeListVector grad = LossSupport.gradientLike(scores, "dScores", allocator);
    try {
      return new LossResult(run(scores, Tensors.seg(grad)), grad);
    } catch (RuntimeException | Error e) {
      grad.close();
      throw e;
    }
  }

  /** The loss alone (allocates nothing). */
  public double value(FixedSizeListVector scores) {
    check(scores);
    return run(scores, null);
  }

  private void check(FixedSizeListVector scores) {
    LossSupport.requireInput(scores, "scores");
    int nq = DenseMatrices.rows(scores), nk = DenseMatrices.cols(scores);
    if (nq < 1) throw new IllegalArgumentException("scores: expected at least 1 row (query), got 0");
    if (symmetric && nk != nq) {
      throw new IllegalArgumentException("scores: expected " + nq + " columns (= rows; symmetric InfoNCE needs one key"
          + " per query), got " + nk);
    }
    if (nk < nq) {
      throw new IllegalArgumentException("scores: expected at least " + nq + " columns (= rows; key i is the positive of"
          + " query i), got " + nk);
    }
  }

  private double run(FixedSizeListVector scores, MemorySegment grad) {
    MemorySegment s = Tensors.seg(scores);
    int nq = DenseMatrices.rows(scores), nk = DenseMatrices.cols(scores);
    double inv = 1 / temperature;
    double[] rowLse = new double[nq];
    double rows = 0;
    for (int i = 0; i < nq; i++) {
      rowLse[i] = LossSupport.logSumExp(s, (long) i * nk, 1, nk, inv);
      rows += rowLse[i] - inv * s.getAtIndex(Tensors.F, (long) i * nk + i);
    }
    double[] colLse = null;
    double cols = 0;
    if (symmetric) {
      colLse = new double[nk];
      for (int j = 0; j < nk; j++) {
        colLse[j] = LossSupport.logSumExp(s, j, nk, nq, inv);
        cols += colLse[j] - inv * s.getAtIndex(Tensors.F, (long) j * nk + j);
      }
    }
    if (grad != null) {
      for (int i = 0; i < nq; i++) {
        for (int j = 0; j < nk; j++) {
          long at = (long) i * nk + j;
          double z = inv * s.getAtIndex(Tensors.F, at), positive = i == j ? 1 : 0;
          double g = (StrictMath.exp(z - rowLse[i]) - positive) * inv / nq;
          if (symmetric) g = 0.5 * (g + (StrictMath.exp(z - colLse[j]) - positive) * inv / nk);
          grad.setAtIndex(Tensors.F, at, (float) g);
        }
      }
    }
    return symmetric ? 0.5 * (rows / nq + cols / nk) : rows / nq;
  }

  @Override public String toString() { return "InfoNce[temperature=" + temperature + ", symmetric=" + symmetric + "]"; }
}
