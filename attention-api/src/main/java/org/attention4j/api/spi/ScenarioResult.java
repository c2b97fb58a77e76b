package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.attention4j.api.figure.Figure;
import org.apiguardian.api.API;

/**
 * What a scenario measured: named metrics (finite numbers), the key metric, a verdict, figures and a
 * one-paragraph summary.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ScenarioResult(Map<String, Double> metrics, String keyMetric, Verdict verdict, List<Figure> figures,
    String summary) {
  public ScenarioResult {
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    figures = List.copyOf(figures);
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(summary, "summary");
    if (!metrics.containsKey(keyMetric)) {
      throw new IllegalArgumentException("keyMetric: expected one of " + metrics.keySet() + ", got '" + keyMetric + "'");
    }
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      if (e.getValue() == null || !Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException("metric " + e.getKey() + ": expected a finite number, got " + e.getValue());
      }
    }
  }

  public static Builder builder() { return new Builder(); }

  /** Collects metrics and figures in order. */
  public static final class Builder {
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private String keyMetric;
    private Verdict verdict = Verdict.INCONCLUSIVE;
    private String summary = "";

    public Builder metric(String name, double value) { metrics.put(name, value); return this; }
    public Builder keyMetric(String name) { this.keyMetric = name; return this; }
    public Builder verdict(Verdict v) { this.verdict = v; return this; }
    public Builder figure(Figure f) { figures.add(f); return this; }
    public Builder summary(String s) { this.summary = s; return this; }
    public ScenarioResult build() { return new ScenarioResult(metrics, keyMetric, verdict, figures, summary); }
  }
}
