package org.attention4j.theory.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.spi.Kernels;
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
 * The chapter's conclusion, the efficiency side of the trade-off: FLOPs and measured time of one
 * attention pass (scores, softmax, weights × values, self-attention with n_q = n_k = n, d_v = d) with
 * the registry's {@code additive} (h = d unless set), {@code dot} and {@code scaled-dot} scorers on the
 * active kernels, as n and d grow.
 *
 * <p>FLOP convention: a multiply–add is 2 FLOPs; tanh counts as {@value #TANH_OPS} op; the softmax
 * (the same n_q·n_k exponentials for every scorer), the 1/√d scaling and the bias add (n_q·h) are not
 * counted. Dot: QKᵀ and AV, 2·n_q·n_k·d each, {@code 4·n_q·n_k·d}. Additive: projections
 * {@code 2·(n_q + n_k)·d·h}, per (query, key, hidden unit) an add, a tanh and a multiply–accumulate with
 * v, {@code n_q·n_k·h·(tanh + 3)}, and AV {@code 2·n_q·n_k·d}. Time is the median over repetitions of
 * System.nanoTime around the pass, after warm-up runs: a measurement, not a benchmark harness.
 */
public final class EfficiencyScenario implements ScenarioProvider {
  /** Ops counted for one tanh. */
  static final int TANH_OPS = 1;
  static final String[] MODELS = {"additive", "dot", "scaled-dot"};

  @Override public String id() { return "efficiency"; }

  @Override public String claim() { return "C"; }

  @Override public String title() { return "Efficiency: FLOPs and measured time of additive vs dot-product attention"; }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec("n", "64,128,256,512,1024", "sequence lengths (n_q = n_k = n) of the n sweep"),
        new ParameterSpec("d", "64", "width of queries, keys and values in the n sweep"),
        new ParameterSpec("dims", "16,32,64,128", "widths of the d sweep"),
        new ParameterSpec("n-fixed", "256", "sequence length of the d sweep"),
        new ParameterSpec("h", "0", "hidden size of the additive scorer; 0: the same as d"),
        new ParameterSpec("reps", "7", "timed repetitions per point (median)"),
        new ParameterSpec("warmup", "3", "untimed runs per point before timing (five times as many for a first warm-up "
            + "of each scorer at the smallest n)"));
  }

  @Override public Map<String, String> quick() {
    return Map.of("n", "32,64,128,256", "d", "32", "dims", "16,32,64", "n-fixed", "128", "reps", "3", "warmup", "2");
  }

  /** Dot-product attention FLOPs: QKᵀ and AV. */
  static long dotFlops(long nq, long nk, long d) { return 4 * nq * nk * d; }

  /** Additive attention FLOPs: projections, n_q·n_k·h·(tanh + 3), AV. */
  static long additiveFlops(long nq, long nk, long d, long h) {
    return 2 * (nq + nk) * d * h + nq * nk * h * (TANH_OPS + 3) + 2 * nq * nk * d;
  }

  static long flops(String model, long n, long d, long h) {
    return model.equals("additive") ? additiveFlops(n, n, d, h) : dotFlops(n, n, d);
  }

  @Override
  public ScenarioResult run(ScenarioContext ctx) {
    Settings p = ctx.parameters();
    int[] ns = ints(p, "n"), dims = ints(p, "dims");
    int d0 = RobustnessNormScenario.positive(p, "d"), nFixed = RobustnessNormScenario.positive(p, "n-fixed");
    int hSet = p.getInt("h"), reps = RobustnessNormScenario.positive(p, "reps"), warm = p.getInt("warmup");
    if (hSet < 0) throw new IllegalArgumentException("h: expected an integer >= 0, got " + hSet);
    if (warm < 0) throw new IllegalArgumentException("warmup: expected an integer >= 0, got " + warm);
    BufferAllocator alloc = ctx.allocator();
    Kernels kernels = ctx.lookup().kernels();
    ProviderConfig cfg = ScoreModel.config(ctx, ctx.seed(), alloc);
    Normalizer softmax = ctx.lookup().require(NormalizerProvider.class, "softmax")
        .create(cfg.withSettings(Settings.of("softmax", Map.of())));
    Random rnd = new Random(ctx.seed());
    int total = (ns.length + dims.length) * MODELS.length, done = 0;
    double[][] tN = new double[MODELS.length][ns.length], tD = new double[MODELS.length][dims.length];
    for (String m : MODELS) {                 // JIT warm-up of every code path before the first timed point
      time(ctx, cfg, softmax, kernels, m, ns[0], d0, hSet == 0 ? d0 : hSet, 1, Math.max(warm, 1) * 5, rnd, alloc);
    }
    for (int mi = 0; mi < MODELS.length; mi++) {
      for (int i = 0; i < ns.length; i++) {
        tN[mi][i] = time(ctx, cfg, softmax, kernels, MODELS[mi], ns[i], d0, hSet == 0 ? d0 : hSet, reps, warm, rnd, alloc);
        ctx.progress(++done / (double) total, MODELS[mi] + ", n = " + ns[i]);
      }
      for (int i = 0; i < dims.length; i++) {
        tD[mi][i] = time(ctx, cfg, softmax, kernels, MODELS[mi], nFixed, dims[i], hSet == 0 ? dims[i] : hSet, reps, warm,
            rnd, alloc);
        ctx.progress(++done / (double) total, MODELS[mi] + ", d = " + dims[i]);
      }
    }
    int last = ns.length - 1;
    int hLast = hSet == 0 ? d0 : hSet;
    double[] ln = Stats.log10(toDouble(ns)), ld = Stats.log10(toDouble(dims));
    List<Layer> byN = new ArrayList<>(), byD = new ArrayList<>();
    double[] ratio = new double[ns.length], flopRatio = new double[ns.length];
    List<String> cats = new ArrayList<>();
    for (int i = 0; i < ns.length; i++) {
      ratio[i] = tN[0][i] / tN[1][i];
      flopRatio[i] = flops("additive", ns[i], d0, hLast) / (double) flops("dot", ns[i], d0, hLast);
      cats.add("n = " + ns[i]);
    }
    ScenarioResult.Builder r = ScenarioResult.builder();
    for (int mi = 0; mi < MODELS.length; mi++) {
      String m = MODELS[mi];
      double[] fN = new double[ns.length], fD = new double[dims.length];
      for (int i = 0; i < ns.length; i++) fN[i] = flops(m, ns[i], d0, hSet == 0 ? d0 : hSet);
      for (int i = 0; i < dims.length; i++) fD[i] = flops(m, nFixed, dims[i], hSet == 0 ? dims[i] : hSet);
      byN.add(new Layer.Scatter(m + " measured", ln, Stats.log10(tN[mi])));
      byN.add(Layer.Line.of(m + " FLOP model (scaled)", ln, Stats.log10(scaledModel(fN, tN[mi]))));
      byD.add(new Layer.Scatter(m + " measured", ld, Stats.log10(tD[mi])));
      byD.add(Layer.Line.of(m + " FLOP model (scaled)", ld, Stats.log10(scaledModel(fD, tD[mi]))));
      String key = m.replace('-', '_');
      r.metric("flops_" + key + "_max_n", fN[last])
          .metric("time_ms_" + key + "_max_n", tN[mi][last])
          .metric("gflops_per_s_" + key + "_max_n", fN[last] / (tN[mi][last] * 1e6))
          .metric("time_slope_n_" + key, Stats.slope(ln, Stats.log10(tN[mi])));
    }
    double timeRatio = ratio[last], modelRatio = flopRatio[last];
    Verdict verdict = !(timeRatio > 0) || !Double.isFinite(timeRatio) ? Verdict.INCONCLUSIVE
        : timeRatio > 1 && modelRatio > 1 ? Verdict.SUPPORTS : Verdict.CONTRADICTS;
    return r.metric("flop_ratio_additive_dot_max_n", modelRatio)
        .metric("time_ratio_additive_dot_max_n", timeRatio)
        .metric("time_ratio_additive_dot_max_d", tD[0][dims.length - 1] / tD[1][dims.length - 1])
        .metric("n_max", ns[last])
        .metric("d", d0)
        .metric("h", hLast)
        .keyMetric("time_ratio_additive_dot_max_n")
        .verdict(verdict)
        .summary(String.format("One attention pass (scores, softmax, AV; n_q = n_k = n, d = %d, additive h = %d) on "
            + "kernels '%s'. At n = %d the FLOP model gives additive/dot = %.2f (additive %.3g FLOPs, dot %.3g; "
            + "multiply–add = 2, tanh = %d, softmax not counted); the measured time ratio is %.2f (additive %.3g ms, "
            + "dot %.3g ms, scaled-dot %.3g ms, medians of %d). Time grows with n with log-log slope %.2f (additive) "
            + "and %.2f (dot), against 2 for the n² terms. The FLOP count understates the additive cost when a tanh "
            + "costs more than one multiply–add.", d0, hLast, kernels.id(), ns[last], modelRatio, (double) flops("additive",
            ns[last], d0, hLast), (double) flops("dot", ns[last], d0, hLast), TANH_OPS, timeRatio, tN[0][last], tN[1][last],
            tN[2][last], reps, Stats.slope(ln, Stats.log10(tN[0])), Stats.slope(ln, Stats.log10(tN[1]))))
        .figure(new Figure("time-vs-n", "Time of one attention pass vs n (d = " + d0 + "), FLOP model scaled to the points",
            "log10 n", "log10 time (ms)", byN))
        .figure(new Figure("time-vs-d", "Time of one attention pass vs d (n = " + nFixed + "), FLOP model scaled to the points",
            "log10 d", "log10 time (ms)", byD))
        .figure(Figure.of("time-ratio", "Additive / dot time of one attention pass (d = " + d0 + ")", "", "ratio",
            new Layer.Bar("measured", cats, ratio), new Layer.Bar("FLOP model", cats, flopRatio)))
        .build();
  }

  /** The FLOP model times the geometric-mean ratio time / FLOPs of the measured points. */
  static double[] scaledModel(double[] flops, double[] time) {
    double s = 0;
    for (int i = 0; i < flops.length; i++) s += Math.log(time[i] / flops[i]);
    double c = Math.exp(s / flops.length);
    double[] out = new double[flops.length];
    for (int i = 0; i < flops.length; i++) out[i] = c * flops[i];
    return out;
  }

  /** Median milliseconds of one pass of the model's attention at (n, d, h). */
  private static double time(ScenarioContext ctx, ProviderConfig cfg, Normalizer softmax, Kernels kernels, String model,
      int n, int d, int h, int reps, int warm, Random rnd, BufferAllocator alloc) {
    float[] q = gaussian(rnd, n * d, d), k = gaussian(rnd, n * d, d), v = gaussian(rnd, n * d, 1);
    Map<String, String> settings = model.equals("additive") ? Map.of("h", Integer.toString(h)) : Map.of();
    double[] ms = new double[reps];
    try (Scorer scorer = ctx.lookup().require(ScorerProvider.class, model).create(cfg.withSettings(Settings.of(model,
             settings)), d, d);
         FixedSizeListVector qv = DenseMatrices.of(alloc, "queries", n, d, q);
         FixedSizeListVector kv = DenseMatrices.of(alloc, "keys", n, d, k);
         FixedSizeListVector vv = DenseMatrices.of(alloc, "values", n, d, v);
         FixedSizeListVector out = DenseMatrices.allocate(alloc, "out", n, d)) {
      for (int r = -warm; r < reps; r++) {
        ctx.checkCancelled();
        long t0 = System.nanoTime();
        try (FixedSizeListVector s = scorer.score(qv, kv, alloc);
             FixedSizeListVector w = softmax.normalize(s, Mask.all(), 1f, alloc)) {
          kernels.matmul(DenseMatrices.segment(w), false, DenseMatrices.segment(vv), false, DenseMatrices.segment(out), n,
              d, n, 1f, 0f);
        }
        long t1 = System.nanoTime();
        if (r >= 0) ms[r] = (t1 - t0) / 1e6;
      }
    }
    Arrays.sort(ms);
    return reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2;
  }

  private static float[] gaussian(Random rnd, int len, int d) {
    float[] x = new float[len];
    double s = 1 / Math.sqrt(d);
    for (int i = 0; i < len; i++) x[i] = (float) (rnd.nextGaussian() * s);
    return x;
  }

  private static int[] ints(Settings p, String name) {
    double[] x = p.getDoubles(name);
    if (x.length == 0) throw new IllegalArgumentException(name + ": expected at least one value");
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      if (x[i] < 1 || x[i] != Math.rint(x[i])) {
        throw new IllegalArgumentException(name + ": expected integers >= 1, got " + x[i]);
      }
      out[i] = (int) x[i];
    }
    return out;
  }

  private static double[] toDouble(int[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = x[i];
    return out;
  }
}
