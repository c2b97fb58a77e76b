package org.attention4j.multihead.internal.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.api.spi.Verdict;
import org.attention4j.train.Adam;
import org.attention4j.train.LossResult;
import org.attention4j.train.MeanSquaredError;
import org.attention4j.train.Parameters;

/**
 * SEED-DIGEST 3.4, multi-head attention: heads use separate projections, attend in different
 * subspaces and specialise; additive heads need no fixed 1/√d scale because the bounded tanh and the
 * learned readout v⁽ᵏ⁾ set each head's temperature.
 *
 * <p>Task ({@link PairTask}): sequences of n = 2·pairs positions; every key symbol occurs at exactly
 * two positions, every position carries a random payload symbol. Each position must output the
 * payload of the <em>previous</em> position (cyclic) in one block and the payload of the
 * <em>other position holding the same key symbol</em> in a second block. One head cannot do both
 * (its read is one average), so a low loss needs one head per relation. Self-attention (Q = K = V =
 * the inputs) through the {@code multihead} layer found in the registry, with additive heads and
 * with scaled-dot heads, each trained from the seed with Adam on the mean squared error, the
 * gradient averaged over a batch of sequences (a position never attends itself). The held-out
 * sequences go through one call with a block-diagonal mask, which gives exactly the per-sequence
 * attention.
 *
 * <p>Measured on held-out sequences, over query positions where the two relations point at
 * different keys: each head's mean weight on the previous position and on the matching position,
 * the relation it took (the one with mean weight &gt; 0.5, else "mixed"), the entropy of its weights
 * (nats), and for additive heads ‖v⁽ᵏ⁾‖₂ before and after training (the scaled-dot heads' scale is
 * the fixed 1/√(E/H)). Verdict: supports when both layers put the two relations in different heads;
 * inconclusive when only one layer does; contradicts when neither does.
 */
public final class SpecialisationScenario implements ScenarioProvider {
  static final List<String> SCORERS = List.of("additive", "scaled-dot");

  /** Called by {@link java.util.ServiceLoader}. */
  public SpecialisationScenario() {}

  @Override public String id() { return "multihead-specialisation"; }

  @Override public String claim() { return "3.4"; }

  @Override public String title() {
    return "Multi-head attention: heads specialise; additive heads learn their own temperature";
  }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec("pairs", "4", "key symbols per sequence, each at two positions (n = 2 x pairs positions)"),
        new ParameterSpec("payloads", "4", "payload symbols"),
        new ParameterSpec("heads", "2", "heads H of both layers"),
        new ParameterSpec("h", "16", "hidden size of each additive head"),
        new ParameterSpec("steps", "1500", "Adam steps per layer"),
        new ParameterSpec("batch", "8", "sequences per step"),
        new ParameterSpec("lr", "0.02", "Adam learning rate"),
        new ParameterSpec("eval", "64", "held-out sequences for the measurements"));
  }

  @Override public Map<String, String> quick() { return Map.of("steps", "150", "batch", "4", "eval", "32"); }

  /** What one trained layer measured. */
  record LayerOutcome(String scorer, double finalLoss, double accuracy, double[] massPrev, double[] massMatch,
      double[] entropy, double[] vNormBefore, double[] vNormAfter, double scale, double[][] example, long millis) {
    int heads() { return massPrev.length; }

    String relation(int k) {
      return massPrev[k] > 0.5 ? "previous" : massMatch[k] > 0.5 ? "match" : "mixed";
    }

    boolean specialised() {
      for (int a = 0; a < heads(); a++) {
        for (int b = 0; b < heads(); b++) {
          if (a != b && relation(a).equals("previous") && relation(b).equals("match")) return true;
        }
      }
      return false;
    }
  }

  @Override
  public ScenarioResult run(ScenarioContext ctx) {
    Settings p = ctx.parameters();
    int pairs = p.getInt("pairs"), payloads = p.getInt("payloads"), heads = p.getInt("heads"), h = p.getInt("h");
    int steps = p.getInt("steps"), batch = p.getInt("batch"), evalCount = p.getInt("eval");
    double lr = p.getDouble("lr");
    if (pairs < 2) throw new IllegalArgumentException("pairs: expected at least 2, got " + pairs);
    if (payloads < 2) throw new IllegalArgumentException("payloads: expected at least 2, got " + payloads);
    if (heads < 2) throw new IllegalArgumentException("heads: expected at least 2 (two relations), got " + heads);
    if (h < 1) throw new IllegalArgumentException("h: expected at least 1, got " + h);
    if (steps < 1) throw new IllegalArgumentException("steps: expected at least 1, got " + steps);
    if (batch < 1) throw new IllegalArgumentException("batch: expected at least 1, got " + batch);
    if (evalCount < 1) throw new IllegalArgumentException("eval: expected at least 1, got " + evalCount);
    if (!(lr > 0)) throw new IllegalArgumentException("lr: expected > 0, got " + lr);
    PairTask task = new PairTask(pairs, payloads, heads);
    List<LayerOutcome> outcomes = new ArrayList<>();
    for (int s = 0; s < SCORERS.size(); s++) {
      outcomes.add(train(ctx, task, SCORERS.get(s), heads, h, steps, batch, lr, evalCount, s));
    }
    ctx.progress(1.0, "both layers trained and measured");
    LayerOutcome add = outcomes.get(0), dot = outcomes.get(1);
    int specialised = (add.specialised() ? 1 : 0) + (dot.specialised() ? 1 : 0);
    Verdict verdict = specialised == 2 ? Verdict.SUPPORTS : specialised == 1 ? Verdict.INCONCLUSIVE : Verdict.CONTRADICTS;
    ScenarioResult.Builder b = ScenarioResult.builder()
        .metric("layers_specialised", specialised)
        .metric("positions", task.n())
        .metric("embed_dim", task.embed())
        .metric("chance_accuracy", 1.0 / payloads);
    for (LayerOutcome o : outcomes) {
      String pre = o.scorer().replace('-', '_') + "_";
      b.metric(pre + "specialised", o.specialised() ? 1 : 0)
          .metric(pre + "final_loss", o.finalLoss())
          .metric(pre + "accuracy", o.accuracy())
          .metric(pre + "train_ms", o.millis());
      for (int k = 0; k < o.heads(); k++) {
        b.metric(pre + "head" + k + "_mass_previous", o.massPrev()[k])
            .metric(pre + "head" + k + "_mass_match", o.massMatch()[k])
            .metric(pre + "head" + k + "_entropy", o.entropy()[k]);
        if (o.vNormAfter() != null) {
          b.metric(pre + "head" + k + "_v_norm_init", o.vNormBefore()[k]).metric(pre + "head" + k + "_v_norm", o.vNormAfter()[k]);
        }
      }
      if (o.vNormAfter() == null) b.metric(pre + "scale", o.scale());
    }
    b.metric("max_entropy", Math.log(task.n() - 1))
        .keyMetric("layers_specialised")
        .verdict(verdict)
        .summary(summary(task, outcomes, steps, batch));
    figures(b, task, outcomes);
    return b.build();
  }

  private static LayerOutcome train(ScenarioContext ctx, PairTask task, String scorer, int heads, int h, int steps, int batch,
      double lr, int evalCount, int index) {
    BufferAllocator alloc = ctx.allocator();
    AttentionLayerProvider provider = ctx.lookup().require(AttentionLayerProvider.class, "multihead");
    Settings settings = Settings.of("multihead-specialisation", Map.of("scorer", scorer, "heads", Integer.toString(heads),
        "h", Integer.toString(h)));
    long seed = ctx.seed() * 1_000_003L + index;
    ProviderConfig config = new ProviderConfig(settings, seed, alloc, Optional.empty(), ctx.lookup().kernels(), ctx.lookup());
    int e = task.embed(), n = task.n();
    java.util.SplittableRandom data = new java.util.SplittableRandom(seed ^ 0x5DEECE66DL);
    MeanSquaredError mse = MeanSquaredError.create();
    long t0 = System.nanoTime();
    try (AttentionLayer layer = provider.create(config, e, e, e);
         Adam adam = Adam.builder().learningRate(lr).build(alloc)) {
      double[] vBefore = vNorms(layer, heads);
      Mask self = task.blockMask(1);            // one sequence per call: a position never attends itself
      int rows = n * e;
      double last = Double.NaN;
      for (int step = 0; step < steps; step++) {
        ctx.checkCancelled();
        PairTask.Batch bt = task.sample(batch, data);
        ParameterSet sum = null;
        double loss = 0;
        try {
          for (int s = 0; s < batch; s++) {
            try (FixedSizeListVector x = DenseMatrices.of(alloc, "x", n, e, Arrays.copyOfRange(bt.inputs(), s * rows, (s + 1) * rows));
                 FixedSizeListVector t = DenseMatrices.of(alloc, "target", n, e, Arrays.copyOfRange(bt.targets(), s * rows, (s + 1) * rows));
                 AttentionResult r = layer.forward(x, x, x, self, 1f, false, alloc);
                 LossResult l = mse.compute(r.output(), t, alloc)) {
              loss += l.value() / batch;
              AttentionLayer.Gradients g = layer.backward(x, x, x, self, 1f, l.gradient(), alloc);
              try (g) {
                if (sum == null) sum = Parameters.copyOf(g.dParameters(), alloc);
                else Parameters.add(sum, g.dParameters());
              }
            }
          }
          Parameters.scale(sum, 1.0 / batch);   // the gradient of the mean loss over the batch
          adam.step(layer.parameters(), sum);
        } finally {
          if (sum != null) sum.close();
        }
        last = loss;
        if (step % 25 == 0) {
          ctx.progress((index + (double) step / steps) / SCORERS.size(),
              String.format(Locale.ROOT, "%s heads: step %d of %d, loss %.4f", scorer, step, steps, last));
        }
      }
      long millis = (System.nanoTime() - t0) / 1_000_000;
      // held-out sequences, from their own stream
      PairTask.Batch ev = task.sample(evalCount, new java.util.SplittableRandom(ctx.seed() * 31 + 17));
      Mask evalMask = task.blockMask(evalCount);
      try (FixedSizeListVector x = DenseMatrices.of(alloc, "x", evalCount * n, e, ev.inputs());
           FixedSizeListVector t = DenseMatrices.of(alloc, "target", evalCount * n, e, ev.targets());
           AttentionResult r = layer.forward(x, x, x, evalMask, 1f, true, alloc)) {
        double evalLoss = mse.value(r.output(), t);
        float[] out = DenseMatrices.toArray(r.output());
        float[] w = DenseMatrices.toArray(r.weights().orElseThrow());
        PairTask.HeadStats stats = task.headStats(ev, w, heads, evalCount);
        double accuracy = task.accuracy(ev, out, evalCount);
        double[][] example = new double[heads][n * n];
        int size = evalCount * n;
        for (int k = 0; k < heads; k++) {
          for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) example[k][i * n + j] = w[(k * size + i) * size + j];
        }
        double[] vAfter = vNorms(layer, heads);
        return new LayerOutcome(scorer, evalLoss, accuracy, stats.massPrevious(), stats.massMatch(), stats.entropy(), vBefore,
            vAfter, vAfter == null ? 1 / Math.sqrt((double) e / heads) : Double.NaN, example, millis);
      }
    }
  }

  /** ‖v⁽ᵏ⁾‖₂ per head of an additive layer; null when the heads have no readout v. */
  private static double[] vNorms(AttentionLayer layer, int heads) {
    if (!layer.parameters().contains("v")) return null;
    float[] v = DenseMatrices.toArray(layer.parameters().get("v"));
    int h = v.length / heads;
    double[] out = new double[heads];
    for (int k = 0; k < heads; k++) {
      double s = 0;
      for (int m = 0; m < h; m++) s += (double) v[k * h + m] * v[k * h + m];
      out[k] = Math.sqrt(s);
    }
    return out;
  }

  private static String summary(PairTask task, List<LayerOutcome> outcomes, int steps, int batch) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "Sequences of %d positions (embed_dim %d): each output must hold the payload of the previous position and that of "
            + "the other position with the same key symbol. Two %d-head self-attention layers trained %d Adam steps of %d "
            + "sequences each.", task.n(), task.embed(), outcomes.get(0).heads(), steps, batch));
    for (LayerOutcome o : outcomes) {
      sb.append(String.format(Locale.ROOT, " %s heads: held-out loss %.4f, accuracy %.2f (chance %.2f)", o.scorer(),
          o.finalLoss(), o.accuracy(), 1.0 / task.payloads()));
      for (int k = 0; k < o.heads(); k++) {
        sb.append(String.format(Locale.ROOT, "; head %d took %s (weight on previous %.2f, on match %.2f, entropy %.2f nats",
            k, o.relation(k), o.massPrev()[k], o.massMatch()[k], o.entropy()[k]));
        if (o.vNormAfter() != null) {
          sb.append(String.format(Locale.ROOT, ", ||v|| %.2f -> %.2f)", o.vNormBefore()[k], o.vNormAfter()[k]));
        } else {
          sb.append(String.format(Locale.ROOT, ", fixed scale 1/sqrt(%d) = %.3f)", task.embed() / o.heads(), o.scale()));
        }
      }
      sb.append(o.specialised() ? ": the relations went to different heads." : ": the relations did not separate into heads.");
    }
    sb.append(String.format(Locale.ROOT, " Uniform weights over the %d other positions have entropy %.2f nats.", task.n() - 1,
        Math.log(task.n() - 1)));
    return sb.toString();
  }

  private static void figures(ScenarioResult.Builder b, PairTask task, List<LayerOutcome> outcomes) {
    int n = task.n();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < n; i++) labels.add(Integer.toString(i));
    List<List<String>> rows = new ArrayList<>();
    List<String> categories = new ArrayList<>();
    List<Double> prev = new ArrayList<>(), match = new ArrayList<>();
    for (LayerOutcome o : outcomes) {
      for (int k = 0; k < o.heads(); k++) {
        b.figure(Figure.of("attention-" + o.scorer() + "-head" + k,
            String.format(Locale.ROOT, "%s head %d (took: %s), first held-out sequence", o.scorer(), k, o.relation(k)),
            "key position", "query position",
            new Layer.Heatmap(o.scorer() + " head " + k, n, n, o.example()[k], labels, labels, "attention weight")));
        categories.add(o.scorer() + " h" + k);
        prev.add(o.massPrev()[k]);
        match.add(o.massMatch()[k]);
        rows.add(List.of(o.scorer(), Integer.toString(k), o.relation(k), fmt(o.massPrev()[k]), fmt(o.massMatch()[k]),
            fmt(o.entropy()[k]), o.vNormAfter() == null ? "-" : fmt(o.vNormBefore()[k]) + " -> " + fmt(o.vNormAfter()[k]),
            o.vNormAfter() == null ? fmt(o.scale()) + " (fixed 1/sqrt(d))" : "none (learned via v)"));
      }
    }
    b.figure(Figure.of("relation-mass", "Mean weight each head puts on the previous and on the matching position",
        "head", "mean attention weight",
        new Layer.Bar("previous position", categories, prev.stream().mapToDouble(Double::doubleValue).toArray()),
        new Layer.Bar("matching position", categories, match.stream().mapToDouble(Double::doubleValue).toArray())));
    b.figure(Figure.of("head-temperatures", "Which relation each head took, and its temperature", "", "",
        new Layer.Table("heads", List.of("layer", "head", "relation", "weight on previous", "weight on match",
            "entropy (nats)", "||v|| init -> trained", "score scale"), rows)));
  }

  private static String fmt(double x) { return String.format(Locale.ROOT, "%.3f", x); }
}
