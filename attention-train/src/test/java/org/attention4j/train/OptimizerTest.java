package org.attention4j.train;

import static org.attention4j.train.Fixtures.F;
import static org.attention4j.train.Fixtures.set;
import static org.attention4j.train.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/**
 * The optimisers on a convex quadratic with a known optimum,
 * {@code f(θ) = ½·Σ a_i (θ_i − c_i)²} over two tensors (w [2, 3], b [4]) with curvatures a_i in
 * [0.5, 4] (condition number 8) and optimum c ~ N(0, 1), starting from θ = 0; and single steps
 * against the update formulas written out in float64.
 */
@WithRootAllocator
class OptimizerTest {
  /** Curvatures and optimum of the quadratic, flat over w then b. */
  private static final double[] A = new double[10];
  private static final double[] C = new double[10];

  static {
    Random r = new Random(11);
    for (int i = 0; i < 10; i++) {
      A[i] = 0.5 + 3.5 * i / 9.0;
      C[i] = r.nextGaussian();
    }
  }

  private static ParameterSet start(BufferAllocator allocator) {
    return set(allocator, "w", new int[] {2, 3}, new float[6], "b", new int[] {4}, new float[4]);
  }

  /** Runs {@code steps} steps on the quadratic; returns max_i |θ_i − c_i|. */
  private static double minimise(Optimizer opt, int steps, BufferAllocator allocator) {
    try (ParameterSet p = start(allocator); ParameterSet g = Parameters.zerosLike(p, allocator)) {
      for (int t = 0; t < steps; t++) {
        int k = 0;
        for (Map.Entry<String, FixedSizeListVector> e : p.asMap().entrySet()) {
          MemorySegment ps = DenseMatrices.segment(e.getValue()), gs = DenseMatrices.segment(g.get(e.getKey()));
          for (int i = 0; i < DenseMatrices.rows(e.getValue()) * DenseMatrices.cols(e.getValue()); i++, k++) {
            gs.setAtIndex(F, i, (float) (A[k] * (ps.getAtIndex(F, i) - C[k])));
          }
        }
        opt.step(p, g);
      }
      double worst = 0;
      int k = 0;
      for (FixedSizeListVector v : p.asMap().values()) {
        for (float x : DenseMatrices.toArray(v)) worst = Math.max(worst, Math.abs(x - C[k++]));
      }
      System.out.printf("%s: max |θ − c| = %.3g after %d steps%n", opt, worst, steps);
      return worst;
    }
  }

  @Test void sgdReachesTheOptimum(BufferAllocator allocator) {
    try (Sgd sgd = Sgd.builder().learningRate(0.2).build(allocator)) {
      assertTrue(minimise(sgd, 300, allocator) <= 1e-5, "|θ − c| ≤ 1e-5 after 300 steps");
      assertEquals(300, sgd.steps());
    }
  }

  @Test void sgdWithMomentumReachesTheOptimum(BufferAllocator allocator) {
    try (Sgd sgd = Sgd.builder().learningRate(0.1).momentum(0.9).build(allocator)) {
      double err = minimise(sgd, 400, allocator);
      assertTrue(err <= 1e-5, "|θ − c| ≤ 1e-5 after 400 steps, got " + err);
    }
  }

  @Test void sgdWithNesterovMomentumReachesTheOptimum(BufferAllocator allocator) {
    try (Sgd sgd = Sgd.builder().learningRate(0.1).momentum(0.9).nesterov(true).build(allocator)) {
      double err = minimise(sgd, 400, allocator);
      assertTrue(err <= 1e-5, "|θ − c| ≤ 1e-5 after 400 steps, got " + err);
    }
  }

  @Test void adamReachesTheOptimum(BufferAllocator allocator) {
    try (Adam adam = Adam.builder().schedule(LearningRateSchedule.cosine(0.1, 1000, 0)).build(allocator)) {
      double err = minimise(adam, 1000, allocator);
      assertTrue(err <= 1e-4, "|θ − c| ≤ 1e-4 after 1000 steps (cosine 0.1 → 0), got " + err);
    }
  }

  @Test void adamWithWarmupAndConstantRateReachesTheOptimum(BufferAllocator allocator) {
    try (Adam adam = Adam.builder().schedule(LearningRateSchedule.constant(0.01).withWarmup(50)).build(allocator)) {
      double err = minimise(adam, 1500, allocator);
      assertTrue(err <= 1e-3, "|θ − c| ≤ 1e-3 after 1500 steps at 0.01, got " + err);
    }
  }

  @Test void sgdStepsFollowTheFormula(BufferAllocator allocator) {
    double lr = 0.1, mu = 0.9, wd = 0.01;
    float[] theta = {1f, -2f, 0.5f};
    float[][] grads = {{0.5f, 0.25f, -1f}, {-0.3f, 0.1f, 2f}};
    for (boolean nesterov : new boolean[] {false, true}) {
      double[] th = {1, -2, 0.5}, b = new double[3];
      try (ParameterSet p = set(allocator, "w", new int[] {3}, theta.clone());
           Sgd sgd = Sgd.builder().learningRate(lr).momentum(mu).nesterov(nesterov).weightDecay(wd).build(allocator)) {
        for (float[] gr : grads) {
          try (ParameterSet g = set(allocator, "w", new int[] {3}, gr)) {
            sgd.step(p, g);
          }
          for (int i = 0; i < 3; i++) {                       // torch.optim.SGD, dampening 0
            double gi = gr[i] + wd * th[i];
            b[i] = mu * b[i] + gi;
            th[i] -= lr * (nesterov ? gi + mu * b[i] : b[i]);
          }
        }
        float[] got = values(p, "w");
        for (int i = 0; i < 3; i++) assertEquals(th[i], got[i], 1e-6, "nesterov=" + nesterov + ", entry " + i);
      }
    }
  }

  @Test void adamStepsFollowTheFormula(BufferAllocator allocator) {
    double lr = 0.01, b1 = 0.8, b2 = 0.99, eps = 1e-6, wd = 0.1;
    float[][] grads = {{0.5f, -0.25f}, {-0.3f, 4f}, {0f, 1f}};
    double[] th = {1, -2}, m = new double[2], v = new double[2];
    try (ParameterSet p = set(allocator, "w", new int[] {2}, new float[] {1, -2});
         Adam adam = Adam.builder().learningRate(lr).betas(b1, b2).epsilon(eps).weightDecay(wd).build(allocator)) {
      int t = 0;
      for (float[] gr : grads) {
        try (ParameterSet g = set(allocator, "w", new int[] {2}, gr)) {
          adam.step(p, g);
        }
        t++;
        for (int i = 0; i < 2; i++) {                         // torch.optim.AdamW
          th[i] *= 1 - lr * wd;
          m[i] = b1 * m[i] + (1 - b1) * gr[i];
          v[i] = b2 * v[i] + (1 - b2) * gr[i] * gr[i];
          th[i] -= lr * (m[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(v[i] / (1 - Math.pow(b2, t))) + eps);
        }
      }
      float[] got = values(p, "w");
      for (int i = 0; i < 2; i++) assertEquals(th[i], got[i], 1e-6, "entry " + i);
    }
  }

  @Test void adamsFirstStepHasTheLearningRateAsMagnitude(BufferAllocator allocator) {
    try (ParameterSet p = set(allocator, "w", new int[] {3}, new float[] {1, 1, 1});
         ParameterSet g = set(allocator, "w", new int[] {3}, new float[] {100, -0.001f, 3});
         Adam adam = Adam.builder().learningRate(0.01).build(allocator)) {
      adam.step(p, g);
      assertArrayEquals(new float[] {0.99f, 1.01f, 0.99f}, values(p, "w"), 1e-5f);
    }
  }

  @Test void adamWDecayIsDecoupledFromTheGradient(BufferAllocator allocator) {
    try (ParameterSet p = set(allocator, "w", new int[] {2}, new float[] {2, -4});
         ParameterSet zero = set(allocator, "w", new int[] {2}, new float[2]);
         Adam adamW = Adam.builder().learningRate(0.1).weightDecay(0.5).build(allocator)) {
      adamW.step(p, zero);                                    // no gradient: only θ ← θ·(1 − η·λ)
      assertArrayEquals(new float[] {1.9f, -3.8f}, values(p, "w"), 1e-6f);
    }
  }

  @Test void theScheduleSetsEachStepsRate(BufferAllocator allocator) {
    try (ParameterSet p = set(allocator, "w", new int[] {1}, new float[] {0});
         ParameterSet g = set(allocator, "w", new int[] {1}, new float[] {1});
         Sgd sgd = Sgd.builder().schedule(LearningRateSchedule.step(1, 2, 0.5)).build(allocator)) {
      assertEquals(1, sgd.learningRate());
      for (int i = 0; i < 4; i++) sgd.step(p, g);
      assertArrayEquals(new float[] {-(1 + 1 + 0.5f + 0.5f)}, values(p, "w"));
      assertEquals(0.25, sgd.learningRate());
    }
  }

  @Test void mismatchedGradientsAreRefusedBeforeAnythingChanges(BufferAllocator allocator) {
    try (ParameterSet p = set(allocator, "W_q", new int[] {2, 2}, new float[] {1, 2, 3, 4}, "v", new int[] {2}, new float[2]);
         ParameterSet wrongShape = set(allocator, "W_q", new int[] {4}, new float[4], "v", new int[] {2}, new float[2]);
         ParameterSet missing = set(allocator, "W_q", new int[] {2, 2}, new float[4]);
         ParameterSet nan = set(allocator, "W_q", new int[] {2, 2}, new float[] {1, 1, 1, 1}, "v", new int[] {2},
             new float[] {0, Float.NaN});
         Adam adam = Adam.builder().build(allocator);
         Sgd sgd = Sgd.builder().momentum(0.5).build(allocator)) {
      for (Optimizer opt : new Optimizer[] {adam, sgd}) {
        assertEquals("gradients 'W_q': expected shape [2, 2] (as in parameters), got [4]",
            assertThrows(IllegalArgumentException.class, () -> opt.step(p, wrongShape)).getMessage());
        assertEquals("gradients: expected a tensor 'v' (as in parameters [W_q, v]), got only [W_q]",
            assertThrows(IllegalArgumentException.class, () -> opt.step(p, missing)).getMessage());
        assertEquals("gradients 'v': expected finite values, got NaN at (row 1, col 0)",
            assertThrows(IllegalArgumentException.class, () -> opt.step(p, nan)).getMessage());
        assertArrayEquals(new float[] {1, 2, 3, 4}, values(p, "W_q"), "unchanged");
        assertEquals(0, opt.steps());
      }
    }
  }

  @Test void parametersMustKeepTheirLayoutAcrossSteps(BufferAllocator allocator) {
    try (ParameterSet p = set(allocator, "w", new int[] {2}, new float[2]);
         ParameterSet g = set(allocator, "w", new int[] {2}, new float[2]);
         ParameterSet other = set(allocator, "u", new int[] {2}, new float[2]);
         Adam adam = Adam.builder().build(allocator)) {
      adam.step(p, g);
      assertEquals("parameters: expected a tensor 'w' (as in the first step's parameters [w]), got only [u]",
          assertThrows(IllegalArgumentException.class, () -> adam.step(other, other)).getMessage());
    }
  }

  @Test void closedOptimizersRefuseToStep(BufferAllocator allocator) {
    try (ParameterSet p = set(allocator, "w", new int[] {2}, new float[2])) {
      Adam adam = Adam.builder().build(allocator);
      adam.step(p, p);
      adam.close();
      assertEquals("adam: expected an open optimizer, got a closed one",
          assertThrows(IllegalStateException.class, () -> adam.step(p, p)).getMessage());
    }
  }

  @Test void badSettingsAreNamed(BufferAllocator allocator) {
    assertEquals("nesterov: expected momentum > 0 with Nesterov momentum, got momentum 0",
        assertThrows(IllegalArgumentException.class, () -> Sgd.builder().nesterov(true).build(allocator)).getMessage());
    assertEquals("momentum: expected a number in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> Sgd.builder().momentum(1)).getMessage());
    assertEquals("beta2: expected a number in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> Adam.builder().betas(0.9, 1)).getMessage());
    assertEquals("weightDecay: expected a finite number >= 0, got -0.1",
        assertThrows(IllegalArgumentException.class, () -> Adam.builder().weightDecay(-0.1)).getMessage());
    assertEquals("epsilon: expected a finite number > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> Adam.builder().epsilon(0)).getMessage());
  }
}
