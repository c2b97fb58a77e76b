package org.example.cosine;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.api.spi.Verdict;

/**
 * {@code cosine-temperature} (claim "other"): cosine scores lie in [−1/τ, 1/τ], so softmax over n keys
 * can never put more than {@code 1 / (1 + (n − 1)·e^{−2/τ})} on one key, however the inputs look.
 * Measures the largest weight over random queries and keys for a grid of τ and checks it against
 * that bound — the cosine scorer's temperature, not the data, sets how sharp attention may get.
 */
public final class CosineTemperatureScenario implements ScenarioProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public CosineTemperatureScenario() {}

  @Override public String id() { return "cosine-temperature"; }

  @Override public String claim() { return "other"; }

  @Override public String title() { return "Cosine scores cap attention sharpness at 1/(1 + (n-1)e^(-2/τ))"; }

  @Override public List<ParameterSpec> parameters() {
    return List.of(new ParameterSpec("n", "64", "number of keys"),
        new ParameterSpec("queries", "256", "random queries"),
        new ParameterSpec("d", "16", "width of queries and keys"),
        new ParameterSpec("taus", "0.02,0.05,0.1,0.2,0.5,1,2", "temperatures τ of the cosine scorer"));
  }

  @Override public Map<String, String> quick() { return Map.of("queries", "32"); }

  @Override public ScenarioResult run(ScenarioContext ctx) {
    Settings p = ctx.parameters();
    int n = p.getInt("n"), nq = p.getInt("queries"), d = p.getInt("d");
    double[] taus = p.getDoubles("taus");
    if (n < 2) throw new IllegalArgumentException("n: expected at least 2 keys, got " + n);
    ScorerProvider cosine = ctx.lookup().require(ScorerProvider.class, "cosine");
    NormalizerProvider softmaxProvider = ctx.lookup().require(NormalizerProvider.class, "softmax");
    Random rnd = new Random(ctx.seed());
    float[] q = new float[nq * d], k = new float[n * d];
    for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
    for (int i = 0; i < k.length; i++) k[i] = (float) rnd.nextGaussian();
    double[] measured = new double[taus.length], bound = new double[taus.length], logTau = new double[taus.length];
    int violations = 0;
    double worstRatio = 0;
    try (FixedSizeListVector qv = DenseMatrices.of(ctx.allocator(), "query", nq, d, q);
         FixedSizeListVector kv = DenseMatrices.of(ctx.allocator(), "keys", n, d, k)) {
      for (int t = 0; t < taus.length; t++) {
        ctx.checkCancelled();
        ProviderConfig cfg = new ProviderConfig(Settings.of("cosine", Map.of("tau", Double.toString(taus[t]))), ctx.seed(),
            ctx.allocator(), Optional.empty(), ctx.lookup().kernels(), ctx.lookup());
        Normalizer softmax = softmaxProvider.create(cfg);
        try (Scorer s = cosine.create(cfg, d, d);
             FixedSizeListVector scores = s.score(qv, kv, ctx.allocator());
             FixedSizeListVector w = softmax.normalize(scores, Mask.all(), 1f, ctx.allocator())) {
          for (float x : DenseMatrices.toArray(w)) measured[t] = Math.max(measured[t], x);
        }
        bound[t] = 1 / (1 + (n - 1) * Math.exp(-2 / taus[t]));
        logTau[t] = Math.log10(taus[t]);
        if (measured[t] > bound[t] * (1 + 1e-5)) violations++;     // float32 weights: a relative 1e-5 slack
        worstRatio = Math.max(worstRatio, measured[t] / bound[t]);
        ctx.progress((t + 1.0) / taus.length, "τ = " + taus[t]);
      }
    }
    return ScenarioResult.builder()
        .metric("bound_violations", violations)
        .metric("max_measured_over_bound", worstRatio)
        .metric("max_weight_at_smallest_tau", measured[0])
        .keyMetric("max_measured_over_bound")
        .verdict(violations == 0 ? Verdict.SUPPORTS : Verdict.CONTRADICTS)
        .summary(String.format(java.util.Locale.ROOT, "Over %d random queries and %d keys, the largest softmax weight of "
            + "cosine scores stayed within the bound 1/(1 + (n−1)e^(−2/τ)) at every τ (%d violations; the closest "
            + "came to %.3f of the bound).", nq, n, violations, worstRatio))
        .figure(Figure.of("max-weight-vs-tau", "Largest weight vs the cosine temperature, with its bound",
            "log10 τ (temperature of the cosine scorer)", "largest weight (probability)",
            new Layer.Scatter("measured (max over queries)", logTau, measured),
            Layer.Line.of("bound 1/(1 + (n−1)e^(−2/τ))", logTau, bound)))
        .build();
  }
}
