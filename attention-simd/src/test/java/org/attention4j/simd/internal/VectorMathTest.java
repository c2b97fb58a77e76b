package org.attention4j.simd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernels' own exp and tanh (written from adds, multiplies, FMAs and bit operations so that
 * interpreted and compiled code give the same bits): accuracy against {@code Math.exp} and
 * {@code Math.tanh}, every vector lane equal to the scalar twin, and the fixed-tree lane sum.
 */
class VectorMathTest {
  static Stream<Named<PanamaKernels>> kernels() { return SimdTestSupport.widths(); }

  /** Sample points: a uniform sweep, random points, and the edges. */
  private static float[] points(float lo, float hi, int sweep, Random r, float... edges) {
    float[] x = new float[sweep + 2000 + edges.length];
    for (int i = 0; i < sweep; i++) x[i] = lo + (hi - lo) * i / (sweep - 1);
    for (int i = 0; i < 2000; i++) x[sweep + i] = lo + (hi - lo) * r.nextFloat();
    System.arraycopy(edges, 0, x, sweep + 2000, edges.length);
    return x;
  }

  private static double ulps(float actual, double exact) {
    float rounded = (float) exact;
    return Math.abs(actual - exact) / Math.ulp(rounded == 0 ? Float.MIN_NORMAL : rounded);
  }

  private static void checkUlps(float[] xs, float[] ys, DoubleUnaryOperator exact, int maxUlps, String what) {
    double worst = 0;
    float at = 0;
    for (int i = 0; i < xs.length; i++) {
      double u = ulps(ys[i], exact.applyAsDouble(xs[i]));
      if (u > worst) {
        worst = u;
        at = xs[i];
      }
    }
    final double w = worst;
    final float a = at;
    assertTrue(worst <= maxUlps, () -> what + ": expected at most " + maxUlps + " ulp from the float64 function, got " + w + " at x = " + a);
  }

  private static float[] lanes(PanamaKernels k, float[] xs, boolean tanh) {
    VectorSpecies<Float> sp = VectorSpecies.of(float.class, VectorShape.forBitSize(k.vectorBits()));
    float[] out = new float[xs.length];
    int l = sp.length(), i = 0;
    for (; i + l <= xs.length; i += l) {
      FloatVector v = FloatVector.fromArray(sp, xs, i);
      (tanh ? k.math().tanh(v) : k.math().exp(v)).intoArray(out, i);
    }
    for (; i < xs.length; i++) out[i] = tanh ? FloatMath.tanh(xs[i]) : FloatMath.exp(xs[i]);
    return out;
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void expIsAccurateAndLanesEqualTheScalarTwin(PanamaKernels k) {
    float[] xs = points(-87.3f, 88f, 20000, new Random(1), 0f, -0f, 1f, -1f, 1e-8f, -1e-8f, 0.34657f, -0.34657f);
    float[] ys = lanes(k, xs, false);
    checkUlps(xs, ys, Math::exp, SimdTolerances.EXP_ULPS, "exp");
    for (int i = 0; i < xs.length; i++) assertEquals(Float.floatToRawIntBits(FloatMath.exp(xs[i])), Float.floatToRawIntBits(ys[i]), "exp lane at x = " + xs[i]);
    float[] edges = {Float.NEGATIVE_INFINITY, -1e30f, -90f, FloatMath.EXP_LO - 0.01f, 88.5f, 1e30f, Float.POSITIVE_INFINITY, 0f};
    float[] e = lanes(k, edges, false);
    assertEquals(0f, e[0], "exp(−∞)");
    assertEquals(0f, e[1]);
    assertEquals(0f, e[2]);
    assertEquals(0f, e[3]);
    assertEquals(Float.POSITIVE_INFINITY, e[4]);
    assertEquals(Float.POSITIVE_INFINITY, e[5]);
    assertEquals(Float.POSITIVE_INFINITY, e[6]);
    assertEquals(1f, e[7], "exp(0) is exactly 1");
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void tanhIsAccurateSaturatesAndLanesEqualTheScalarTwin(PanamaKernels k) {
    float[] xs = points(-12f, 12f, 20000, new Random(2), 0.5f, -0.5f, 0.49999997f, 1e-20f, -1e-20f, 1e-3f);
    float[] ys = lanes(k, xs, true);
    checkUlps(xs, ys, Math::tanh, SimdTolerances.TANH_ULPS, "tanh");
    for (int i = 0; i < xs.length; i++) assertEquals(Float.floatToRawIntBits(FloatMath.tanh(xs[i])), Float.floatToRawIntBits(ys[i]), "tanh lane at x = " + xs[i]);
    float[] t = lanes(k, new float[] {50f, -50f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, 0f, 9f}, true);
    for (int i = 0; i < 6; i++) assertEquals(i % 2 == 0 ? 1f : -1f, t[i], "saturated tanh " + i);
    assertEquals(0f, t[6]);
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void sumLanesIsAFixedPairwiseTree(PanamaKernels k) {
    VectorSpecies<Float> sp = VectorSpecies.of(float.class, VectorShape.forBitSize(k.vectorBits()));
    Random r = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      float[] x = new float[sp.length()];
      for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8)));
      float[] tree = x.clone();                                             // lane i += lane i + s, s = L/2, L/4, ..., 1
      for (int s = x.length / 2; s > 0; s /= 2) for (int i = 0; i < s; i++) tree[i] += tree[i + s];
      assertEquals(tree[0], k.math().sumLanes(FloatVector.fromArray(sp, x, 0)), "lane sum of " + java.util.Arrays.toString(x));
    }
  }

  @Test void expOfZeroAndScalarEdges() {
    assertEquals(1f, FloatMath.exp(0f));
    assertEquals(0f, FloatMath.exp(Float.NEGATIVE_INFINITY));
    assertEquals(Float.POSITIVE_INFINITY, FloatMath.exp(100f));
    assertEquals(1f, FloatMath.tanh(Float.MAX_VALUE));
    assertEquals(-1f, FloatMath.tanh(-Float.MAX_VALUE));
  }
}
