package org.attention4j.train;

import static org.attention4j.train.Fixtures.F;
import static org.attention4j.train.Fixtures.spec;
import static org.attention4j.train.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loop on a linear regression {@code y = X·w* + b*} (X [40, 3], noise-free), so the model is
 * trivial and only the loop is under test: shuffles, batching, accumulation, early stopping,
 * callbacks, cancellation, non-finite stops and determinism.
 */
@WithRootAllocator
class TrainerTest {
  private static final int N = 40;
  private static final int D = 3;
  private FixedSizeListVector x;
  private FixedSizeListVector y;

  @BeforeEach void data(BufferAllocator allocator) {
    float[] xs = Fixtures.gaussian(N * D, 1, 21);
    float[] w = {1.5f, -2f, 0.5f};
    float[] ys = new float[N];
    for (int i = 0; i < N; i++) ys[i] = 0.3f + xs[i * D] * w[0] + xs[i * D + 1] * w[1] + xs[i * D + 2] * w[2];
    x = DenseMatrices.of(allocator, "x", N, D, xs);
    y = DenseMatrices.of(allocator, "y", N, 1, ys);
  }

  @AfterEach void close() {
    x.close();
    y.close();
  }

  private static ParameterSet parameters(BufferAllocator allocator) {
    ParameterSet p = Parameters.create(allocator, List.of(spec("w", D, 1), spec("b", 1)), Initializer.glorotUniform(), 5);
    Parameters.initialize(p, "b", Initializer.zeros(), 5);
    return p;
  }

  /** MSE of X_b·w + b against y_b, with its gradient; also usable as a full-data metric. */
  private Objective linear(ParameterSet p) {
    return (batch, gradients) -> {
      try (FixedSizeListVector xb = batch.rows(x); FixedSizeListVector yb = batch.rows(y);
           FixedSizeListVector pred = predict(p, xb, batch.allocator());
           LossResult loss = MeanSquaredError.create().compute(pred, yb, batch.allocator());
           FixedSizeListVector dw = Fixtures.matmul(batch.allocator(), "w", xb, loss.gradient(), true, false)) {
        MemorySegment.copy(DenseMatrices.segment(dw), 0, DenseMatrices.segment(gradients.get("w")), 0, D * 4L);
        double db = 0;
        for (float g : DenseMatrices.toArray(loss.gradient())) db += g;
        DenseMatrices.segment(gradients.get("b")).setAtIndex(F, 0, (float) db);
        return loss.value();
      }
    };
  }

  private static FixedSizeListVector predict(ParameterSet p, FixedSizeListVector xb, BufferAllocator allocator) {
    FixedSizeListVector out = Fixtures.matmul(allocator, "pred", xb, p.get("w"), false, false);
    MemorySegment s = DenseMatrices.segment(out);
    float b = DenseMatrices.get(p.get("b"), 0, 0);
    for (int i = 0; i < DenseMatrices.rows(out); i++) s.setAtIndex(F, i, s.getAtIndex(F, i) + b);
    return out;
  }

  private double fullLoss(ParameterSet p, BufferAllocator allocator) {
    try (FixedSizeListVector pred = predict(p, x, allocator)) {
      return MeanSquaredError.create().value(pred, y);
    }
  }

  @Test void fitsTheRegression(BufferAllocator allocator) {
    try (ParameterSet p = parameters(allocator); Sgd sgd = Sgd.builder().learningRate(0.1).momentum(0.9).build(allocator)) {
      double before = fullLoss(p, allocator);
      TrainingHistory h = Trainer.builder(p, sgd).epochs(60).batchSize(8).seed(1).build().fit(N, linear(p), allocator);
      assertEquals(StopReason.COMPLETED, h.stopReason());
      assertEquals(60, h.epochs());
      assertEquals(60 * 5, h.steps());
      assertTrue(h.validation().isEmpty());
      assertEquals(-1, h.bestEpoch());
      assertFalse(h.restoredBest());
      double after = fullLoss(p, allocator);
      assertTrue(after < 1e-8 * before, "noise-free regression: loss " + before + " → " + after);
      assertTrue(h.finalLoss() < 1e-8 * h.loss().get(0));
    }
  }

  @Test void shufflesEachEpochByTheSeed(BufferAllocator allocator) {
    List<int[]> a = orders(7, true, false, 16, allocator), b = orders(7, true, false, 16, allocator),
        c = orders(8, true, false, 16, allocator);
    assertEquals(3 * 3, a.size(), "40 examples in batches of 16: 16, 16, 8; 3 epochs");
    for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), "the same seed, the same batches");
    int[] epoch0 = concat(a.subList(0, 3)), epoch1 = concat(a.subList(3, 6));
    assertArrayEquals(range(N), sorted(epoch0), "every example once per epoch");
    assertArrayEquals(range(N), sorted(epoch1));
    assertFalse(Arrays.equals(epoch0, epoch1), "each epoch is shuffled anew");
    assertFalse(Arrays.equals(epoch0, concat(c.subList(0, 3))), "another seed, another order");
    assertFalse(Arrays.equals(epoch0, range(N)));
    assertEquals(8, a.get(2).length, "the last batch is shorter");
    List<int[]> plain = orders(7, false, false, 16, allocator);
    assertArrayEquals(range(N), concat(plain.subList(0, 3)), "no shuffle: 0…n−1");
    List<int[]> dropped = orders(7, false, true, 16, allocator);
    assertEquals(2 * 3, dropped.size(), "dropLast: two batches of 16 per epoch");
  }

  private List<int[]> orders(long seed, boolean shuffle, boolean dropLast, int batchSize, BufferAllocator allocator) {
    List<int[]> seen = new ArrayList<>();
    try (ParameterSet p = parameters(allocator); Sgd sgd = Sgd.builder().learningRate(0).build(allocator)) {
      Trainer.builder(p, sgd).epochs(3).batchSize(batchSize).seed(seed).shuffle(shuffle).dropLast(dropLast).build()
          .fit(N, (batch, g) -> {
            seen.add(batch.indices());
            return 1;
          }, allocator);
    }
    return seen;
  }

  @Test void accumulatingTwoBatchesEqualsOneBatchOfTwiceTheSize(BufferAllocator allocator) {
    int n = 10;                                              // batches 4, 4, 2 → steps (4 + 4), (2); or 8, 2
    try (ParameterSet p1 = parameters(allocator); ParameterSet p2 = parameters(allocator);
         Sgd s1 = Sgd.builder().learningRate(0.05).build(allocator); Sgd s2 = Sgd.builder().learningRate(0.05).build(allocator)) {
      TrainingHistory h1 = Trainer.builder(p1, s1).epochs(5).batchSize(4).accumulationSteps(2).shuffle(false).build()
          .fit(n, linear(p1), allocator);
      TrainingHistory h2 = Trainer.builder(p2, s2).epochs(5).batchSize(8).shuffle(false).build().fit(n, linear(p2), allocator);
      assertEquals(10, h1.steps());
      assertEquals(10, h2.steps());
      assertArrayEquals(values(p2, "w"), values(p1, "w"), 1e-6f, "equal up to float32 rounding of the weighted sum");
      assertArrayEquals(values(p2, "b"), values(p1, "b"), 1e-6f);
      for (int e = 0; e < 5; e++) assertEquals(h2.loss().get(e), h1.loss().get(e), 1e-6);
    }
  }

  @Test void earlyStoppingRestoresTheBestEpochsParameters(BufferAllocator allocator) {
    double[] metric = {5, 3, 2, 2.5, 2.1, 2.2, 1, 1, 1};     // best at epoch 2, then 3 epochs without improvement
    AtomicInteger calls = new AtomicInteger();
    List<float[]> snapshots = new ArrayList<>();
    try (ParameterSet p = parameters(allocator); Adam adam = Adam.builder().learningRate(0.05).build(allocator)) {
      TrainingHistory h = Trainer.builder(p, adam).epochs(9).batchSize(8).seed(3)
          .validation(() -> metric[calls.getAndIncrement()], MetricGoal.MINIMIZE)
          .earlyStopping(3, 0)
          .listener(new TrainingListener() {
            @Override public void onEpoch(EpochEvent event) { snapshots.add(values(p, "w")); }
          })
          .build().fit(N, linear(p), allocator);
      assertEquals(StopReason.EARLY_STOPPED, h.stopReason());
      assertEquals(6, h.epochs());
      assertEquals(List.of(5.0, 3.0, 2.0, 2.5, 2.1, 2.2), h.validation());
      assertEquals(2, h.bestEpoch());
      assertEquals(2.0, h.bestMetric());
      assertTrue(h.restoredBest());
      assertEquals("no improvement > 0 in validation for 3 epochs after epoch 2", h.detail());
      assertArrayEquals(snapshots.get(2), values(p, "w"), "the parameters are those after epoch 2, bit for bit");
      assertFalse(Arrays.equals(snapshots.get(5), values(p, "w")));
    }
  }

  @Test void minDeltaAndMaximize(BufferAllocator allocator) {
    double[] accuracy = {0.5, 0.55, 0.58, 0.59, 0.9};        // +0.05, +0.08, +0.09 over epoch 0: none beats 0.1
    AtomicInteger calls = new AtomicInteger();
    try (ParameterSet p = parameters(allocator); Sgd sgd = Sgd.builder().learningRate(0.01).build(allocator)) {
      TrainingHistory h = Trainer.builder(p, sgd).epochs(5).batchSize(40)
          .validation(() -> accuracy[calls.getAndIncrement()], MetricGoal.MAXIMIZE).earlyStopping(3, 0.1)
          .build().fit(N, linear(p), allocator);
      assertEquals(StopReason.EARLY_STOPPED, h.stopReason());
      assertEquals(0, h.bestEpoch());
      assertEquals(4, h.epochs());
    }
  }

  @Test void withoutAValidationMetricEarlyStoppingWatchesTheTrainingLoss(BufferAllocator allocator) {
    try (ParameterSet p = parameters(allocator); Sgd sgd = Sgd.builder().learningRate(0).build(allocator)) {
      TrainingHistory h = Trainer.builder(p, sgd).epochs(10).batchSize(8).earlyStopping(2, 1e-12).build()
          .fit(N, linear(p), allocator);   // learning rate 0: the loss changes only by rounding (batch order), < 1e-12
      assertEquals(StopReason.EARLY_STOPPED, h.stopReason());
      assertEquals(3, h.epochs());
      assertEquals(0, h.bestEpoch());
      assertEquals(h.loss().get(0), h.bestMetric());
      assertTrue(h.validation().isEmpty());
    }
  }

  @Test void progressIsReportedPerStepAndEpoch(BufferAllocator allocator) {
    List<TrainingListener.StepEvent> steps = new ArrayList<>();
    List<TrainingListener.EpochEvent> epochs = new ArrayList<>();
    try (ParameterSet p = parameters(allocator);
         Sgd sgd = Sgd.builder().schedule(LearningRateSchedule.cosine(0.1, 12, 0.01).withWarmup(3)).build(allocator)) {
      TrainingHistory h = Trainer.builder(p, sgd).epochs(3).batchSize(8).accumulationSteps(2)
          .listener(new TrainingListener() {
            @Override public void onStep(StepEvent e) { steps.add(e); }
            @Override public void onEpoch(EpochEvent e) { epochs.add(e); }
          })
          .build().fit(N, linear(p), allocator);
      assertEquals(9, steps.size(), "5 batches per epoch, 2 per step: 3 steps per epoch");
      for (int i = 0; i < steps.size(); i++) {
        TrainingListener.StepEvent e = steps.get(i);
        assertEquals(i, e.globalStep());
        assertEquals(i / 3, e.epoch());
        assertEquals(i % 3, e.step());
        assertEquals(3, e.stepsPerEpoch());
        assertEquals(3, e.epochs());
        assertEquals(sgd.schedule().at(i), e.learningRate());
        assertTrue(e.loss() > 0 && e.gradientNorm() > 0);
      }
      assertEquals(3, epochs.size());
      for (int i = 0; i < 3; i++) {
        assertEquals(i, epochs.get(i).epoch());
        assertEquals(h.loss().get(i), epochs.get(i).loss());
        assertTrue(epochs.get(i).validation().isEmpty());
      }
    }
  }

  @Test void cancellationThrowsAndKeepsTheLastCompletedStep(BufferAllocator allocator) {
    AtomicInteger polls = new AtomicInteger();
    try (ParameterSet p = parameters(allocator); Sgd sgd = Sgd.builder().learningRate(0.1).build(allocator)) {
      Trainer t = Trainer.builder(p, sgd).epochs(10).batchSize(8).cancellation(() -> polls.incrementAndGet() > 7).build();
      CancellationException e = assertThrows(CancellationException.class, () -> t.fit(N, linear(p), allocator));
      assertEquals("training: cancelled at epoch 1, batch 2 (after 7 optimizer steps)", e.getMessage());
      assertEquals(7, sgd.steps());
    }                                                        // the extension fails the test if the trainer leaked
  }

  @Test void aNonFiniteLossStopsBeforeItsStepAndRestoresTheBest(BufferAllocator allocator) {
    AtomicInteger batches = new AtomicInteger();
    List<float[]> snapshots = new ArrayList<>();
    try (ParameterSet p = parameters(allocator); Sgd sgd = Sgd.builder().learningRate(0.05).build(allocator)) {
      Objective model = linear(p);
      TrainingHistory h = Trainer.builder(p, sgd).epochs(5).batchSize(8).validation(() -> fullLoss(p, allocator),
              MetricGoal.MINIMIZE)
          .listener(new TrainingListener() {
            @Override public void onEpoch(EpochEvent event) { snapshots.add(values(p, "w")); }
          })
          .build().fit(N, (batch, g) -> batches.incrementAndGet() == 13 ? Double.NaN : model.compute(batch, g), allocator);
      assertEquals(StopReason.NON_FINITE, h.stopReason());
      assertEquals("loss NaN at epoch 2, batch 2; that step was not applied", h.detail());
      assertEquals(12, h.steps());
      assertEquals(2, h.epochs());
      assertEquals(1, h.bestEpoch());
      assertTrue(h.restoredBest());
      assertArrayEquals(snapshots.get(1), values(p, "w"));
    }
  }

  @Test void aNonFiniteGradientStops(BufferAllocator allocator) {
    try (ParameterSet p = parameters(allocator); Sgd sgd = Sgd.builder().learningRate(0.05).build(allocator)) {
      TrainingHistory h = Trainer.builder(p, sgd).epochs(2).batchSize(8).clipping(Clipping.byGlobalNorm(1)).build()
          .fit(N, (batch, g) -> {
            DenseMatrices.set(g.get("b"), 0, 0, Float.POSITIVE_INFINITY);
            return 1;
          }, allocator);
      assertEquals(StopReason.NON_FINITE, h.stopReason());
      assertEquals("gradient norm Infinity at epoch 0, step 0; that step was not applied", h.detail());
      assertEquals(0, h.steps());
      assertEquals(0, h.epochs());
      assertTrue(Double.isNaN(h.finalLoss()));
    }
  }

  @Test void clippingBoundsEachUpdate(BufferAllocator allocator) {
    List<Double> norms = new ArrayList<>();
    try (ParameterSet p = parameters(allocator); Sgd sgd = Sgd.builder().learningRate(1).build(allocator)) {
      float[] before = values(p, "w");
      Trainer.builder(p, sgd).epochs(1).batchSize(40).clipping(Clipping.byGlobalNorm(1e-3))
          .listener(new TrainingListener() {
            @Override public void onStep(StepEvent e) { norms.add(e.gradientNorm()); }
          })
          .build().fit(N, linear(p), allocator);
      float[] after = values(p, "w");
      double moved = 0;
      for (int i = 0; i < D; i++) moved += (after[i] - before[i]) * (after[i] - before[i]);
      assertTrue(norms.get(0) > 1, "the raw gradient is large: " + norms.get(0));
      assertTrue(Math.sqrt(moved) <= 1e-3 * (1 + 1e-6), "one step of lr 1 moves at most the clip norm");
    }
  }

  @Test void twoRunsWithTheSameSeedGiveBitwiseEqualParameters(BufferAllocator allocator) {
    try (ParameterSet a = run(11, allocator); ParameterSet b = run(11, allocator); ParameterSet c = run(12, allocator)) {
      assertTrue(Parameters.bitwiseEqual(a, b));
      assertFalse(Parameters.bitwiseEqual(a, c), "another shuffle seed, other parameters");
    }
  }

  private ParameterSet run(long seed, BufferAllocator allocator) {
    ParameterSet p = parameters(allocator);
    try (Adam adam = Adam.builder().learningRate(0.02).weightDecay(0.01).build(allocator)) {
      Trainer.builder(p, adam).epochs(4).batchSize(6).seed(seed).accumulationSteps(2).clipping(Clipping.byValue(0.5)).build()
          .fit(N, linear(p), allocator);
      return p;
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  @Test void badSettingsAreNamed(BufferAllocator allocator) {
    try (ParameterSet p = parameters(allocator); Sgd sgd = Sgd.builder().build(allocator)) {
      assertEquals("epochs: expected an integer >= 1, got 0",
          assertThrows(IllegalArgumentException.class, () -> Trainer.builder(p, sgd).epochs(0)).getMessage());
      assertEquals("patience: expected an integer >= 1, got 0",
          assertThrows(IllegalArgumentException.class, () -> Trainer.builder(p, sgd).earlyStopping(0, 0)).getMessage());
      assertEquals("examples: expected at least batchSize = 32 examples (the only batch is dropped otherwise), got 10",
          assertThrows(IllegalArgumentException.class,
              () -> Trainer.builder(p, sgd).dropLast(true).build().fit(10, linear(p), allocator)).getMessage());
      assertEquals("source: expected at least 41 rows (example 40), got 40",
          assertThrows(IllegalArgumentException.class,
              () -> Trainer.builder(p, sgd).shuffle(false).batchSize(41).build().fit(41, linear(p), allocator)).getMessage());
      assertNotEquals("", Trainer.builder(p, sgd).build().toString());
    }
  }

  @Test void aBatchGathersItsRowsAndLabels(BufferAllocator allocator) {
    Batch b = Batch.of(0, 0, new int[] {3, 0, 3}, allocator);
    try (FixedSizeListVector rows = b.rows(x)) {
      float[][] all = DenseMatrices.toRows(x), got = DenseMatrices.toRows(rows);
      assertArrayEquals(all[3], got[0]);
      assertArrayEquals(all[0], got[1]);
      assertArrayEquals(all[3], got[2]);
    }
    assertArrayEquals(new int[] {13, 10, 13}, b.select(new int[] {10, 11, 12, 13}));
    assertEquals(3, b.size());
    assertEquals(3, b.example(0));
    assertEquals("indices[1]: expected an index >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> Batch.of(0, 0, new int[] {0, -1}, allocator)).getMessage());
    assertEquals("values: expected at least 4 entries (example 3), got 2",
        assertThrows(IllegalArgumentException.class, () -> b.select(new int[] {1, 2})).getMessage());
  }

  private static int[] concat(List<int[]> parts) {
    return parts.stream().flatMapToInt(Arrays::stream).toArray();
  }

  private static int[] sorted(int[] a) {
    int[] s = a.clone();
    Arrays.sort(s);
    return s;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
  }
}
