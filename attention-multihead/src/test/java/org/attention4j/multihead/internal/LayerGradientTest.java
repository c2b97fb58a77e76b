package org.attention4j.multihead.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.testkit.GradientCheck;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The analytic backward pass against central differences (testkit {@link GradientCheck}, its default
 * step and tolerances for float32 forward passes) of L = ⟨G, O⟩ for a fixed random G: dQ, dK, dV and
 * every parameter, for several per-head scorers and normalizers, kdim ≠ vdim ≠ E, a mask with a
 * masked key per row and a fully masked row, at temperature 0.7.
 */
@WithRootAllocator
class LayerGradientTest {
  private static final int E = 6, KDIM = 4, VDIM = 5, NQ = 4, NK = 5;

  @ParameterizedTest(name = "{0} heads={1} {2} bias={3}")
  @CsvSource({"scaled-dot, 2, softmax, true", "scaled-dot, 3, softmax, false", "additive, 2, softmax, true",
      "bilinear, 2, softmax, true", "dot, 2, entmax15, true", "additive, 3, sparsemax, true"})
  void backwardMatchesCentralDifferences(String scorer, int heads, String normalizer, boolean bias, BufferAllocator allocator) {
    boolean[] allowed = new boolean[NQ * NK];
    for (int i = 0; i < NQ; i++) for (int j = 0; j < NK; j++) allowed[i * NK + j] = i != 2 && j != (i + 1) % NK;
    Mask mask = Mask.explicit(NQ, NK, allowed);
    float t = 0.7f;
    try (AttentionLayer layer = Fixtures.layer(allocator, scorer, heads, E, KDIM, VDIM, 11, "normalizer", normalizer, "h", "3",
            "bias", Boolean.toString(bias));
         FixedSizeListVector q = Fixtures.matrix(allocator, "query", NQ, E, 1);
         FixedSizeListVector k = Fixtures.matrix(allocator, "keys", NK, KDIM, 2);
         FixedSizeListVector v = Fixtures.matrix(allocator, "values", NK, VDIM, 3);
         FixedSizeListVector g = Fixtures.matrix(allocator, "dOutput", NQ, E, 4);
         AttentionLayer.Gradients grads = layer.backward(q, k, v, mask, t, g, allocator)) {
      float[] gv = DenseMatrices.toArray(g);
      GradientCheck check = GradientCheck.defaults();
      String what = scorer + "/" + normalizer + " H=" + heads + " ";
      check.check(what + "dQuery", DenseMatrices.toArray(grads.dQueries()), x -> loss(layer, q, k, v, mask, t, gv, q, x, allocator),
          Fixtures.doubles(q), E);
      check.check(what + "dKeys", DenseMatrices.toArray(grads.dKeys()), x -> loss(layer, q, k, v, mask, t, gv, k, x, allocator),
          Fixtures.doubles(k), KDIM);
      check.check(what + "dValues", DenseMatrices.toArray(grads.dValues()), x -> loss(layer, q, k, v, mask, t, gv, v, x, allocator),
          Fixtures.doubles(v), VDIM);
      assertEquals(layer.parameters().names(), grads.dParameters().names(), what + "one gradient per parameter");
      for (String name : layer.parameters().names()) {
        FixedSizeListVector p = layer.parameters().get(name);
        double[] x0 = Fixtures.doubles(p);
        check.check(what + "d" + name, DenseMatrices.toArray(grads.dParameters().get(name)),
            x -> loss(layer, q, k, v, mask, t, gv, p, x, allocator), x0);
        write(p, x0);
      }
    }
  }

  /** L = ⟨G, O⟩ with {@code target} (an input or a parameter) set to x. */
  private static double loss(AttentionLayer layer, FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector v, Mask mask,
      float t, float[] g, FixedSizeListVector target, double[] x, BufferAllocator allocator) {
    double[] saved = Fixtures.doubles(target);
    write(target, x);
    try (AttentionResult r = layer.forward(q, k, v, mask, t, false, allocator)) {
      float[] o = DenseMatrices.toArray(r.output());
      double s = 0;
      for (int i = 0; i < o.length; i++) s += (double) g[i] * o[i];
      return s;
    } finally {
      write(target, saved);
    }
  }

  private static void write(FixedSizeListVector target, double[] x) {
    MemorySegment s = DenseMatrices.segment(target);
    for (int i = 0; i < x.length; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) x[i]);
  }
}
