package org.attention4j.train;

import static org.attention4j.train.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.spi.Scorer;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training real scorers, found through the registry by id (the test class path has attention-additive
 * and attention-bilinear; the main code imports neither): the additive scorer learns a target
 * similarity, {@code dot} on learned projections learns a bilinear form exactly, and InfoNCE learns
 * a retrieval. Each prints its measured losses.
 */
@WithRootAllocator
class ScorerFitTest {
  private static final int D = 4;

  /** T[i][j] = cos(q_i, k_j). */
  private static float[] cosine(float[] q, float[] k, int nq, int nk) {
    float[] t = new float[nq * nk];
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        double dot = 0, qq = 0, kk = 0;
        for (int c = 0; c < D; c++) {
          dot += q[i * D + c] * k[j * D + c];
          qq += q[i * D + c] * q[i * D + c];
          kk += k[j * D + c] * k[j * D + c];
        }
        t[i * nk + j] = (float) (dot / Math.sqrt(qq * kk));
      }
    }
    return t;
  }

  /** Mean squared error of scorer(queries, keys) against targets. */
  private static double mse(Scorer scorer, FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector targets,
      BufferAllocator allocator) {
    try (FixedSizeListVector s = scorer.score(queries, keys, allocator)) {
      return MeanSquaredError.create().value(s, targets);
    }
  }

  /** Trains any scorer's own parameters on MSE against targets, minibatches of query rows. */
  private static Objective fitScores(Scorer scorer, FixedSizeListVector queries, FixedSizeListVector keys,
      FixedSizeListVector targets) {
    return (batch, gradients) -> {
      try (FixedSizeListVector q = batch.rows(queries); FixedSizeListVector t = batch.rows(targets);
           FixedSizeListVector s = scorer.score(q, keys, batch.allocator());
           LossResult loss = MeanSquaredError.create().compute(s, t, batch.allocator());
           Scorer.Gradients g = scorer.backward(q, keys, loss.gradient(), batch.allocator())) {
        Parameters.add(gradients, g.dParameters());
        return loss.value();
      }
    };
  }

  @Test void additiveLearnsACosineSimilarity(BufferAllocator allocator, @TempDir Path dir) {
    int nq = 48, nk = 12, nv = 16;
    float[] q = Fixtures.gaussian(nq * D, 1, 1), k = Fixtures.gaussian(nk * D, 1, 2), qv = Fixtures.gaussian(nv * D, 1, 3);
    try (FixedSizeListVector queries = DenseMatrices.of(allocator, "queries", nq, D, q);
         FixedSizeListVector keys = DenseMatrices.of(allocator, "keys", nk, D, k);
         FixedSizeListVector targets = DenseMatrices.of(allocator, "targets", nq, nk, cosine(q, k, nq, nk));
         FixedSizeListVector valQueries = DenseMatrices.of(allocator, "valQueries", nv, D, qv);
         FixedSizeListVector valTargets = DenseMatrices.of(allocator, "valTargets", nv, nk, cosine(qv, k, nv, nk));
         Scorer additive = Fixtures.scorer("additive", Map.of("h", "16"), 7, allocator, D, D);
         Adam adam = Adam.builder().schedule(LearningRateSchedule.cosine(0.03, 360, 0.003)).build(allocator)) {
      double before = mse(additive, queries, keys, targets, allocator);
      double valBefore = mse(additive, valQueries, keys, valTargets, allocator);
      TrainingHistory h = Trainer.builder(additive.parameters(), adam).epochs(60).batchSize(8).seed(7)
          .validation(() -> mse(additive, valQueries, keys, valTargets, allocator), MetricGoal.MINIMIZE)
          .earlyStopping(10, 0)
          .build().fit(nq, fitScores(additive, queries, keys, targets), allocator);
      double after = mse(additive, queries, keys, targets, allocator);
      double valAfter = mse(additive, valQueries, keys, valTargets, allocator);
      System.out.printf("additive → cosine: train MSE %.4g → %.4g (%.1fx), validation %.4g → %.4g (%.1fx), %d epochs, %s%n",
          before, after, before / after, valBefore, valAfter, valBefore / valAfter, h.epochs(), h.stopReason());
      assertTrue(before / after >= 10, "train loss falls at least 10x: " + before + " → " + after);
      assertTrue(valBefore / valAfter >= 5, "held-out queries improve too (≥ 5x): " + valBefore + " → " + valAfter);

      Path file = dir.resolve("additive.safetensors");                 // saved, and given back to the provider
      Parameters.save(additive.parameters(), file);
      try (ParameterSet loaded = Parameters.load(file, allocator);
           Scorer reloaded = Fixtures.scorer("additive", Map.of(), Optional.of(loaded), 0, allocator, D, D);
           FixedSizeListVector s1 = additive.score(valQueries, keys, allocator);
           FixedSizeListVector s2 = reloaded.score(valQueries, keys, allocator)) {
        assertArrayEquals(DenseMatrices.toArray(s1), DenseMatrices.toArray(s2), "the reloaded scorer scores identically");
      }
    }
  }

  @Test void dotOnLearnedProjectionsLearnsABilinearFormExactly(BufferAllocator allocator) {
    int nq = 64, nk = 16;
    float[] q = Fixtures.gaussian(nq * D, 1, 4), k = Fixtures.gaussian(nk * D, 1, 5), w = Fixtures.gaussian(D * D, 0.5, 6);
    try (FixedSizeListVector queries = DenseMatrices.of(allocator, "queries", nq, D, q);
         FixedSizeListVector keys = DenseMatrices.of(allocator, "keys", nk, D, k);
         FixedSizeListVector wStar = DenseMatrices.of(allocator, "W", D, D, w);
         FixedSizeListVector qw = Fixtures.matmul(allocator, "qw", queries, wStar, false, false);
         FixedSizeListVector targets = Fixtures.matmul(allocator, "targets", qw, keys, false, true);   // Q W* Kᵀ
         Scorer dot = Fixtures.scorer("dot", Map.of(), 0, allocator, D, D);
         ParameterSet projections = Parameters.create(allocator, List.of(spec("W_q", D, D), spec("W_k", D, D)),
             Initializer.glorotUniform(), 3);
         Adam adam = Adam.builder().schedule(LearningRateSchedule.cosine(0.05, 300, 0)).build(allocator)) {
      ProjectedDot model = new ProjectedDot(dot, projections);
      double before = model.mse(queries, keys, targets, allocator);
      TrainingHistory h = Trainer.builder(projections, adam).epochs(75).batchSize(16).seed(9).build()
          .fit(nq, model.objective(queries, keys, targets), allocator);
      double after = model.mse(queries, keys, targets, allocator);
      System.out.printf("dot(Q W_q, K W_k) → Q W* Kᵀ: MSE %.4g → %.4g after %d steps%n", before, after, h.steps());
      assertEquals(300, h.steps());
      assertTrue(after < 1e-6, "an exact fit: MSE < 1e-6, got " + after);
    }
  }

  @Test void infoNceLearnsARetrieval(BufferAllocator allocator) {
    int n = 32, d = 8;
    float[] q = Fixtures.gaussian(n * d, 1, 7), m = Fixtures.gaussian(d * d, 1, 8);
    for (int i = 0; i < n; i++) {                           // unit queries: qᵢᵀqⱼ < qᵢᵀqᵢ, so retrieval is learnable exactly
      double norm = 0;
      for (int c = 0; c < d; c++) norm += q[i * d + c] * q[i * d + c];
      for (int c = 0; c < d; c++) q[i * d + c] /= (float) Math.sqrt(norm);
    }
    try (FixedSizeListVector queries = DenseMatrices.of(allocator, "queries", n, d, q);
         FixedSizeListVector mix = DenseMatrices.of(allocator, "M", d, d, m);
         FixedSizeListVector keys = Fixtures.matmul(allocator, "keys", queries, mix, false, false);   // k_i = Mᵀ q_i
         Scorer dot = Fixtures.scorer("dot", Map.of(), 0, allocator, d, d);
         ParameterSet projections = Parameters.create(allocator, List.of(spec("W_q", d, d), spec("W_k", d, d)),
             Initializer.glorotUniform(), 4);
         Adam adam = Adam.builder().learningRate(0.05).build(allocator)) {
      ProjectedDot model = new ProjectedDot(dot, projections);
      InfoNce infoNce = InfoNce.withTemperature(0.5).symmetric();
      double before = model.infoNce(infoNce, queries, keys, allocator);
      double top1Before = model.top1(queries, keys, allocator);
      TrainingHistory h = Trainer.builder(projections, adam).epochs(80).batchSize(n).seed(1).build()
          .fit(n, model.contrastive(infoNce, queries, keys), allocator);
      double after = model.infoNce(infoNce, queries, keys, allocator);
      double top1After = model.top1(queries, keys, allocator);
      System.out.printf("InfoNCE retrieval: loss %.4g → %.4g, top-1 %.2f → %.2f (%d steps)%n", before, after, top1Before,
          top1After, h.steps());
      assertTrue(before / after >= 3, "InfoNCE falls at least 3x: " + before + " → " + after);
      assertTrue(top1After >= 0.9, "top-1 retrieval ≥ 0.9 after training, got " + top1After);
    }
  }

  @Test void trainingTheAdditiveScorerTwiceGivesBitwiseEqualParameters(BufferAllocator allocator) {
    int nq = 24, nk = 6;
    float[] q = Fixtures.gaussian(nq * D, 1, 10), k = Fixtures.gaussian(nk * D, 1, 11);
    try (FixedSizeListVector queries = DenseMatrices.of(allocator, "queries", nq, D, q);
         FixedSizeListVector keys = DenseMatrices.of(allocator, "keys", nk, D, k);
         FixedSizeListVector targets = DenseMatrices.of(allocator, "targets", nq, nk, cosine(q, k, nq, nk));
         Scorer a = trainAdditive(queries, keys, targets, 5, allocator);
         Scorer b = trainAdditive(queries, keys, targets, 5, allocator);
         Scorer c = trainAdditive(queries, keys, targets, 6, allocator)) {
      assertTrue(Parameters.bitwiseEqual(a.parameters(), b.parameters()), "same seed: identical parameters, bit for bit");
      assertFalse(Parameters.bitwiseEqual(a.parameters(), c.parameters()), "another shuffle seed: other parameters");
    }
  }

  private static Scorer trainAdditive(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector targets,
      long shuffleSeed, BufferAllocator allocator) {
    Scorer s = Fixtures.scorer("additive", Map.of("h", "8"), 7, allocator, D, D);
    try (Adam adam = Adam.builder().learningRate(0.02).weightDecay(1e-3).build(allocator)) {
      Trainer.builder(s.parameters(), adam).epochs(4).batchSize(5).seed(shuffleSeed).accumulationSteps(2)
          .clipping(Clipping.byGlobalNorm(1)).build().fit(DenseMatrices.rows(queries), fitScores(s, queries, keys, targets),
              allocator);
      return s;
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  /**
   * {@code s(q, k) = (W_qᵀ q)ᵀ (W_kᵀ k)}: the {@code dot} scorer on learned projections Q·W_q and
   * K·W_k, a bilinear form q ᵀ W_q W_kᵀ k. The gradient goes through dot's backward (dQ', dK'), then
   * dW_q = Qᵀ dQ' and dW_k = Kᵀ dK'.
   */
  private record ProjectedDot(Scorer dot, ParameterSet p) {
    FixedSizeListVector project(FixedSizeListVector x, String w, BufferAllocator allocator) {
      return Fixtures.matmul(allocator, w, x, p.get(w), false, false);
    }

    double mse(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector targets, BufferAllocator allocator) {
      try (FixedSizeListVector pq = project(queries, "W_q", allocator); FixedSizeListVector pk = project(keys, "W_k", allocator)) {
        return ScorerFitTest.mse(dot, pq, pk, targets, allocator);
      }
    }

    double infoNce(InfoNce loss, FixedSizeListVector queries, FixedSizeListVector keys, BufferAllocator allocator) {
      try (FixedSizeListVector pq = project(queries, "W_q", allocator); FixedSizeListVector pk = project(keys, "W_k", allocator);
           FixedSizeListVector s = dot.score(pq, pk, allocator)) {
        return loss.value(s);
      }
    }

    /** The fraction of queries whose best-scoring key is their own. */
    double top1(FixedSizeListVector queries, FixedSizeListVector keys, BufferAllocator allocator) {
      try (FixedSizeListVector pq = project(queries, "W_q", allocator); FixedSizeListVector pk = project(keys, "W_k", allocator);
           FixedSizeListVector s = dot.score(pq, pk, allocator)) {
        float[][] rows = DenseMatrices.toRows(s);
        int hits = 0;
        for (int i = 0; i < rows.length; i++) {
          int best = 0;
          for (int j = 1; j < rows[i].length; j++) if (rows[i][j] > rows[i][best]) best = j;
          if (best == i) hits++;
        }
        return (double) hits / rows.length;
      }
    }

    /** Backpropagates dL/dS through dot and the projections into {@code gradients}. */
    void backward(FixedSizeListVector q, FixedSizeListVector pq, FixedSizeListVector k, FixedSizeListVector pk,
        FixedSizeListVector dScores, ParameterSet gradients, BufferAllocator allocator) {
      try (Scorer.Gradients g = dot.backward(pq, pk, dScores, allocator); ParameterSet step = new ParameterSet()) {
        step.put("W_q", Fixtures.matmul(allocator, "W_q", q, g.dQueries(), true, false));
        step.put("W_k", Fixtures.matmul(allocator, "W_k", k, g.dKeys(), true, false));
        Parameters.add(gradients, step);
      }
    }

    Objective objective(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector targets) {
      return (batch, gradients) -> {
        BufferAllocator a = batch.allocator();
        try (FixedSizeListVector q = batch.rows(queries); FixedSizeListVector t = batch.rows(targets);
             FixedSizeListVector pq = project(q, "W_q", a); FixedSizeListVector pk = project(keys, "W_k", a);
             FixedSizeListVector s = dot.score(pq, pk, a);
             LossResult loss = MeanSquaredError.create().compute(s, t, a)) {
          backward(q, pq, keys, pk, loss.gradient(), gradients, a);
          return loss.value();
        }
      };
    }

    Objective contrastive(InfoNce infoNce, FixedSizeListVector queries, FixedSizeListVector keys) {
      return (batch, gradients) -> {
        BufferAllocator a = batch.allocator();
        try (FixedSizeListVector q = batch.rows(queries); FixedSizeListVector k = batch.rows(keys);
             FixedSizeListVector pq = project(q, "W_q", a); FixedSizeListVector pk = project(k, "W_k", a);
             FixedSizeListVector s = dot.score(pq, pk, a);
             LossResult loss = infoNce.compute(s, a)) {
          backward(q, pq, k, pk, loss.gradient(), gradients, a);
          return loss.value();
        }
      };
    }
  }
}
