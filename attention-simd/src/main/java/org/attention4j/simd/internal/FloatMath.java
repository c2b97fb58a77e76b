package org.attention4j.simd.internal;

/**
 * The constants of the kernels' own {@code exp} and {@code tanh}, and their scalar versions. The
 * vector versions in {@link VectorKernels} run the same operations lane by lane, so a scalar tail
 * gives the same bits as a vector lane. Only adds, multiplies, FMAs, compares and bit operations
 * are used: unlike {@code Math.exp} and the Vector API's lane-wise {@code EXP}, they give the same
 * result interpreted and compiled.
 */
final class FloatMath {
  /** ≈ ln(2^−126): below it exp gives 0 (results that would be subnormal are flushed). */
  static final float EXP_LO = -87.33654f;
  /** Above it exp gives +∞ (2^127 is the largest power of two used). */
  static final float EXP_HI = 88.0f;
  static final float LOG2E = 1.44269504f;
  /** 1.5·2^23: adding it rounds to an integer, which then sits in the low mantissa bits. */
  static final float MAGIC = 12582912f;
  static final int EXP_BIAS = 127 - Float.floatToRawIntBits(MAGIC);
  /** Cody–Waite split of ln 2. */
  static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
  /** Cephes expf: e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2. */
  static final float E5 = 1.9875691500e-4f, E4 = 1.3981999507e-3f, E3 = 8.3334519073e-3f, E2 = 4.1665795894e-2f,
      E1 = 1.6666665459e-1f, E0 = 5.0000001201e-1f;

  /** Below it tanh is an odd Taylor polynomial; at or above it, 1 − 2/(e^{2|x|} + 1). */
  static final float TANH_CUT = 0.5f;
  /** Taylor coefficients of tanh up to x^17 (the x^19 term is below 5e-10 under the cut). */
  static final float T3 = (float) (-1.0 / 3), T5 = (float) (2.0 / 15), T7 = (float) (-17.0 / 315), T9 = (float) (62.0 / 2835),
      T11 = (float) (-1382.0 / 155925), T13 = (float) (21844.0 / 6081075), T15 = (float) (-929569.0 / 638512875),
      T17 = (float) (6404582.0 / 10854718875.0);

  /**
   * The fast tanh of the additive kernels: a [13/6] rational approximation (the odd numerator
   * and even denominator of Eigen's {@code generic_fast_tanh_float}) on x clamped to
   * ±{@value #FAST_TANH_CLAMP}, the result clamped to [−1, 1]. Relative error ≤ 4.2e-7 against
   * float64 tanh (≈ 7 ulp near ±1), stated in {@code SimdTolerances.FAST_TANH_REL} and tested; no
   * exp and one division, about a third of the cost of {@link #tanh}. Odd exactly (every step is
   * sign-symmetric), and never above 1 in magnitude, so |Σ w·tanh| ≤ ‖w‖₁ holds exactly.
   */
  static final float FAST_TANH_CLAMP = 7.99881172180175781f;
  static final float A1 = 4.89352455891786e-03f, A3 = 6.37261928875436e-04f, A5 = 1.48572235717979e-05f,
      A7 = 5.12229709037114e-08f, A9 = -8.60467152213735e-11f, A11 = 2.00018790482477e-13f, A13 = -2.76076847742355e-16f;
  static final float B0 = 4.89352518554385e-03f, B2 = 2.26843463243900e-03f, B4 = 1.18534705686654e-04f,
      B6 = 1.19825839466702e-06f;

  private static final boolean FMA = Platform.FMA;

  private FloatMath() {}

  /** {@code a·b + c}, fused when the JIT uses FMA instructions (as the vector code does). */
  static float fma(float a, float b, float c) { return FMA ? Math.fma(a, b, c) : a * b + c; }

  /** e^x, within 2 ulp on [EXP_LO, EXP_HI]; 0 below, +∞ above (no clamp needed: out of range is replaced). */
  static float exp(float x) {
    float t = fma(x, LOG2E, MAGIC);
    float n = t - MAGIC;
    float r = fma(n, -LN2_HI, x);
    r = fma(n, -LN2_LO, r);
    float z = r * r;
    float y = fma(E5, r, E4);
    y = fma(y, r, E3);
    y = fma(y, r, E2);
    y = fma(y, r, E1);
    y = fma(y, r, E0);
    y = fma(y, z, r) + 1f;
    float e = y * Float.intBitsToFloat((Float.floatToRawIntBits(t) + EXP_BIAS) << 23);
    if (x < EXP_LO) return 0f;
    if (x > EXP_HI) return Float.POSITIVE_INFINITY;
    return e;
  }

  /** tanh x, within a few ulp; exactly ±1 once e^{2|x|} overflows. */
  static float tanh(float x) {
    float ax = Math.abs(x);
    if (ax < TANH_CUT) {
      float x2 = x * x;
      float p = fma(T17, x2, T15);
      p = fma(p, x2, T13);
      p = fma(p, x2, T11);
      p = fma(p, x2, T9);
      p = fma(p, x2, T7);
      p = fma(p, x2, T5);
      p = fma(p, x2, T3);
      return fma(x * x2, p, x);
    }
    float large = 1f - 2f / (exp(ax + ax) + 1f);
    return x < 0f ? -large : large;
  }

  /** The fast tanh (see {@link #FAST_TANH_CLAMP}); the vector version runs the same steps lane by lane. */
  static float tanhFast(float x) {
    float c = Math.min(Math.max(x, -FAST_TANH_CLAMP), FAST_TANH_CLAMP);
    float x2 = c * c, x4 = x2 * x2, x8 = x4 * x4;                       // Estrin, as the vector version
    float p01 = fma(x2, A3, A1);
    float p23 = fma(x2, A7, A5);
    float p45 = fma(x2, A11, A9);
    float p = fma(x4, p23, p01);
    p = fma(x8, fma(x4, A13, p45), p);
    float q = fma(x4, fma(x2, B6, B4), fma(x2, B2, B0));
    return Math.min(Math.max(p / q * c, -1f), 1f);          // x last: tiny and subnormal x keep their relative accuracy
  }
}
