package org.attention4j.train;

import static org.attention4j.train.Fixtures.set;
import static org.attention4j.train.Fixtures.spec;
import static org.attention4j.train.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithRootAllocator
class ParametersTest {
  @Test void createInitialisesEveryTensorFromTheSeedAndItsName(BufferAllocator allocator) {
    try (ParameterSet a = Parameters.create(allocator, List.of(spec("W", 3, 4), spec("v", 3)), Initializer.glorotUniform(), 7);
         ParameterSet b = Parameters.create(allocator, List.of(spec("v", 3), spec("W", 3, 4)), Initializer.glorotUniform(), 7);
         ParameterSet c = Parameters.create(allocator, List.of(spec("W", 3, 4), spec("v", 3)), Initializer.glorotUniform(), 8)) {
      assertArrayEquals(new int[] {3, 4}, DenseMatrices.shape(a.get("W")));
      assertArrayEquals(new int[] {3}, DenseMatrices.shape(a.get("v")));
      assertArrayEquals(values(a, "W"), values(b, "W"), "order of specs does not matter");
      assertArrayEquals(values(a, "v"), values(b, "v"));
      assertFalse(java.util.Arrays.equals(values(a, "W"), values(c, "W")), "another seed, other values");
      assertFalse(java.util.Arrays.equals(values(a, "W"), java.util.Arrays.copyOf(values(a, "v"), 12)));
    }
  }

  @Test void initializeReplacesOneTensor(BufferAllocator allocator) {
    try (ParameterSet p = Parameters.create(allocator, List.of(spec("W", 2, 2), spec("b", 2)), Initializer.normal(1, 0.1), 1)) {
      Parameters.initialize(p, "b", Initializer.zeros(), 1);
      assertArrayEquals(new float[2], values(p, "b"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Parameters.initialize(p, "c", Initializer.zeros(), 1));
      assertEquals("parameters: expected a tensor 'c', got only [W, b]", e.getMessage());
    }
  }

  @Test void arithmetic(BufferAllocator allocator) {
    try (ParameterSet a = set(allocator, "w", new int[] {2, 2}, new float[] {1, 2, 3, 4}, "b", new int[] {1}, new float[] {-2});
         ParameterSet b = set(allocator, "w", new int[] {2, 2}, new float[] {1, 1, 1, 1}, "b", new int[] {1}, new float[] {4})) {
      assertEquals(Math.sqrt(1 + 4 + 9 + 16 + 4), Parameters.globalNorm(a), 0);
      assertEquals(5, Parameters.count(a));
      Parameters.add(a, b, 0.5);
      assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f, 4.5f}, values(a, "w"));
      assertArrayEquals(new float[] {0}, values(a, "b"));
      Parameters.add(a, b);
      assertArrayEquals(new float[] {4}, values(a, "b"));
      Parameters.scale(a, 2);
      assertArrayEquals(new float[] {5, 7, 9, 11}, values(a, "w"));
      try (ParameterSet copy = Parameters.copyOf(a, allocator)) {
        assertTrue(Parameters.bitwiseEqual(a, copy));
        Parameters.zero(a);
        assertArrayEquals(new float[4], values(a, "w"));
        assertFalse(Parameters.bitwiseEqual(a, copy));
        Parameters.copyInto(copy, a);
        assertTrue(Parameters.bitwiseEqual(a, copy));
      }
      try (ParameterSet z = Parameters.zerosLike(a, allocator)) {
        assertArrayEquals(new int[] {1}, DenseMatrices.shape(z.get("b")));
        assertEquals(0, Parameters.globalNorm(z));
      }
    }
  }

  @Test void layoutErrorsNameTheTensorAndBothShapes(BufferAllocator allocator) {
    try (ParameterSet p = set(allocator, "W_q", new int[] {2, 3}, new float[6], "v", new int[] {2}, new float[2]);
         ParameterSet wrongShape = set(allocator, "W_q", new int[] {3, 2}, new float[6], "v", new int[] {2}, new float[2]);
         ParameterSet missing = set(allocator, "W_q", new int[] {2, 3}, new float[6]);
         ParameterSet extra = set(allocator, "W_q", new int[] {2, 3}, new float[6], "v", new int[] {2}, new float[2],
             "b", new int[] {2}, new float[2])) {
      assertEquals("gradients 'W_q': expected shape [2, 3] (as in parameters), got [3, 2]",
          assertThrows(IllegalArgumentException.class, () -> Parameters.requireSameLayout(p, wrongShape, "gradients")).getMessage());
      assertEquals("gradients: expected a tensor 'v' (as in parameters [W_q, v]), got only [W_q]",
          assertThrows(IllegalArgumentException.class, () -> Parameters.requireSameLayout(p, missing, "gradients")).getMessage());
      assertEquals("gradients: expected only the tensors of parameters [W_q, v], got also 'b'",
          assertThrows(IllegalArgumentException.class, () -> Parameters.requireSameLayout(p, extra, "gradients")).getMessage());
      assertFalse(Parameters.bitwiseEqual(p, wrongShape));
      assertThrows(IllegalArgumentException.class, () -> Parameters.add(p, missing));
      assertEquals("alpha: expected a finite number, got NaN",
          assertThrows(IllegalArgumentException.class, () -> Parameters.add(p, p, Double.NaN)).getMessage());
    }
  }

  @Test void accumulatorSumsWeightedGradients(BufferAllocator allocator) {
    try (ParameterSet p = set(allocator, "w", new int[] {2}, new float[] {0, 0});
         ParameterSet g1 = set(allocator, "w", new int[] {2}, new float[] {1, 2});
         ParameterSet g2 = set(allocator, "w", new int[] {2}, new float[] {3, -2});
         ParameterSet bad = set(allocator, "w", new int[] {3}, new float[3])) {
      GradientAccumulator acc = new GradientAccumulator(p, allocator);
      acc.add(g1, 0.25).add(g2, 0.75);
      assertArrayEquals(new float[] {2.5f, -1f}, values(acc.gradients(), "w"));
      assertEquals(2, acc.count());
      assertEquals(1.0, acc.totalWeight());
      assertEquals("gradients 'w': expected shape [2] (as in the accumulator), got [3]",
          assertThrows(IllegalArgumentException.class, () -> acc.add(bad)).getMessage());
      acc.reset();
      assertArrayEquals(new float[2], values(acc.gradients(), "w"));
      assertEquals(0, acc.count());
      acc.add(g1);
      assertArrayEquals(new float[] {1, 2}, values(acc.gradients(), "w"));
      acc.close();
      assertEquals("gradient accumulator: expected an open accumulator, got a closed one",
          assertThrows(IllegalStateException.class, () -> acc.add(g1)).getMessage());
    }
  }

  @Test void clippingByGlobalNormKeepsTheDirection(BufferAllocator allocator) {
    try (ParameterSet g = set(allocator, "a", new int[] {2}, new float[] {3, 0}, "b", new int[] {1}, new float[] {4})) {
      assertEquals(5, Clipping.byGlobalNorm(10).apply(g));
      assertArrayEquals(new float[] {3, 0}, values(g, "a"), "below the limit: unchanged");
      assertEquals(5, Clipping.byGlobalNorm(1).apply(g));
      assertArrayEquals(new float[] {0.6f, 0}, values(g, "a"));
      assertArrayEquals(new float[] {0.8f}, values(g, "b"));
      assertEquals(1, Parameters.globalNorm(g), 1e-7);
    }
  }

  @Test void clippingByValueClampsEachEntry(BufferAllocator allocator) {
    try (ParameterSet g = set(allocator, "a", new int[] {4}, new float[] {3, -0.5f, -7, 0.25f})) {
      Clipping.byValue(1).apply(g);
      assertArrayEquals(new float[] {1, -0.5f, -1, 0.25f}, values(g, "a"));
      Clipping.none().apply(g);
      assertArrayEquals(new float[] {1, -0.5f, -1, 0.25f}, values(g, "a"));
    }
  }

  @Test void clippingLeavesNonFiniteGradientsAlone(BufferAllocator allocator) {
    try (ParameterSet g = set(allocator, "a", new int[] {2}, new float[] {Float.NaN, 100})) {
      assertTrue(Double.isNaN(Clipping.byGlobalNorm(1).apply(g)));
      assertEquals(100, values(g, "a")[1]);
      assertTrue(Double.isNaN(Clipping.byValue(1).apply(g)));
      assertEquals(100, values(g, "a")[1]);
    }
    assertEquals("maxNorm: expected a finite number > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> Clipping.byGlobalNorm(0)).getMessage());
    assertEquals("limit: expected a finite number > 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> Clipping.byValue(-1)).getMessage());
  }

  @Test void savedParametersLoadBitForBit(BufferAllocator allocator, @TempDir Path dir) throws java.io.IOException {
    Path file = dir.resolve("best.safetensors");
    try (ParameterSet p = Parameters.create(allocator, List.of(spec("W_q", 3, 2), spec("v", 3), spec("T", 2, 2, 2)),
        Initializer.glorotNormal(), 4)) {
      Parameters.save(p, file);
      assertTrue(Files.size(file) > 0);
      try (ParameterSet loaded = Parameters.load(file, allocator)) {
        assertTrue(Parameters.bitwiseEqual(p, loaded), "names, shapes and values: " + loaded);
      }
      try (ParameterSet other = Parameters.create(allocator, List.of(spec("W_q", 3, 2), spec("v", 3), spec("T", 2, 2, 2)),
          Initializer.zeros(), 0)) {
        Parameters.loadInto(file, other, allocator);
        assertTrue(Parameters.bitwiseEqual(p, other));
      }
      try (ParameterSet wrong = Parameters.create(allocator, List.of(spec("W_q", 2, 3), spec("v", 3), spec("T", 2, 2, 2)),
          Initializer.zeros(), 0)) {
        assertEquals("best.safetensors 'W_q': expected shape [2, 3] (as in parameters), got [3, 2]",
            assertThrows(IllegalArgumentException.class, () -> Parameters.loadInto(file, wrong, allocator)).getMessage());
        assertEquals(0, Parameters.globalNorm(wrong), "nothing changed");
      }
    }
  }
}
