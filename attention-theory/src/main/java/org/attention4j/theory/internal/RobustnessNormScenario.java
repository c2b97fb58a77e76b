package org.attention4j.theory.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.api.spi.Verdict;
import org.attention4j.train.Adam;
import org.attention4j.train.Trainer;

/**
 * SEED-DIGEST 1.1, robustness to key norm. Each example is a unit query q, a target key
 * {@code normalize(q + σε)} and m unit random distractors. Four scorers, each with learned
 * parameters ({@code additive}; {@code bilinear} = qᵀWk; {@code dot} and {@code scaled-dot} after
 * learned projections of q and k), are trained with the same budget (Adam, softmax cross entropy on
 * the target) at c = 1, then evaluated unchanged while the distractors' norms are multiplied by c
 * (log grid over [c-min, c-max]): attention mass on the target and top-1 accuracy, mean ± sd over
 * seeds. For additive, every evaluated |s| is compared with the bound ‖v‖₁.
 */
public final class RobustnessNormScenario implements ScenarioProvider {
  static final String[] MODELS = {"additive", "bilinear", "dot+proj", "scaled-dot+proj"};

  @Override public String id() { return "robustness-norm"; }

  @Override public String claim() { return "1.1"; }

  @Override public String title() { return "Additive scores are bounded by ‖v‖₁; bilinear scores grow with the key norm"; }

  @Override public String description() { return "target mass and top-1 accuracy as distractor norms grow by c, additive vs bilinear"; }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec("d", "8", "width of queries and keys"),
        new ParameterSpec("distractors", "7", "distractor keys m per query (one target key besides)"),
        new ParameterSpec("noise", "0.3", "σ of the target key: normalize(q + σ·ε)"),
        new ParameterSpec("train", "512", "training examples (query with m + 1 keys)"),
        new ParameterSpec("test", "256", "held-out examples evaluated at every c"),
        new ParameterSpec("epochs", "30", "training epochs, the same for every scorer"),
        new ParameterSpec("batch", "32", "minibatch size"),
        new ParameterSpec("lr", "0.03", "Adam learning rate"),
        new ParameterSpec("h", "16", "hidden size of the additive scorer"),
        new ParameterSpec("p", "8", "projection width of dot+proj and scaled-dot+proj"),
        new ParameterSpec("seeds", "5", "independent runs (data and initialisation)"),
        new ParameterSpec("c-min", "1", "smallest distractor norm factor"),
        new ParameterSpec("c-max", "100", "largest distractor norm factor"),
        new ParameterSpec("c-points", "9", "number of factors c, log-spaced"));
  }

  @Override public Map<String, String> quick() {
    return Map.of("train", "192", "test", "128", "epochs", "25", "batch", "64", "seeds", "3", "c-points", "5");
  }

  @Override
  public ScenarioResult run(ScenarioContext ctx) {
    Settings p = ctx.parameters();
    int d = positive(p, "d"), m = positive(p, "distractors"), nTrain = positive(p, "train"), nTest = positive(p, "test");
    int epochs = positive(p, "epochs"), batch = positive(p, "batch"), h = positive(p, "h"), proj = positive(p, "p");
    int seeds = positive(p, "seeds"), cPoints = positive(p, "c-points");
    double sigma = p.getDouble("noise"), lr = p.getDouble("lr"), cMin = p.getDouble("c-min"), cMax = p.getDouble("c-max");
    if (!(cMin > 0) || !(cMax >= cMin)) {
      throw new IllegalArgumentException("c-min, c-max: expected 0 < c-min <= c-max, got " + cMin + ", " + cMax);
    }
    if (!(lr > 0)) throw new IllegalArgumentException("lr: expected > 0, got " + lr);
    double[] cs = Stats.logGrid(cMin, cMax, cPoints);
    int keys = m + 1, nModels = MODELS.length;
    double[][][] mass = new double[nModels][cPoints][seeds], acc = new double[nModels][cPoints][seeds];
    double[] vNorm1 = new double[seeds], maxAbsS = new double[seeds];
    BufferAllocator alloc = ctx.allocator();
    int done = 0, total = nModels * seeds;
    for (int s = 0; s < seeds; s++) {
      long seed = ctx.seed() * 1_000_003L + s;
      Random rnd = new Random(seed);
      float[][] train = examples(rnd, nTrain, d, m, sigma), test = examples(rnd, nTest, d, m, sigma);
      for (int mi = 0; mi < nModels; mi++) {
        ctx.checkCancelled();
        try (ScoreModel model = create(ctx, MODELS[mi], d, h, proj, seed, alloc)) {
          train(ctx, model, train, nTrain, d, keys, epochs, batch, lr, seed);
          for (int ci = 0; ci < cPoints; ci++) {
            double[] r = evaluate(model, test, nTest, d, keys, cs[ci], alloc);
            mass[mi][ci][s] = r[0];
            acc[mi][ci][s] = r[1];
            if (mi == 0) maxAbsS[s] = Math.max(maxAbsS[s], r[2]);
          }
          if (mi == 0) {
            double n1 = 0;
            for (float x : DenseMatrices.toArray(model.parameters().get("v"))) n1 += Math.abs(x);
            vNorm1[s] = n1;
          }
        }
        ctx.progress(++done / (double) total, MODELS[mi] + ", seed " + (s + 1) + "/" + seeds);
      }
    }

    ScenarioResult.Builder out = ScenarioResult.builder();
    double[] logC = Stats.log10(cs);
    List<Layer> massLines = new ArrayList<>(), accLines = new ArrayList<>();
    double[] accAtMax = new double[nModels], accSdAtMax = new double[nModels], accAt1 = new double[nModels];
    for (int mi = 0; mi < nModels; mi++) {
      massLines.add(band(MODELS[mi], logC, mass[mi]));
      accLines.add(band(MODELS[mi], logC, acc[mi]));
      String key = MODELS[mi].replace("+proj", "_proj").replace('-', '_');
      accAt1[mi] = Stats.mean(acc[mi][0]);
      accAtMax[mi] = Stats.mean(acc[mi][cPoints - 1]);
      accSdAtMax[mi] = Stats.sd(acc[mi][cPoints - 1]);
      out.metric(key + "_accuracy_at_c_min", accAt1[mi])
          .metric(key + "_accuracy_at_c_max", accAtMax[mi])
          .metric(key + "_accuracy_sd_at_c_max", accSdAtMax[mi])
          .metric(key + "_target_mass_at_c_min", Stats.mean(mass[mi][0]))
          .metric(key + "_target_mass_at_c_max", Stats.mean(mass[mi][cPoints - 1]));
    }
    double bestBilinear = Math.max(accAtMax[1], Math.max(accAtMax[2], accAtMax[3]));
    double gap = accAtMax[0] - bestBilinear;
    double boundRatio = 0;
    for (int s = 0; s < seeds; s++) boundRatio = Math.max(boundRatio, maxAbsS[s] / vNorm1[s]);
    double minAt1 = Math.min(Math.min(accAt1[0], accAt1[1]), Math.min(accAt1[2], accAt1[3]));
    boolean trained = minAt1 >= 0.6;
    boolean boundHolds = boundRatio <= 1 + 1e-5;
    Verdict verdict;
    if (!boundHolds) verdict = Verdict.CONTRADICTS;
    else if (!trained) verdict = Verdict.INCONCLUSIVE;
    else if (gap > 0.1) verdict = Verdict.SUPPORTS;
    else if (gap < -0.1) verdict = Verdict.CONTRADICTS;
    else verdict = Verdict.INCONCLUSIVE;
    out.metric("accuracy_gap_at_c_max", gap)
        .metric("min_accuracy_at_c_min", minAt1)
        .metric("additive_max_abs_score_over_v_l1", boundRatio)
        .keyMetric("accuracy_gap_at_c_max")
        .verdict(verdict)
        .summary(String.format("Trained at c = %s with the same budget (%d epochs, Adam lr %s), top-1 accuracy at c = %s is "
            + "additive %.3f, bilinear %.3f, dot+proj %.3f, scaled-dot+proj %.3f (at c = %s: %.3f, %.3f, %.3f, %.3f; "
            + "mean over %d seeds). Additive minus the best bilinear-family scorer at c = %s: %+.3f. Every additive "
            + "score stayed within its bound: max |s| / ‖v‖₁ = %.3f.%s",
            Stats.fmt(cMin), epochs, Stats.fmt(lr), Stats.fmt(cMax), accAtMax[0], accAtMax[1], accAtMax[2], accAtMax[3],
            Stats.fmt(cMin), accAt1[0], accAt1[1], accAt1[2], accAt1[3], seeds, Stats.fmt(cMax), gap, boundRatio,
            trained ? "" : " Some scorer did not learn the task at c = 1 (accuracy < 0.6), so the comparison is inconclusive."))
        .figure(new Figure("target-mass-vs-c", "Attention mass on the target as distractor norms grow",
            "log10 c (distractor norm factor, dimensionless)", "softmax weight on the target (probability)", massLines))
        .figure(new Figure("accuracy-vs-c", "Top-1 accuracy as distractor norms grow",
            "log10 c (distractor norm factor, dimensionless)", "top-1 accuracy (fraction)", accLines))
        .figure(Figure.of("additive-bound", "Additive scores never exceed ‖v‖₁",
            "‖v‖₁ of the trained additive scorer", "max |s| over every evaluated pair and c",
            new Layer.Scatter("one seed", vNorm1, maxAbsS),
            Layer.Line.of("bound |s| = ‖v‖₁", new double[] {0, max(vNorm1)}, new double[] {0, max(vNorm1)})));
    return out.build();
  }

  static ScoreModel create(ScenarioContext ctx, String model, int d, int h, int p, long seed, BufferAllocator a) {
    return switch (model) {
      case "additive" -> ScoreModel.additive(ctx, d, h, seed, a);
      case "bilinear" -> ScoreModel.bilinear(ctx, d, seed, a);
      case "dot+proj" -> ScoreModel.projected(ctx, model, "dot", d, p, true, seed, a);
      case "scaled-dot+proj" -> ScoreModel.projected(ctx, model, "scaled-dot", d, p, true, seed, a);
      default -> throw new IllegalArgumentException("model: expected one of additive, bilinear, dot+proj, scaled-dot+proj, got "
          + model);
    };
  }

  /** {queries [n × d], keys [n·(m+1) × d]}: key 0 of each block is the target. */
  static float[][] examples(Random r, int n, int d, int m, double sigma) {
    float[] q = new float[n * d], k = new float[n * (m + 1) * d];
    float[] eps = new float[d];
    for (int i = 0; i < n; i++) {
      Stats.unit(r, q, i * d, d);
      double norm = 0;
      double[] t = new double[d];
      for (int j = 0; j < d; j++) {
        t[j] = q[i * d + j] + sigma * r.nextGaussian();
        norm += t[j] * t[j];
      }
      norm = Math.sqrt(norm);
      int base = i * (m + 1) * d;
      for (int j = 0; j < d; j++) k[base + j] = (float) (t[j] / norm);
      for (int c = 1; c <= m; c++) Stats.unit(r, k, base + c * d, d);
    }
    return new float[][] {q, k};
  }

  private static void train(ScenarioContext ctx, ScoreModel model, float[][] data, int n, int d, int keys, int epochs,
      int batch, double lr, long seed) {
    try (Adam adam = Adam.builder().learningRate(lr).build(ctx.allocator())) {
      Trainer.builder(model.parameters(), adam).epochs(epochs).batchSize(batch).seed(seed).cancellation(ctx::cancelled)
          .build().fit(n, (b, gradients) -> {
            int bs = b.size();
            float[] q = new float[bs * d], k = new float[bs * keys * d];
            for (int i = 0; i < bs; i++) {
              int e = b.example(i);
              System.arraycopy(data[0], e * d, q, i * d, d);
              System.arraycopy(data[1], e * keys * d, k, i * keys * d, keys * d);
            }
            int nk = bs * keys;
            int[][] edges = blockEdges(bs, keys);
            float[] s = model.scorePairs(q, bs, k, nk, edges[0], edges[1], b.allocator());
            float[] ds = new float[nk];
            double loss = 0;
            for (int i = 0; i < bs; i++) {
              double[] w = Stats.softmax(s, i * keys, keys);
              loss -= Math.log(Math.max(w[0], 1e-300));
              for (int j = 0; j < keys; j++) ds[i * keys + j] = (float) ((w[j] - (j == 0 ? 1 : 0)) / bs);
            }
            model.backwardPairs(q, bs, k, nk, edges[0], edges[1], ds, gradients, b.allocator());
            return loss / bs;
          }, ctx.allocator());
    }
  }

  /** {mean target mass, top-1 accuracy, max |s|} with distractors scaled by c. */
  static double[] evaluate(ScoreModel model, float[][] data, int n, int d, int keys, double c, BufferAllocator a) {
    double massSum = 0, maxAbs = 0;
    int hits = 0;
    int chunk = 128;
    for (int from = 0; from < n; from += chunk) {
      int bs = Math.min(chunk, n - from), nk = bs * keys;
      float[] q = new float[bs * d], k = new float[nk * d];
      System.arraycopy(data[0], from * d, q, 0, bs * d);
      System.arraycopy(data[1], from * keys * d, k, 0, nk * d);
      for (int i = 0; i < bs; i++) {
        for (int j = 1; j < keys; j++) {
          int off = (i * keys + j) * d;
          for (int x = 0; x < d; x++) k[off + x] = (float) (c * k[off + x]);
        }
      }
      int[][] edges = blockEdges(bs, keys);
      float[] s = model.scorePairs(q, bs, k, nk, edges[0], edges[1], a);
      for (int i = 0; i < bs; i++) {
        int off = i * keys;
        double[] w = Stats.softmax(s, off, keys);
        massSum += w[0];
        boolean best = true;
        for (int j = 1; j < keys; j++) if (s[off + j] >= s[off]) best = false;
        if (best) hits++;
        for (int j = 0; j < keys; j++) maxAbs = Math.max(maxAbs, Math.abs(s[off + j]));
      }
    }
    return new double[] {massSum / n, hits / (double) n, maxAbs};
  }

  /** Edges (query i, key i·keys + j): each query against its own block of keys. */
  static int[][] blockEdges(int queries, int keys) {
    int[] src = new int[queries * keys], dst = new int[queries * keys];
    for (int i = 0; i < queries; i++) {
      for (int j = 0; j < keys; j++) {
        src[i * keys + j] = i;
        dst[i * keys + j] = i * keys + j;
      }
    }
    return new int[][] {src, dst};
  }

  static Layer.Line band(String label, double[] x, double[][] perPointSeeds) {
    int n = x.length;
    double[] y = new double[n], lo = new double[n], hi = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = Stats.mean(perPointSeeds[i]);
      double sd = Stats.sd(perPointSeeds[i]);
      lo[i] = y[i] - sd;
      hi[i] = y[i] + sd;
    }
    return new Layer.Line(label + " (mean ± sd over seeds)", x, y, lo, hi);
  }

  private static double max(double[] x) {
    double m = 0;
    for (double v : x) m = Math.max(m, v);
    return m;
  }

  static int positive(Settings p, String name) {
    int v = p.getInt(name);
    if (v < 1) throw new IllegalArgumentException(name + ": expected an integer >= 1, got " + v);
    return v;
  }
}
