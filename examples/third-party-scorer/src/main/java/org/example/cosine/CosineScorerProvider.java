package org.example.cosine;

import java.util.List;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * {@code cosine}: {@code s(q, k) = cos(q, k) / τ}, τ = exp(log_tau), with one parameter tensor
 * {@code log_tau} of shape [1]. Its initial value comes from the parameters in the config when given
 * (a parameter file), else from the setting {@code tau} (default 1, i.e. log_tau = 0).
 */
public final class CosineScorerProvider implements ScorerProvider {
  /** The one parameter tensor. */
  static final String LOG_TAU = "log_tau";
  /** The setting for the initial temperature. */
  static final String TAU = "tau";

  /** Called by {@link java.util.ServiceLoader}. */
  public CosineScorerProvider() {}

  @Override public String id() { return "cosine"; }

  @Override public String description() {
    return "cosine similarity over a learnable temperature, s = cos(q, k) / exp(log_tau) (example plugin)";
  }

  @Override public List<ParameterSpec> parameters() {
    return List.of(new ParameterSpec(TAU, "1",
        "initial temperature τ > 0 (log_tau = ln τ); ignored when a parameter file gives log_tau"));
  }

  @Override public List<TensorSpec> tensors(ProviderConfig config, int queryDim, int keyDim) {
    return List.of(new TensorSpec(LOG_TAU, new int[] {1}, false));
  }

  @Override public Scorer create(ProviderConfig config, int queryDim, int keyDim) {
    if (queryDim < 1) throw new IllegalArgumentException("queryDim: expected at least 1, got " + queryDim);
    if (keyDim != queryDim) {
      throw new IllegalArgumentException("keyDim: expected " + queryDim
          + " (= queryDim; cosine needs queries and keys of equal width), got " + keyDim);
    }
    double logTau;
    if (config.parameters().isPresent()) {
      ParameterSet given = config.parameters().get();
      given.check(tensors(config, queryDim, keyDim));
      logTau = DenseMatrices.get(given.get(LOG_TAU), 0, 0);
      if (!Double.isFinite(logTau)) throw new IllegalArgumentException(LOG_TAU + ": expected a finite value, got " + logTau);
    } else {
      double tau = config.settings().asMap().containsKey(TAU) ? config.settings().getDouble(TAU) : 1.0;
      if (!(tau > 0)) throw new IllegalArgumentException(TAU + ": expected a number > 0, got " + tau);
      logTau = Math.log(tau);
    }
    FixedSizeListVector own = DenseMatrices.allocateShaped(config.allocator(), LOG_TAU, 1);   // the scorer keeps a copy
    DenseMatrices.set(own, 0, 0, (float) logTau);
    return new CosineScorer(queryDim, new ParameterSet().put(LOG_TAU, own), config.kernels());
  }
}
