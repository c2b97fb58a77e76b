package org.attention4j.simd.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.attention4j.simd.internal.FloatMath.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.attention4j.api.spi.Kernels;

/**
 * The vector code of {@link PanamaKernels}, written once against {@code static final} species.
 * C2 turns Vector API calls into SIMD instructions only when the species is a constant; a species
 * held in an instance field leaves every operation a call on a boxed vector (measured: 14× slower
 * on a dot product). So this class is never used as is: {@link VectorKernelsLoader} defines one
 * hidden copy of it per vector width, handing the float species over as class data, and each copy
 * is compiled, profiled and inlined on its own, with its width as a constant.
 *
 * <p><b>The tile.</b> Matmul, the scores and the P·V step of attention, and top-k all run one
 * register tile, {@code tile4x4}: 4 rows × 4 vectors of C, fed by broadcasts of A and vector
 * loads of a packed B, so no horizontal sum sits in an inner loop.
 *
 * <p><b>Attention.</b> {@link #attentionForward} is fused and tiled: per block of 4 query rows it
 * walks the keys in blocks of {@code 4 · lanes}, keeping a running max, a running sum and the
 * output accumulators (the online softmax of flash attention), so no n_q × n_k matrix exists
 * unless the weights are asked for (then the scaled scores are written block by block into the
 * caller's weights and normalised at the end of the row). Query blocks run in parallel. With at
 * most {@value PanamaKernels#DECODE_ROWS} query rows (decoding) the keys are split into chunks of
 * {@value PanamaKernels#DECODE_CHUNK} instead, read straight from the segments, and the per-chunk
 * (max, sum, output) triples are merged in chunk order.
 *
 * <p><b>Determinism.</b> Every output element is computed by one thread in a fixed order, and the
 * split of the work depends only on the shapes, so results are bitwise the same for any thread
 * count. The kernels avoid the two Vector API operations whose results differ between interpreted
 * and compiled code (a float {@code reduceLanes(ADD)} and the lane-wise transcendental functions):
 * sums across lanes use a fixed tree ({@link #laneSum}), and {@code exp} and {@code tanh} are
 * written here from adds, multiplies, FMAs and bit operations, with scalar twins in
 * {@link FloatMath} that give the same bits.
 *
 * <p>Rules a hidden copy imposes: nested classes have package-private members only (the copy is
 * not their nestmate) and never read this class's statics (they would read the plain class's);
 * lambdas never capture {@code this} (an invokedynamic descriptor naming this class does not
 * match the copy), so the helpers are static.
 */
final class VectorKernels implements Kernels, VectorMath {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
  private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfInt MASK_WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final boolean FMA = Platform.FMA;
  private static final float NEG_INF = Float.NEGATIVE_INFINITY;
  private static final int DECODE_ROWS = PanamaKernels.DECODE_ROWS, DECODE_CHUNK = PanamaKernels.DECODE_CHUNK;
  private static final int TOPK_CHUNK = PanamaKernels.TOPK_CHUNK;
  private static final long PARALLEL_WORK = PanamaKernels.PARALLEL_WORK;

  /** This copy's float SPECIES: the class data of the hidden class (the preferred one if loaded plainly). */
  private static final VectorSpecies<Float> SPECIES = speciesFromClassData();
  /** Ints of the same shape (exp builds 2^n in the exponent bits). */
  private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, SPECIES.vectorShape());
  private static final int LANES = SPECIES.length();
  /** Columns of a tile: 4 vectors. */
  private static final int WIDTH = 4 * LANES;
  /** Query tiles (4 rows each) that share a pass over the keys in the fused prefill. */
  private static final int TILES_PER_TASK = 16;
  /** Keys per chunk of that pass: 512 keys of K and V at d = 64 are 256 KB, within a core's L2. */
  private static final int KEY_CHUNK = 512;
  /** Floats that widen to one double vector (DTW). */
  private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class, VectorShape.forBitSize(SPECIES.vectorBitSize() / 2));
  private static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, SPECIES.vectorShape());
  /** Mask bytes, one per float lane; null below 8 lanes (no such byte species). */
  private static final VectorSpecies<Byte> BYTES = LANES >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * LANES)) : null;

  private final Parallel parallel;

  VectorKernels(Parallel parallel) { this.parallel = parallel; }

  @SuppressWarnings("unchecked")
  private static VectorSpecies<Float> speciesFromClassData() {
    try {
      VectorSpecies<Float> s = MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, VectorSpecies.class);
      return s != null ? s : FloatVector.SPECIES_PREFERRED;
    } catch (IllegalAccessException e) {
      throw new LinkageError("VectorKernels: expected to read its own class data, got " + e, e);
    }
  }

  @Override public String id() { return "simd"; }

  @Override public String describe() {
    return "simd (panama, " + SPECIES.vectorBitSize() + "-bit, FMA " + (FMA ? "on" : "off") + ", " + parallel.threads()
        + (parallel.threads() == 1 ? " thread)" : " threads)");
  }

  @Override public int vectorBits() { return SPECIES.vectorBitSize(); }

  @Override public FloatVector exp(FloatVector x) { return vexp(x); }

  @Override public FloatVector tanh(FloatVector x) { return vtanh(x); }

  @Override public FloatVector tanhFast(FloatVector x) { return vtanhFast(x); }

  @Override public float sumLanes(FloatVector v) { return laneSum(v); }

  // ---- small helpers ----------------------------------------------------------------------------

  private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

  private static int roundUp(int a, int b) { return ceilDiv(a, b) * b; }

  private static int size(long n, String what) {
    if (n > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(what + ": expected at most " + (Integer.MAX_VALUE - 16) + " floats of scratch, got " + n);
    }
    return (int) n;
  }

  private static FloatVector fma(FloatVector a, FloatVector b, FloatVector c) { return FMA ? a.fma(b, c) : a.mul(b).add(c); }

  private static FloatVector splat(float x) { return FloatVector.broadcast(SPECIES, x); }

  /** The first {@code n} (0 < n < lanes) floats at element {@code index}; the other lanes are 0. */
  private static FloatVector loadTail(MemorySegment s, long index, int n) {
    return FloatVector.fromMemorySegment(SPECIES, s, 4 * index, LE, SPECIES.indexInRange(0, n));
  }

  /** Stores the first {@code n} (0 < n < lanes) lanes at element {@code index}. */
  private static void storeTail(FloatVector v, MemorySegment s, long index, int n) {
    v.intoMemorySegment(s, 4 * index, LE, SPECIES.indexInRange(0, n));
  }

  /** Which of the lanes {@code off .. off + lanes − 1} of a mask segment may attend (all in range). */
  private static VectorMask<Float> maskFull(MemorySegment mask, long off) {
    if (BYTES != null) return ByteVector.fromMemorySegment(BYTES, mask, off, LE).compare(VectorOperators.NE, (byte) 0).cast(SPECIES);
    int w = mask.get(MASK_WORD, off);                                    // 4 lanes: 4 mask bytes, byte 0 lowest
    long bits = ((w & 0xFF) != 0 ? 1 : 0) | ((w & 0xFF00) != 0 ? 2 : 0) | ((w & 0xFF0000) != 0 ? 4 : 0) | ((w & 0xFF000000) != 0 ? 8 : 0);
    return VectorMask.fromLong(SPECIES, bits);
  }

  /**
   * Which of the lanes {@code j .. j + lanes − 1} may attend and are below {@code limit}: the
   * mask row at {@code rowBase} (null: all allowed). For the last, partial vector of a row.
   */
  private static VectorMask<Float> maskTail(MemorySegment mask, long rowBase, int j, int limit) {
    long bits = 0;
    for (int t = 0, e = Math.min(limit - j, LANES); t < e; t++) {
      if (mask == null || mask.get(JAVA_BYTE, rowBase + j + t) != 0) bits |= 1L << t;
    }
    return VectorMask.fromLong(SPECIES, bits);
  }

  /**
   * The sum of the lanes by a fixed pairwise tree — lane i + lane i + L/2, then again on the
   * halves down to four lanes, then (0 + 2) + (1 + 3) — built from halving reinterpretations and
   * lane-wise adds, so it gives the same bits interpreted or compiled (unlike a float
   * {@code reduceLanes(ADD)}). The branches fold: {@code LANES} is a constant.
   */
  private static float laneSum(FloatVector v) {
    FloatVector x = v;
    if (LANES == 16) {
      x = ((FloatVector) x.reinterpretShape(FloatVector.SPECIES_256, 0)).add((FloatVector) x.reinterpretShape(FloatVector.SPECIES_256, 1));
    }
    if (LANES >= 8) {
      x = ((FloatVector) x.reinterpretShape(FloatVector.SPECIES_128, 0)).add((FloatVector) x.reinterpretShape(FloatVector.SPECIES_128, 1));
    }
    return (x.lane(0) + x.lane(2)) + (x.lane(1) + x.lane(3));
  }

  // ---- exp and tanh (scalar versions with the same bits in FloatMath) --------------------------

  /**
   * e^x, within 2 ulp on [EXP_LO, EXP_HI]; 0 below, +∞ above (out-of-range lanes compute garbage
   * that the final blends replace). Constants are broadcast here, once, and only vector-argument
   * forms are used: a scalar-argument form ({@code x.sub(1f)}) broadcasts inside the JDK, two call
   * levels deeper, and from {@code vtanh} inside a kernel that passes C2's inlining depth limit
   * (measured: 7× slower).
   */
  private static FloatVector vexp(FloatVector x) {
    final VectorSpecies<Float> sp = SPECIES;
    FloatVector t = fma(x, FloatVector.broadcast(sp, LOG2E), FloatVector.broadcast(sp, MAGIC));
    FloatVector n = t.sub(FloatVector.broadcast(sp, MAGIC));
    FloatVector r = fma(n, FloatVector.broadcast(sp, -LN2_HI), x);
    r = fma(n, FloatVector.broadcast(sp, -LN2_LO), r);
    FloatVector z = r.mul(r);
    FloatVector y = fma(FloatVector.broadcast(sp, E5), r, FloatVector.broadcast(sp, E4));
    y = fma(y, r, FloatVector.broadcast(sp, E3));
    y = fma(y, r, FloatVector.broadcast(sp, E2));
    y = fma(y, r, FloatVector.broadcast(sp, E1));
    y = fma(y, r, FloatVector.broadcast(sp, E0));
    y = fma(y, z, r).add(FloatVector.broadcast(sp, 1f));
    FloatVector pow2 = t.reinterpretAsInts().add(IntVector.broadcast(INTS, EXP_BIAS)).lanewise(VectorOperators.LSHL, 23)
        .reinterpretAsFloats();
    FloatVector e = y.mul(pow2);
    e = e.blend(FloatVector.zero(sp), x.compare(VectorOperators.LT, FloatVector.broadcast(sp, EXP_LO)));
    return e.blend(FloatVector.broadcast(sp, Float.POSITIVE_INFINITY), x.compare(VectorOperators.GT, FloatVector.broadcast(sp, EXP_HI)));
  }

  /** tanh x, within a few ulp; exactly ±1 once e^{2|x|} overflows. Vector-argument forms only (see {@link #vexp}). */
  private static FloatVector vtanh(FloatVector x) {
    final VectorSpecies<Float> sp = SPECIES;
    FloatVector ax = x.abs();
    FloatVector x2 = x.mul(x);
    FloatVector p = fma(FloatVector.broadcast(sp, T17), x2, FloatVector.broadcast(sp, T15));
    p = fma(p, x2, FloatVector.broadcast(sp, T13));
    p = fma(p, x2, FloatVector.broadcast(sp, T11));
    p = fma(p, x2, FloatVector.broadcast(sp, T9));
    p = fma(p, x2, FloatVector.broadcast(sp, T7));
    p = fma(p, x2, FloatVector.broadcast(sp, T5));
    p = fma(p, x2, FloatVector.broadcast(sp, T3));
    FloatVector small = fma(x.mul(x2), p, x);
    FloatVector one = FloatVector.broadcast(sp, 1f);
    FloatVector large = one.sub(FloatVector.broadcast(sp, 2f).div(vexp(ax.add(ax)).add(one)));
    large = large.blend(large.neg(), x.compare(VectorOperators.LT, FloatVector.zero(sp)));
    return small.blend(large, ax.compare(VectorOperators.GE, FloatVector.broadcast(sp, TANH_CUT)));
  }

  // ---- the register tile ------------------------------------------------------------------------

  /**
   * {@code C[r][t·L + l] = Σ_p A[r][p] · B[p][t·L + l]} for r, t < 4: A at
   * {@code a[aOff + r·lda + p]}, B at {@code b[bOff + p·ldb + t·L + l]}, C at
   * {@code c[cOff + r·ldc + t·L + l]} (overwritten). Kept to the loop and its stores so that C2
   * inlines every vector operation (a vector op left as a call works on boxed vectors).
   */
  private static void tile4x4(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, int kLen, float[] c, int cOff,
      int ldc) {
    final VectorSpecies<Float> sp = SPECIES;
    final int l = LANES;
    FloatVector x00, x01, x02, x03, x10, x11, x12, x13, x20, x21, x22, x23, x30, x31, x32, x33;
    x00 = x01 = x02 = x03 = x10 = x11 = x12 = x13 = x20 = x21 = x22 = x23 = x30 = x31 = x32 = x33 = FloatVector.zero(sp);
    final int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda;
    for (int p = 0; p < kLen; p++) {
      int bo = bOff + p * ldb;
      FloatVector b0 = FloatVector.fromArray(sp, b, bo);
      FloatVector b1 = FloatVector.fromArray(sp, b, bo + l);
      FloatVector b2 = FloatVector.fromArray(sp, b, bo + 2 * l);
      FloatVector b3 = FloatVector.fromArray(sp, b, bo + 3 * l);
      FloatVector y = FloatVector.broadcast(sp, a[a0 + p]);
      x00 = fma(y, b0, x00);
      x01 = fma(y, b1, x01);
      x02 = fma(y, b2, x02);
      x03 = fma(y, b3, x03);
      y = FloatVector.broadcast(sp, a[a1 + p]);
      x10 = fma(y, b0, x10);
      x11 = fma(y, b1, x11);
      x12 = fma(y, b2, x12);
      x13 = fma(y, b3, x13);
      y = FloatVector.broadcast(sp, a[a2 + p]);
      x20 = fma(y, b0, x20);
      x21 = fma(y, b1, x21);
      x22 = fma(y, b2, x22);
      x23 = fma(y, b3, x23);
      y = FloatVector.broadcast(sp, a[a3 + p]);
      x30 = fma(y, b0, x30);
      x31 = fma(y, b1, x31);
      x32 = fma(y, b2, x32);
      x33 = fma(y, b3, x33);
    }
    int c0 = cOff, c1 = cOff + ldc, c2 = cOff + 2 * ldc, c3 = cOff + 3 * ldc;
    x00.intoArray(c, c0);
    x01.intoArray(c, c0 + l);
    x02.intoArray(c, c0 + 2 * l);
    x03.intoArray(c, c0 + 3 * l);
    x10.intoArray(c, c1);
    x11.intoArray(c, c1 + l);
    x12.intoArray(c, c1 + 2 * l);
    x13.intoArray(c, c1 + 3 * l);
    x20.intoArray(c, c2);
    x21.intoArray(c, c2 + l);
    x22.intoArray(c, c2 + 2 * l);
    x23.intoArray(c, c2 + 3 * l);
    x30.intoArray(c, c3);
    x31.intoArray(c, c3 + l);
    x32.intoArray(c, c3 + 2 * l);
    x33.intoArray(c, c3 + 3 * l);
  }

  // ---- matmul -----------------------------------------------------------------------------------

  @Override
  public void matmul(MemorySegment a, boolean transA, MemorySegment b, boolean transB, MemorySegment c, int m, int n, int k,
      float alpha, float beta) {
    if (m <= 0 || n <= 0) return;
    final int w = WIDTH;
    final int panels = ceilDiv(n, w);
    float[] bp = new float[size((long) panels * k * w, "matmul B")];   // B in panels of w columns: bp[(panel·k + p)·w + col]
    boolean par = (long) m * n * Math.max(k, 1) >= PARALLEL_WORK;
    parallel.run(panels, par, () -> new float[transB ? k : 0], (row, panel) -> packPanel(b, transB, bp, row, panel, n, k));
    parallel.run(ceilDiv(m, 4), par, () -> new float[][] {new float[4 * k], new float[4 * w]},
        (s, tile) -> matmulTile(a, transA, bp, c, s[0], s[1], tile, m, n, k, alpha, beta));
  }

  private static void packPanel(MemorySegment b, boolean transB, float[] bp, float[] row, int panel, int n, int k) {
    final int w = WIDTH;
    int j0 = panel * w, cols = Math.min(w, n - j0), base = panel * k * w;
    if (!transB) {
      for (int p = 0; p < k; p++) MemorySegment.copy(b, F, 4 * ((long) p * n + j0), bp, base + p * w, cols);
      return;
    }
    for (int jj = 0; jj < cols; jj++) {                      // B stored n×k: row j of storage is column j of B
      MemorySegment.copy(b, F, 4L * (j0 + jj) * k, row, 0, k);
      for (int p = 0; p < k; p++) bp[base + p * w + jj] = row[p];
    }
  }

  private static void matmulTile(MemorySegment a, boolean transA, float[] bp, MemorySegment c, float[] at, float[] ct, int tile,
      int m, int n, int k, float alpha, float beta) {
    final int w = WIDTH, l = LANES;
    int i0 = 4 * tile, rows = Math.min(4, m - i0);
    for (int r = 0; r < 4; r++) {
      if (r >= rows) {
        Arrays.fill(at, r * k, (r + 1) * k, 0f);
      } else if (!transA) {
        MemorySegment.copy(a, F, 4L * (i0 + r) * k, at, r * k, k);
      } else {
        for (int p = 0; p < k; p++) at[r * k + p] = a.getAtIndex(F, (long) p * m + i0 + r);
      }
    }
    for (int panel = 0, panels = ceilDiv(n, w); panel < panels; panel++) {
      tile4x4(at, 0, k, bp, panel * k * w, w, k, ct, 0, w);
      for (int r = 0; r < rows; r++) {
        long ci = (long) (i0 + r) * n + panel * w;
        int cols = Math.min(w, n - panel * w);
        if (beta == 0f) storeScaled(ct, r * w, cols, alpha, c, ci);
        else storeScaledPlus(ct, r * w, cols, alpha, c, ci, beta);
      }
    }
  }

  /** {@code c[ci + j] = alpha · t[to + j]} for j < cols. */
  private static void storeScaled(float[] t, int to, int cols, float alpha, MemorySegment c, long ci) {
    int j = 0;
    for (; j <= cols - LANES; j += LANES) FloatVector.fromArray(SPECIES, t, to + j).mul(alpha).intoMemorySegment(c, 4 * (ci + j), LE);
    if (j < cols) storeTail(FloatVector.fromArray(SPECIES, t, to + j).mul(alpha), c, ci + j, cols - j);
  }

  /** {@code c[ci + j] = alpha · t[to + j] + beta · c[ci + j]} for j < cols. */
  private static void storeScaledPlus(float[] t, int to, int cols, float alpha, MemorySegment c, long ci, float beta) {
    FloatVector bv = splat(beta);
    int j = 0;
    for (; j <= cols - LANES; j += LANES) {
      fma(FloatVector.fromMemorySegment(SPECIES, c, 4 * (ci + j), LE), bv, FloatVector.fromArray(SPECIES, t, to + j).mul(alpha))
          .intoMemorySegment(c, 4 * (ci + j), LE);
    }
    if (j < cols) storeTail(fma(loadTail(c, ci + j, cols - j), bv, FloatVector.fromArray(SPECIES, t, to + j).mul(alpha)), c, ci + j, cols - j);
  }

  // ---- softmax ----------------------------------------------------------------------------------

  @Override
  public void softmaxRows(MemorySegment s, MemorySegment out, int rows, int cols, float scale, MemorySegment mask) {
    boolean par = (long) rows * cols * 16 >= PARALLEL_WORK;
    parallel.run(rows, par, () -> null, (none, i) -> softmaxRow(s, out, i, cols, scale, mask));
  }

  private static void softmaxRow(MemorySegment s, MemorySegment out, int i, int cols, float scale, MemorySegment mask) {
    long base = (long) i * cols;
    int full = cols - cols % LANES;
    maskedScores(s, out, base, full, cols, scale, mask);                 // scale·s, −∞ where masked, into out
    float m = maxOf(out, base, full, cols);
    if (m == NEG_INF) {                                                  // nothing to attend: zero weights, never NaN
      out.asSlice(4 * base, 4L * cols).fill((byte) 0);
      return;
    }
    float total = expMinus(out, base, full, cols, m);
    FloatVector tv = splat(total);
    int j = 0;
    for (; j < full; j += LANES) FloatVector.fromMemorySegment(SPECIES, out, 4 * (base + j), LE).div(tv).intoMemorySegment(out, 4 * (base + j), LE);
    if (j < cols) storeTail(loadTail(out, base + j, cols - j).div(tv), out, base + j, cols - j);
  }

  /** out[base + j] = scale · s[base + j], or −∞ where the mask forbids, for j < cols (full = whole vectors). */
  private static void maskedScores(MemorySegment s, MemorySegment out, long base, int full, int cols, float scale,
      MemorySegment mask) {
    FloatVector negInf = splat(NEG_INF);
    int j = 0;
    if (mask == null) {
      for (; j < full; j += LANES) FloatVector.fromMemorySegment(SPECIES, s, 4 * (base + j), LE).mul(scale).intoMemorySegment(out, 4 * (base + j), LE);
    } else {
      for (; j < full; j += LANES) {
        negInf.blend(FloatVector.fromMemorySegment(SPECIES, s, 4 * (base + j), LE).mul(scale), maskFull(mask, base + j))
            .intoMemorySegment(out, 4 * (base + j), LE);
      }
    }
    if (j < cols) storeTail(negInf.blend(loadTail(s, base + j, cols - j).mul(scale), maskTail(mask, base, j, cols)), out, base + j, cols - j);
  }

  /** The max of x[base .. base + cols). */
  private static float maxOf(MemorySegment x, long base, int full, int cols) {
    FloatVector negInf = splat(NEG_INF), mx = negInf;
    int j = 0;
    for (; j < full; j += LANES) mx = mx.max(FloatVector.fromMemorySegment(SPECIES, x, 4 * (base + j), LE));
    float m = mx.reduceLanes(VectorOperators.MAX);
    if (j < cols) m = Math.max(m, negInf.blend(loadTail(x, base + j, cols - j), SPECIES.indexInRange(0, cols - j)).reduceLanes(VectorOperators.MAX));
    return m;
  }

  /** x = exp(x − m) in place over [base, base + cols); returns the sum (fixed tree over lanes, then the tail). */
  private static float expMinus(MemorySegment x, long base, int full, int cols, float m) {
    FloatVector mv = splat(m), sum = FloatVector.zero(SPECIES);
    int j = 0;
    for (; j < full; j += LANES) {
      FloatVector p = vexp(FloatVector.fromMemorySegment(SPECIES, x, 4 * (base + j), LE).sub(mv));
      p.intoMemorySegment(x, 4 * (base + j), LE);
      sum = sum.add(p);
    }
    float total = laneSum(sum);
    if (j < cols) {
      VectorMask<Float> in = SPECIES.indexInRange(0, cols - j);
      FloatVector p = FloatVector.zero(SPECIES).blend(vexp(loadTail(x, base + j, cols - j).sub(mv)), in);
      storeTail(p, x, base + j, cols - j);
      total += laneSum(p);
    }
    return total;
  }

  @Override
  public void softmaxBackwardRows(MemorySegment a, MemorySegment dA, MemorySegment dS, int rows, int cols, float scale) {
    boolean par = (long) rows * cols * 16 >= PARALLEL_WORK;
    parallel.run(rows, par, () -> null, (none, i) -> softmaxBackwardRow(a, dA, dS, (long) i * cols, cols, scale));
  }

  private static void softmaxBackwardRow(MemorySegment a, MemorySegment dA, MemorySegment dS, long base, int cols, float scale) {
    int full = cols - cols % LANES, j = 0;
    FloatVector acc = FloatVector.zero(SPECIES);
    for (; j < full; j += LANES) {
      acc = fma(FloatVector.fromMemorySegment(SPECIES, a, 4 * (base + j), LE), FloatVector.fromMemorySegment(SPECIES, dA, 4 * (base + j), LE), acc);
    }
    float dot = laneSum(acc);
    if (j < cols) dot += laneSum(loadTail(a, base + j, cols - j).mul(loadTail(dA, base + j, cols - j)));
    for (j = 0; j < full; j += LANES) {
      FloatVector av = FloatVector.fromMemorySegment(SPECIES, a, 4 * (base + j), LE);
      FloatVector ds = av.mul(scale).mul(FloatVector.fromMemorySegment(SPECIES, dA, 4 * (base + j), LE).sub(dot));
      ds.blend(0f, av.compare(VectorOperators.EQ, 0f)).intoMemorySegment(dS, 4 * (base + j), LE);   // zero weight: +0, never −0
    }
    if (j < cols) {
      FloatVector av = loadTail(a, base + j, cols - j);
      FloatVector ds = av.mul(scale).mul(loadTail(dA, base + j, cols - j).sub(dot));
      storeTail(ds.blend(0f, av.compare(VectorOperators.EQ, 0f)), dS, base + j, cols - j);
    }
  }

  // ---- fused attention, forward -----------------------------------------------------------------

  @Override
  public void attentionForward(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment out,
      MemorySegment weights, int nq, int nk, int d, int dv, float scale, MemorySegment mask) {
    if (nq <= 0) return;
    if (nq <= DECODE_ROWS) decode(q, k, v, out, weights, nq, nk, d, dv, scale, mask);
    else prefill(q, k, v, out, weights, nq, nk, d, dv, scale, mask);
  }

  /** Per-thread scratch of the tiled forward pass (package-private members: see the class comment). */
  static final class TileScratch {
    final float[] q, s, pv, o, m, sum, alpha;

    TileScratch(int d, int width, int dvPadded, int lanes) {
      q = new float[4 * d];
      s = new float[4 * width];
      pv = new float[4 * width];
      o = new float[4 * dvPadded];
      m = new float[4];
      sum = new float[4 * lanes];
      alpha = new float[4];
    }
  }

  private void prefill(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment out, MemorySegment weights, int nq,
      int nk, int d, int dv, float scale, MemorySegment mask) {
    final int w = WIDTH;
    int blocks = ceilDiv(nk, w), dvp = roundUp(dv, w);
    float[] kt = new float[size((long) blocks * d * w, "keys")];      // Kᵀ by key block: kt[(block·d + p)·w + col]
    float[] vp = new float[size((long) nk * dvp, "values")];          // V, rows padded to dvp
    boolean par = (long) nq * nk * (d + dv) >= PARALLEL_WORK;
    parallel.run(blocks, par, () -> new float[d], (row, blk) -> packKeysAndValues(k, v, kt, vp, row, blk, nk, d, dv, dvp));
    // A task is a group of query tiles that walk the keys together, one L2-sized chunk of K and V at a
    // time: with one tile per task every 4 query rows streamed all of K and V, which at n_k = 32768
    // (16 MB packed) ran from L3 at about half the in-cache speed. Each row still sees the key blocks in
    // the same order, so results are bitwise those of one tile at a time, for any grouping and thread count.
    int tiles = ceilDiv(nq, 4), group = Math.clamp(tiles / 8, 1, TILES_PER_TASK);    // ≥ ~8 tasks when there are few rows
    int chunk = Math.max(1, KEY_CHUNK / w);
    parallel.run(ceilDiv(tiles, group), par, () -> new TileScratch[group], (scs, task) -> {
      int t0 = task * group, t1 = Math.min(tiles, t0 + group);
      for (int t = t0; t < t1; t++) {
        if (scs[t - t0] == null) scs[t - t0] = new TileScratch(d, w, dvp, LANES);
        startTile(scs[t - t0], t, q, nq, d);
      }
      for (int b0 = 0; b0 < blocks; b0 += chunk) {
        for (int t = t0; t < t1; t++) {
          attendBlocks(scs[t - t0], t, b0, Math.min(blocks, b0 + chunk), kt, vp, weights, nq, nk, d, dvp, scale, mask);
        }
      }
      for (int t = t0; t < t1; t++) finishTile(scs[t - t0], t, out, weights, nq, nk, dv, dvp);
    });
  }

  private static void packKeysAndValues(MemorySegment k, MemorySegment v, float[] kt, float[] vp, float[] row, int blk, int nk,
      int d, int dv, int dvp) {
    final int w = WIDTH;
    int j0 = blk * w, n = Math.min(w, nk - j0), base = blk * d * w;
    for (int jj = 0; jj < n; jj++) {
      int j = j0 + jj;
      MemorySegment.copy(k, F, 4L * j * d, row, 0, d);
      for (int p = 0; p < d; p++) kt[base + p * w + jj] = row[p];
      MemorySegment.copy(v, F, 4L * j * dv, vp, j * dvp, dv);
    }
  }

  /**
   * One block of 4 query rows against every key block: S = Q·Kᵀ by the tile, the online softmax
   * row by row, then P·V by the tile into the rescaled row accumulators. Vector work sits in small
   * helpers that take and return arrays and floats, never vectors.
   */
  /** Loads the tile's query rows (zero padding) and clears its running max, sums and output. */
  private static void startTile(TileScratch sc, int tile, MemorySegment q, int nq, int d) {
    int i0 = 4 * tile, rows = Math.min(4, nq - i0);
    MemorySegment.copy(q, F, 4L * i0 * d, sc.q, 0, rows * d);
    Arrays.fill(sc.q, rows * d, 4 * d, 0f);
    Arrays.fill(sc.o, 0f);
    Arrays.fill(sc.sum, 0f);
    Arrays.fill(sc.m, NEG_INF);
  }

  /** The online softmax and P·V of one tile (4 query rows) over key blocks [b0, b1). */
  private static void attendBlocks(TileScratch sc, int tile, int b0, int b1, float[] kt, float[] vp, MemorySegment weights,
      int nq, int nk, int d, int dvp, float scale, MemorySegment mask) {
    final int w = WIDTH, l = LANES;
    final float[] s = sc.s, m = sc.m, sum = sc.sum, alpha = sc.alpha, o = sc.o;
    int i0 = 4 * tile, rows = Math.min(4, nq - i0);
    for (int blk = b0; blk < b1; blk++) {
      int j0 = blk * w, kLen = Math.min(w, nk - j0);
      tile4x4(sc.q, 0, d, kt, blk * d * w, w, d, s, 0, w);                  // S = Q·Kᵀ for this block
      for (int r = 0; r < 4; r++) {
        int so = r * w;
        alpha[r] = 1f;
        if (r >= rows) {                                                    // padding rows: no contribution
          Arrays.fill(s, so, so + w, 0f);
          continue;
        }
        long rowBase = (long) (i0 + r) * nk;
        scaleAndMask(s, so, scale, mask, rowBase, j0, nk);
        if (weights != null) copyOut(s, so, kLen, weights, rowBase + j0);   // scaled scores now, normalised at the end
        float mNew = Math.max(m[r], rowMax(s, so));
        if (mNew == NEG_INF) {                                              // nothing allowed yet
          Arrays.fill(s, so, so + w, 0f);
          continue;
        }
        alpha[r] = FloatMath.exp(m[r] - mNew);                              // rescale of what came before (0 at first)
        m[r] = mNew;
        expAndSum(s, so, mNew, sum, r * l, alpha[r]);                       // masked: exp(−∞) = 0
      }
      for (int col = 0; col < dvp; col += w) {
        tile4x4(s, 0, w, vp, j0 * dvp + col, dvp, kLen, sc.pv, 0, w);       // P·V for these columns
        rescaleAdd(o, col, dvp, sc.pv, alpha);
      }
    }
  }

  /** Writes the tile's output rows (and normalises their weights). */
  private static void finishTile(TileScratch sc, int tile, MemorySegment out, MemorySegment weights, int nq, int nk, int dv,
      int dvp) {
    int i0 = 4 * tile, rows = Math.min(4, nq - i0);
    for (int r = 0; r < rows; r++) finishRow(sc.o, r * dvp, sc.sum, r * LANES, sc.m[r], out, i0 + r, dv, weights, nk);
  }

  /** s[so + t] = scale · s[so + t], or −∞ where the key is masked or beyond n_k (keys j0 + t). */
  private static void scaleAndMask(float[] s, int so, float scale, MemorySegment mask, long rowBase, int j0, int nk) {
    FloatVector negInf = splat(NEG_INF);
    int full = Math.min(WIDTH, nk - j0) / LANES * LANES, t = 0;
    if (mask == null) {
      for (; t < full; t += LANES) FloatVector.fromArray(SPECIES, s, so + t).mul(scale).intoArray(s, so + t);
    } else {
      for (; t < full; t += LANES) {
        negInf.blend(FloatVector.fromArray(SPECIES, s, so + t).mul(scale), maskFull(mask, rowBase + j0 + t)).intoArray(s, so + t);
      }
    }
    for (; t < WIDTH; t += LANES) {                                          // the last block: partial and empty vectors
      negInf.blend(FloatVector.fromArray(SPECIES, s, so + t).mul(scale), maskTail(mask, rowBase, j0 + t, nk)).intoArray(s, so + t);
    }
  }

  /** Copies s[so .. so + n) to x from element {@code index}. */
  private static void copyOut(float[] s, int so, int n, MemorySegment x, long index) {
    int t = 0;
    for (; t <= n - LANES; t += LANES) FloatVector.fromArray(SPECIES, s, so + t).intoMemorySegment(x, 4 * (index + t), LE);
    if (t < n) storeTail(FloatVector.fromArray(SPECIES, s, so + t), x, index + t, n - t);
  }

  /** The max of s[so .. so + 4·lanes). */
  private static float rowMax(float[] s, int so) {
    FloatVector mx = FloatVector.fromArray(SPECIES, s, so);
    for (int t = LANES; t < WIDTH; t += LANES) mx = mx.max(FloatVector.fromArray(SPECIES, s, so + t));
    return mx.reduceLanes(VectorOperators.MAX);
  }

  /** s = exp(s − m) over one tile row; sum[so2 ..] = a · sum + Σ exp, lane by lane. */
  private static void expAndSum(float[] s, int so, float m, float[] sum, int so2, float a) {
    FloatVector mv = splat(m), acc = FloatVector.fromArray(SPECIES, sum, so2).mul(a);
    for (int t = 0; t < WIDTH; t += LANES) {
      FloatVector p = vexp(FloatVector.fromArray(SPECIES, s, so + t).sub(mv));
      p.intoArray(s, so + t);
      acc = acc.add(p);
    }
    acc.intoArray(sum, so2);
  }

  /** o[r·ldo + col + t] = alpha[r] · o[...] + pv[r·WIDTH + t] for the 4 rows of a tile. */
  private static void rescaleAdd(float[] o, int col, int ldo, float[] pv, float[] alpha) {
    for (int r = 0; r < 4; r++) {
      FloatVector a = splat(alpha[r]);
      int oo = r * ldo + col, po = r * WIDTH;
      for (int t = 0; t < WIDTH; t += LANES) {
        fma(FloatVector.fromArray(SPECIES, o, oo + t), a, FloatVector.fromArray(SPECIES, pv, po + t)).intoArray(o, oo + t);
      }
    }
  }

  /** Output row i = o / sum (zeros when nothing was allowed), and its weights normalised. */
  private static void finishRow(float[] o, int oo, float[] sum, int so, float m, MemorySegment out, int i, int dv,
      MemorySegment weights, int nk) {
    float total = laneSum(FloatVector.fromArray(SPECIES, sum, so));
    if (total == 0f) {                                                      // fully masked row: exact zeros
      out.asSlice(4L * i * dv, 4L * dv).fill((byte) 0);
      if (weights != null) weights.asSlice(4L * i * nk, 4L * nk).fill((byte) 0);
      return;
    }
    divideOut(o, oo, dv, total, out, (long) i * dv);
    if (weights != null) normaliseWeights(weights, (long) i * nk, nk, m, total);
  }

  /** out[index + c] = o[oo + c] / total for c < n. */
  private static void divideOut(float[] o, int oo, int n, float total, MemorySegment out, long index) {
    FloatVector tv = splat(total);
    int c = 0;
    for (; c <= n - LANES; c += LANES) FloatVector.fromArray(SPECIES, o, oo + c).div(tv).intoMemorySegment(out, 4 * (index + c), LE);
    if (c < n) storeTail(FloatVector.fromArray(SPECIES, o, oo + c).div(tv), out, index + c, n - c);
  }

  /** Scaled scores (−∞ where masked) → exp(s − max) / total, in place. */
  private static void normaliseWeights(MemorySegment weights, long base, int nk, float max, float total) {
    FloatVector mv = splat(max), tv = splat(total);
    int j = 0;
    for (; j <= nk - LANES; j += LANES) {
      long off = 4 * (base + j);
      vexp(FloatVector.fromMemorySegment(SPECIES, weights, off, LE).sub(mv)).div(tv).intoMemorySegment(weights, off, LE);
    }
    if (j < nk) storeTail(vexp(loadTail(weights, base + j, nk - j).sub(mv)).div(tv), weights, base + j, nk - j);
  }

  /** Per-thread scratch of the decode path (package-private members: see the class comment). */
  static final class ChunkScratch {
    final float[] q, s;

    ChunkScratch(int dPadded, int chunk) {
      q = new float[dPadded];
      s = new float[chunk];
    }
  }

  private void decode(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment out, MemorySegment weights, int nq,
      int nk, int d, int dv, float scale, MemorySegment mask) {
    final int l = LANES;
    int chunks = Math.max(1, ceilDiv(nk, DECODE_CHUNK)), dvp = roundUp(dv, 4 * l), dp = roundUp(d, l);
    float[] cm = new float[nq * chunks], cs = new float[nq * chunks];
    float[] co = new float[size((long) nq * chunks * dvp, "decode outputs")];
    boolean par = (long) nq * nk * (d + dv) >= PARALLEL_WORK;
    parallel.run(nq * chunks, par, () -> new ChunkScratch(dp, DECODE_CHUNK),
        (sc, task) -> decodeChunk(sc, task / chunks, task % chunks, chunks, q, k, v, weights, cm, cs, co, nk, d, dv, dvp, scale,
            mask));
    float[] acc = new float[dvp];
    for (int i = 0; i < nq; i++) {                                          // merge the chunks in order
      float max = NEG_INF;
      for (int c = 0; c < chunks; c++) max = Math.max(max, cm[i * chunks + c]);
      if (max == NEG_INF) {
        out.asSlice(4L * i * dv, 4L * dv).fill((byte) 0);
        if (weights != null) weights.asSlice(4L * i * nk, 4L * nk).fill((byte) 0);
        continue;
      }
      Arrays.fill(acc, 0f);
      float total = 0f;
      for (int c = 0; c < chunks; c++) {
        int slot = i * chunks + c;
        float f = FloatMath.exp(cm[slot] - max);
        if (f == 0f) continue;
        total = FloatMath.fma(cs[slot], f, total);
        axpy(f, co, slot * dvp, acc, dvp);
      }
      divideOut(acc, 0, dv, total, out, (long) i * dv);
      if (weights != null) normaliseWeights(weights, (long) i * nk, nk, max, total);
    }
  }

  /** y[t] += f · x[xo + t] for t < n (n a multiple of the lanes). */
  private static void axpy(float f, float[] x, int xo, float[] y, int n) {
    FloatVector fv = splat(f);
    for (int t = 0; t < n; t += LANES) fma(fv, FloatVector.fromArray(SPECIES, x, xo + t), FloatVector.fromArray(SPECIES, y, t)).intoArray(y, t);
  }

  /** Keys [c·CHUNK, (c+1)·CHUNK) for query row i: the chunk's max, sum of exp and unnormalised output. */
  private static void decodeChunk(ChunkScratch sc, int i, int c, int chunks, MemorySegment q, MemorySegment k, MemorySegment v,
      MemorySegment weights, float[] cm, float[] cs, float[] co, int nk, int d, int dv, int dvp, float scale,
      MemorySegment mask) {
    final float[] qh = sc.q, s = sc.s;
    int j0 = c * DECODE_CHUNK, n = Math.max(0, Math.min(DECODE_CHUNK, nk - j0)), nPad = roundUp(n, LANES);
    int slot = i * chunks + c, ob = slot * dvp;
    long rowBase = (long) i * nk;
    MemorySegment.copy(q, F, 4L * i * d, qh, 0, d);
    chunkScores(qh, k, s, j0, n, d, scale, mask, rowBase);
    Arrays.fill(s, n, nPad, NEG_INF);
    if (weights != null) MemorySegment.copy(s, 0, weights, F, 4 * (rowBase + j0), n);
    float max = NEG_INF;
    if (nPad > 0) max = rowMaxOf(s, nPad);
    cm[slot] = max;
    if (max == NEG_INF) {
      cs[slot] = 0f;
      Arrays.fill(co, ob, ob + dvp, 0f);
      return;
    }
    cs[slot] = expInPlace(s, nPad, max);
    chunkValues(s, n, v, j0, dv, co, ob, dvp);
  }

  /** s[jj] = scale · q·k_{j0+jj} for jj < n (−∞ where masked); d's tail beyond whole vectors in scalar code. */
  private static void chunkScores(float[] qh, MemorySegment k, float[] s, int j0, int n, int d, float scale, MemorySegment mask,
      long rowBase) {
    int full = d - d % LANES;
    for (int jj = 0; jj < n; jj++) {
      int j = j0 + jj;
      if (mask != null && mask.get(JAVA_BYTE, rowBase + j) == 0) {
        s[jj] = NEG_INF;
        continue;
      }
      long kb = 4L * j * d;
      FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0;          // two chains: half the FMA latency per key
      int p = 0;
      for (; p + LANES < full; p += 2 * LANES) {
        acc0 = fma(FloatVector.fromArray(SPECIES, qh, p), FloatVector.fromMemorySegment(SPECIES, k, kb + 4L * p, LE), acc0);
        acc1 = fma(FloatVector.fromArray(SPECIES, qh, p + LANES), FloatVector.fromMemorySegment(SPECIES, k, kb + 4L * (p + LANES), LE), acc1);
      }
      for (; p < full; p += LANES) acc0 = fma(FloatVector.fromArray(SPECIES, qh, p), FloatVector.fromMemorySegment(SPECIES, k, kb + 4L * p, LE), acc0);
      float dot = laneSum(acc0.add(acc1));
      for (; p < d; p++) dot = FloatMath.fma(qh[p], k.get(F, kb + 4L * p), dot);
      s[jj] = dot * scale;
    }
  }

  /** The max of s[0 .. n) (n a multiple of the lanes, at least one vector). */
  private static float rowMaxOf(float[] s, int n) {
    FloatVector mx = FloatVector.fromArray(SPECIES, s, 0);
    for (int t = LANES; t < n; t += LANES) mx = mx.max(FloatVector.fromArray(SPECIES, s, t));
    return mx.reduceLanes(VectorOperators.MAX);
  }

  /** s = exp(s − m) over [0, n) (n a multiple of the lanes); returns the sum. */
  private static float expInPlace(float[] s, int n, float m) {
    FloatVector mv = splat(m), sum = FloatVector.zero(SPECIES);
    for (int t = 0; t < n; t += LANES) {
      FloatVector p = vexp(FloatVector.fromArray(SPECIES, s, t).sub(mv));
      p.intoArray(s, t);
      sum = sum.add(p);
    }
    return laneSum(sum);
  }

  /** co[ob + col] = Σ_jj p[jj] · V[j0 + jj][col] for col < dv, four vectors of columns at a time. */
  private static void chunkValues(float[] p, int n, MemorySegment v, int j0, int dv, float[] co, int ob, int dvp) {
    final int l = LANES;
    int fullCols = dv - dv % (4 * l), col = 0;
    for (; col < fullCols; col += 4 * l) {
      FloatVector o0 = FloatVector.zero(SPECIES), o1 = o0, o2 = o0, o3 = o0;
      for (int jj = 0; jj < n; jj++) {
        FloatVector pb = splat(p[jj]);
        long vb = 4 * ((long) (j0 + jj) * dv + col);
        o0 = fma(pb, FloatVector.fromMemorySegment(SPECIES, v, vb, LE), o0);
        o1 = fma(pb, FloatVector.fromMemorySegment(SPECIES, v, vb + 4L * l, LE), o1);
        o2 = fma(pb, FloatVector.fromMemorySegment(SPECIES, v, vb + 8L * l, LE), o2);
        o3 = fma(pb, FloatVector.fromMemorySegment(SPECIES, v, vb + 12L * l, LE), o3);
      }
      o0.intoArray(co, ob + col);
      o1.intoArray(co, ob + col + l);
      o2.intoArray(co, ob + col + 2 * l);
      o3.intoArray(co, ob + col + 3 * l);
    }
    if (col < dv) chunkValuesTail(p, n, v, j0, dv, co, ob + col, col);
  }

  /** {@link #chunkValues} for the last, partial group of four column vectors (masked loads). */
  private static void chunkValuesTail(float[] p, int n, MemorySegment v, int j0, int dv, float[] co, int oc, int col) {
    final int l = LANES;
    VectorMask<Float> m0 = SPECIES.indexInRange(col, dv), m1 = SPECIES.indexInRange(col + l, dv);
    VectorMask<Float> m2 = SPECIES.indexInRange(col + 2 * l, dv), m3 = SPECIES.indexInRange(col + 3 * l, dv);
    FloatVector o0 = FloatVector.zero(SPECIES), o1 = o0, o2 = o0, o3 = o0;
    for (int jj = 0; jj < n; jj++) {
      FloatVector pb = splat(p[jj]);
      long vb = 4 * ((long) (j0 + jj) * dv + col);
      o0 = fma(pb, FloatVector.fromMemorySegment(SPECIES, v, vb, LE, m0), o0);
      o1 = fma(pb, FloatVector.fromMemorySegment(SPECIES, v, vb + 4L * l, LE, m1), o1);
      o2 = fma(pb, FloatVector.fromMemorySegment(SPECIES, v, vb + 8L * l, LE, m2), o2);
      o3 = fma(pb, FloatVector.fromMemorySegment(SPECIES, v, vb + 12L * l, LE, m3), o3);
    }
    o0.intoArray(co, oc);
    o1.intoArray(co, oc + l);
    o2.intoArray(co, oc + 2 * l);
    o3.intoArray(co, oc + 3 * l);
  }

  // ---- attention, backward ----------------------------------------------------------------------

  /**
   * Recomputes the weights and runs the backward pass as five matmuls and the softmax backward on
   * n_q × n_k scratch: P = softmax(scale·QKᵀ), dP = dO·Vᵀ, dS = scale·P ⊙ (dP − rowsum(P ⊙ dP)),
   * dQ = dS·K, dK = dSᵀ·Q, dV = Pᵀ·dO.
   */
  @Override
  public void attentionBackward(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment dOut, MemorySegment dq,
      MemorySegment dk, MemorySegment dvOut, int nq, int nk, int d, int dvDim, float scale, MemorySegment mask) {
    int cells = size((long) nq * nk, "attention backward weights");
    MemorySegment p = MemorySegment.ofArray(new float[cells]);
    MemorySegment ds = MemorySegment.ofArray(new float[cells]);
    matmul(q, false, k, true, p, nq, nk, d, 1f, 0f);
    softmaxRows(p, p, nq, nk, scale, mask);
    matmul(dOut, false, v, true, ds, nq, nk, dvDim, 1f, 0f);
    softmaxBackwardRows(p, ds, ds, nq, nk, scale);
    matmul(ds, false, k, false, dq, nq, d, nk, 1f, 0f);
    matmul(ds, true, q, false, dk, nk, d, nq, 1f, 0f);
    matmul(p, true, dOut, false, dvOut, nk, dvDim, nq, 1f, 0f);
  }

  // ---- additive ---------------------------------------------------------------------------------

  /**
   * The fast tanh of {@link FloatMath#tanhFast}, lane by lane: x clamped, a [13/6] rational, the
   * result clamped to [−1, 1]. No exp, one division; vector-argument forms only (see {@link #vexp}).
   */
  private static FloatVector vtanhFast(FloatVector x) {
    final VectorSpecies<Float> sp = SPECIES;
    FloatVector c = x.max(FloatVector.broadcast(sp, -FAST_TANH_CLAMP)).min(FloatVector.broadcast(sp, FAST_TANH_CLAMP));
    FloatVector x2 = c.mul(c), x4 = x2.mul(x2), x8 = x4.mul(x4);           // Estrin: short dependency chains
    FloatVector p01 = fma(x2, FloatVector.broadcast(sp, A3), FloatVector.broadcast(sp, A1));
    FloatVector p23 = fma(x2, FloatVector.broadcast(sp, A7), FloatVector.broadcast(sp, A5));
    FloatVector p45 = fma(x2, FloatVector.broadcast(sp, A11), FloatVector.broadcast(sp, A9));
    FloatVector p = fma(x4, p23, p01);
    p = fma(x8, fma(x4, FloatVector.broadcast(sp, A13), p45), p);
    FloatVector q = fma(x4, fma(x2, FloatVector.broadcast(sp, B6), FloatVector.broadcast(sp, B4)),
        fma(x2, FloatVector.broadcast(sp, B2), FloatVector.broadcast(sp, B0)));
    return p.div(q).mul(c).max(FloatVector.broadcast(sp, -1f)).min(FloatVector.broadcast(sp, 1f));
  }

  /**
   * Rᵀ by key block of {@code WIDTH}: {@code rt[(block·h + c)·WIDTH + col] = R[block·WIDTH + col][c]},
   * zeros past n_k. One tile row of keys then sits in 4 consecutive vectors for every c.
   */
  private float[] packTransposed(MemorySegment r, int nk, int h, boolean par) {
    final int wd = WIDTH;
    int blocks = ceilDiv(nk, wd);
    float[] rt = new float[size((long) blocks * h * wd, "projected keys")];
    parallel.run(blocks, par, () -> new float[h], (row, blk) -> {
      int j0 = blk * wd, n = Math.min(wd, nk - j0), base = blk * h * wd;
      for (int jj = 0; jj < n; jj++) {
        MemorySegment.copy(r, F, 4L * (j0 + jj) * h, row, 0, h);
        for (int c = 0; c < h; c++) rt[base + c * wd + jj] = row[c];
      }
    });
    return rt;
  }

  /**
   * S = Σ_h w·tanh(P + R), vectorised over keys: Rᵀ packed per key block, then per query row and
   * key vector one register accumulator over h (P[i][c] and w[c] broadcast). The loop body is
   * one fast tanh and one FMA on a vector load; the tanh of the accurate kind ({@link #vtanh}: an
   * exp, a division and blends) made this ~4× slower (0.42 G terms/s on one thread, measured).
   * Two key vectors per loop body — two tanh calls, or the tanh written out twice in line — ran
   * 3–5× slower (C2 gives up on it and boxes the vectors; measured), so it stays one.
   */
  @Override
  public void additiveScores(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment s, int nq, int nk, int h) {
    if (nq <= 0 || nk <= 0) return;
    boolean par = (long) nq * nk * h * 8 >= PARALLEL_WORK;
    float[] rt = packTransposed(r, nk, h, par);
    float[] wh = w.asSlice(0, 4L * h).toArray(F);
    parallel.run(nq, par, () -> new float[][] {new float[h], new float[WIDTH]}, (sc, i) -> {
      MemorySegment.copy(p, F, 4L * i * h, sc[0], 0, h);
      for (int blk = 0, blocks = ceilDiv(nk, WIDTH); blk < blocks; blk++) {
        int j0 = blk * WIDTH;
        additiveBlock(sc[0], rt, blk * h * WIDTH, wh, h, sc[1], 0);
        copyOut(sc[1], 0, Math.min(WIDTH, nk - j0), s, (long) i * nk + j0);
      }
    });
  }

  /** s[so + t] = Σ_c w[c]·tanh(ph[c] + rt[base + c·WIDTH + t]) for one tile row (t < WIDTH). */
  private static void additiveBlock(float[] ph, float[] rt, int base, float[] wh, int h, float[] s, int so) {
    for (int t = 0; t < WIDTH; t += LANES) tanhReduce(ph, rt, base + t, wh, h).intoArray(s, so + t);
  }

  /** Σ_c w[c]·tanh(ph[c] + rt[o + c·WIDTH ..]) as one vector of keys. */
  private static FloatVector tanhReduce(float[] ph, float[] rt, int o, float[] wh, int h) {
    final VectorSpecies<Float> sp = SPECIES;
    FloatVector acc = FloatVector.zero(sp);
    for (int c = 0; c < h; c++) {
      FloatVector x = FloatVector.broadcast(sp, ph[c]).add(FloatVector.fromArray(sp, rt, o + c * WIDTH));
      acc = fma(FloatVector.broadcast(sp, wh[c]), vtanhFast(x), acc);
    }
    return acc;
  }

  /**
   * Backward of the tanh-reduce in two passes over the (i, j) pairs, each vectorised over h with
   * the fast tanh recomputed: query rows in parallel (dP, and dw per row summed in row order
   * afterwards), then key rows in parallel (dR). Pairs whose upstream gradient is 0 are skipped.
   * Twice the tanh work of a one-pass loop, but each output row has one writer: multi-threaded and
   * deterministic without per-thread copies of dR.
   */
  @Override
  public void additiveBackward(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment dS, MemorySegment dP,
      MemorySegment dR, MemorySegment dw, int nq, int nk, int h) {
    final int l = LANES;
    int hp = roundUp(h, l);
    float[] ph = padRows(p, nq, h, hp), rh = padRows(r, nk, h, hp), wh = padRows(w, 1, h, hp);
    float[] gwRows = new float[size((long) nq * hp, "dw rows")];
    boolean par = (long) nq * nk * h * 8 >= PARALLEL_WORK;
    parallel.run(nq, par, () -> new float[hp], (gp, i) -> {
      Arrays.fill(gp, 0f);
      for (int j = 0; j < nk; j++) {
        float g = dS.getAtIndex(F, (long) i * nk + j);
        if (g != 0f) tanhGrad(g, ph, i * hp, rh, j * hp, wh, hp, gp, gwRows, i * hp);
      }
      MemorySegment.copy(gp, 0, dP, F, 4L * i * h, h);
    });
    parallel.run(nk, par, () -> new float[hp], (gr, j) -> {
      Arrays.fill(gr, 0f);
      for (int i = 0; i < nq; i++) {
        float g = dS.getAtIndex(F, (long) i * nk + j);
        if (g != 0f) tanhGrad(g, rh, j * hp, ph, i * hp, wh, hp, gr, null, 0);
      }
      MemorySegment.copy(gr, 0, dR, F, 4L * j * h, h);
    });
    double[] gw = new double[h];
    for (int i = 0; i < nq; i++) for (int c = 0; c < h; c++) gw[c] += gwRows[i * hp + c];
    for (int c = 0; c < h; c++) dw.setAtIndex(F, c, (float) gw[c]);
  }

  /**
   * For one pair with upstream gradient g and t = tanh(a + b): acc += g·w ⊙ (1 − t²), and, when
   * {@code gw} is given, gw[go ..] += g·t (over hp, a multiple of the lanes).
   */
  private static void tanhGrad(float g, float[] a, int ao, float[] b, int bo, float[] wh, int hp, float[] acc, float[] gw, int go) {
    final VectorSpecies<Float> sp = SPECIES;
    FloatVector gv = FloatVector.broadcast(sp, g), one = FloatVector.broadcast(sp, 1f);
    for (int c = 0; c < hp; c += LANES) {
      FloatVector t = vtanhFast(FloatVector.fromArray(sp, a, ao + c).add(FloatVector.fromArray(sp, b, bo + c)));
      FloatVector inner = gv.mul(FloatVector.fromArray(sp, wh, c)).mul(fma(t.neg(), t, one));
      FloatVector.fromArray(sp, acc, c).add(inner).intoArray(acc, c);
      if (gw != null) fma(gv, t, FloatVector.fromArray(sp, gw, go + c)).intoArray(gw, go + c);
    }
  }

  /** Rows of {@code cols} floats copied into a heap array with rows of {@code padded} (zeros after). */
  private static float[] padRows(MemorySegment x, int rows, int cols, int padded) {
    float[] out = new float[size((long) rows * padded, "padded rows")];
    for (int i = 0; i < rows; i++) MemorySegment.copy(x, F, 4L * i * cols, out, i * padded, cols);
    return out;
  }

  /**
   * Fused additive attention, one query row per task: per key block the tanh-reduce scores
   * ({@link #additiveBlock}), scale and mask, the online softmax (running max, sum, rescale), and
   * P·V into the row's accumulator from V packed with padded rows. No n_q × n_k matrix unless the
   * weights are asked for (then scaled scores are written per block and normalised at the end).
   */
  @Override
  public void additiveAttentionForward(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment v, MemorySegment out,
      MemorySegment weights, int nq, int nk, int h, int dv, float scale, MemorySegment mask) {
    if (nq <= 0) return;
    final int wd = WIDTH;
    int dvp = roundUp(Math.max(dv, 1), wd);
    boolean par = (long) nq * nk * (h * 8 + dv) >= PARALLEL_WORK;
    float[] rt = packTransposed(r, Math.max(nk, 0), h, par);
    float[] vp = new float[size((long) roundUp(Math.max(nk, 1), wd) * dvp, "values")];
    for (int j = 0; j < nk; j++) MemorySegment.copy(v, F, 4L * j * dv, vp, j * dvp, dv);
    float[] wh = w.asSlice(0, 4L * h).toArray(F);
    parallel.run(nq, par, () -> new float[][] {new float[h], new float[wd], new float[dvp], new float[LANES]}, (sc, i) -> {
      float[] ph = sc[0], s = sc[1], o = sc[2], sum = sc[3];
      MemorySegment.copy(p, F, 4L * i * h, ph, 0, h);
      Arrays.fill(o, 0f);
      Arrays.fill(sum, 0f);
      float m = NEG_INF;
      long rowBase = (long) i * nk;
      for (int blk = 0, blocks = ceilDiv(nk, wd); blk < blocks; blk++) {
        int j0 = blk * wd, kLen = Math.min(wd, nk - j0);
        additiveBlock(ph, rt, blk * h * wd, wh, h, s, 0);
        scaleAndMask(s, 0, scale, mask, rowBase, j0, nk);
        if (weights != null) copyOut(s, 0, kLen, weights, rowBase + j0);
        float mNew = Math.max(m, rowMax(s, 0));
        if (mNew == NEG_INF) continue;                                      // nothing allowed yet
        float alpha = FloatMath.exp(m - mNew);                              // 0 at the first allowed block
        m = mNew;
        expAndSum(s, 0, mNew, sum, 0, alpha);
        rowValues(s, kLen, vp, j0, dvp, o, alpha);
      }
      finishRow(o, 0, sum, 0, m, out, i, dv, weights, nk);
    });
  }

  /** o = alpha·o + Σ_jj s[jj]·vp[(j0 + jj)·dvp ..] over dvp columns, four vectors at a time. */
  private static void rowValues(float[] s, int kLen, float[] vp, int j0, int dvp, float[] o, float alpha) {
    final VectorSpecies<Float> sp = SPECIES;
    final int l = LANES;
    FloatVector a = FloatVector.broadcast(sp, alpha);
    for (int col = 0; col < dvp; col += WIDTH) {
      FloatVector o0 = FloatVector.fromArray(sp, o, col).mul(a), o1 = FloatVector.fromArray(sp, o, col + l).mul(a);
      FloatVector o2 = FloatVector.fromArray(sp, o, col + 2 * l).mul(a), o3 = FloatVector.fromArray(sp, o, col + 3 * l).mul(a);
      for (int jj = 0; jj < kLen; jj++) {
        FloatVector pb = FloatVector.broadcast(sp, s[jj]);
        int vb = (j0 + jj) * dvp + col;
        o0 = fma(pb, FloatVector.fromArray(sp, vp, vb), o0);
        o1 = fma(pb, FloatVector.fromArray(sp, vp, vb + l), o1);
        o2 = fma(pb, FloatVector.fromArray(sp, vp, vb + 2 * l), o2);
        o3 = fma(pb, FloatVector.fromArray(sp, vp, vb + 3 * l), o3);
      }
      o0.intoArray(o, col);
      o1.intoArray(o, col + l);
      o2.intoArray(o, col + 2 * l);
      o3.intoArray(o, col + 3 * l);
    }
  }

  // ---- top-k ------------------------------------------------------------------------------------

  /**
   * Per-thread state of top-k: one query panel packed transposed, 4 key rows, the tile's scores,
   * and a sorted candidate list of k per query (best first) with each list's k-th score as the
   * threshold (−∞ until full, +∞ for padding columns). Package-private members: see the class comment.
   */
  static final class TopKScratch {
    final float[] keys4, s, best, thr;
    final int[] bestId, filled;

    TopKScratch(int d, int width, int nqPadded, int k) {
      keys4 = new float[4 * d];
      s = new float[4 * width];
      best = new float[nqPadded * k];
      bestId = new int[nqPadded * k];
      filled = new int[nqPadded];
      thr = new float[nqPadded];
    }
  }

  /**
   * Queries go in the register tile's B side (Qᵀ packed once per call, in panels of
   * {@code 4·lanes} queries), keys on its A side, read 4 rows at a time straight from the segment
   * (a memory-mapped index is never copied whole): a 4-key × panel tile of scores stays in
   * registers over d, then one vector compare per tile row against the panel's k-th-best scores
   * skips almost every key once the lists fill. Keys are split into chunks of {@value #TOPK_CHUNK};
   * each thread keeps one bounded list of k per query over the chunks it claims (in increasing id
   * order, so an equal later score never displaces an earlier id), and the threads' lists are merged
   * by (score descending, id ascending) — the answer depends on the scores alone, not on the thread
   * count. Needs k ≤ n (callers check); slots beyond n get id −1 and score −∞.
   */
  @Override
  public void topK(MemorySegment keys, int n, int d, MemorySegment queries, int nq, int k, MemorySegment ids,
      MemorySegment scores) {
    if (nq <= 0 || k <= 0) return;
    final int wd = WIDTH;
    int panels = ceilDiv(nq, wd), nqp = panels * wd, chunks = Math.max(1, ceilDiv(n, TOPK_CHUNK));
    float[] qt = new float[size((long) panels * d * wd, "queries")];       // qt[(panel·d + p)·wd + col] = Q[panel·wd + col][p]
    for (int i = 0; i < nq; i++) {
      int base = (i / wd) * d * wd + i % wd;
      for (int p = 0; p < d; p++) qt[base + p * wd] = queries.getAtIndex(F, (long) i * d + p);
    }
    boolean par = (long) nq * n * d >= PARALLEL_WORK;
    java.util.List<TopKScratch> lists = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    parallel.run(chunks, par, () -> {
      TopKScratch sc = new TopKScratch(d, wd, nqp, k);
      java.util.Arrays.fill(sc.thr, NEG_INF);
      for (int c = nq; c < nqp; c++) sc.thr[c] = Float.POSITIVE_INFINITY;  // padding columns never qualify
      lists.add(sc);
      return sc;
    }, (sc, chunk) -> topKChunk(sc, keys, d, qt, panels, k, chunk * TOPK_CHUNK, Math.min(n, (chunk + 1) * TOPK_CHUNK)));
    mergeLists(lists, nq, k, ids, scores);
  }

  private static void topKChunk(TopKScratch sc, MemorySegment keys, int d, float[] qt, int panels, int k, int from, int to) {
    final int wd = WIDTH;
    float[] kr = sc.keys4, s = sc.s;
    for (int j0 = from; j0 < to; j0 += 4) {
      int rows = Math.min(4, to - j0);
      MemorySegment.copy(keys, F, 4L * j0 * d, kr, 0, rows * d);
      if (rows < 4) Arrays.fill(kr, rows * d, 4 * d, 0f);
      for (int panel = 0; panel < panels; panel++) {
        tile4x4(kr, 0, d, qt, panel * d * wd, wd, d, s, 0, wd);
        for (int r = 0; r < rows; r++) offerRow(sc, s, r * wd, panel * wd, j0 + r, k);
      }
    }
  }

  /** Offers key {@code id}'s scores s[so + t] to the lists of queries q0 + t (t < WIDTH). */
  private static void offerRow(TopKScratch sc, float[] s, int so, int q0, int id, int k) {
    for (int t0 = 0; t0 < WIDTH; t0 += LANES) {
      long hits = FloatVector.fromArray(SPECIES, s, so + t0).compare(VectorOperators.GT, FloatVector.fromArray(SPECIES, sc.thr, q0 + t0))
          .toLong();
      while (hits != 0) {                                                   // rare once the lists fill
        int t = Long.numberOfTrailingZeros(hits);
        hits &= hits - 1;
        insert(sc, q0 + t0 + t, s[so + t0 + t], id, k);
      }
    }
  }

  /** Inserts (score, id) into query q's list (best first; an equal score stays behind the earlier ids). */
  private static void insert(TopKScratch sc, int q, float score, int id, int k) {
    float[] best = sc.best;
    int[] bestId = sc.bestId;
    int base = q * k, f = sc.filled[q];
    int pos = f < k ? f++ : k - 1;
    while (pos > 0 && best[base + pos - 1] < score) {
      best[base + pos] = best[base + pos - 1];
      bestId[base + pos] = bestId[base + pos - 1];
      pos--;
    }
    best[base + pos] = score;
    bestId[base + pos] = id;
    sc.filled[q] = f;
    if (f == k) sc.thr[q] = best[base + k - 1];
  }

  /** Merges the threads' lists per query by (score descending, id ascending) into the first k. */
  private static void mergeLists(java.util.List<TopKScratch> lists, int nq, int k, MemorySegment ids, MemorySegment scores) {
    int t = lists.size();
    int[] at = new int[t];
    for (int i = 0; i < nq; i++) {
      Arrays.fill(at, 0);
      for (int c = 0; c < k; c++) {
        int pick = -1;
        float bs = NEG_INF;
        int bi = Integer.MAX_VALUE;
        for (int x = 0; x < t; x++) {
          TopKScratch sc = lists.get(x);
          if (at[x] >= sc.filled[i]) continue;
          float sv = sc.best[i * k + at[x]];
          int iv = sc.bestId[i * k + at[x]];
          if (pick < 0 || sv > bs || (sv == bs && iv < bi)) {
            pick = x;
            bs = sv;
            bi = iv;
          }
        }
        if (pick >= 0) at[pick]++;
        ids.setAtIndex(I, (long) i * k + c, pick >= 0 ? bi : -1);
        scores.setAtIndex(F, (long) i * k + c, pick >= 0 ? bs : NEG_INF);
      }
    }
  }

  // ---- DTW --------------------------------------------------------------------------------------

  /**
   * The (diagonal, up) half of the recursion is lane-parallel — {@code cur[j] = min(prev[j − 1],
   * prev[j]) + cost[j]} — and the left neighbour is then folded in by a scalar pass,
   * {@code cur[j] = min(cur[j], cur[j − 1] + cost[j])}. Rounding is monotone, so
   * {@code min(x, y) + c = min(x + c, y + c)} exactly and the rows equal the scalar kernel's bit for
   * bit.
   */
  @Override
  public void dtwRow(MemorySegment prev, MemorySegment cost, MemorySegment cur, int m, int lo, int hi, boolean firstRow) {
    int from = Math.max(lo, 0), to = Math.min(hi, m);
    double inf = Double.POSITIVE_INFINITY;
    for (int j = 0; j < m; j++) if (j < from || j >= to) cur.setAtIndex(D, j, inf);
    if (from >= to) return;
    if (firstRow) {
      double left = inf;
      for (int j = from; j < to; j++) {
        double v = (j == 0 ? 0 : left) + cost.getAtIndex(F, j);
        cur.setAtIndex(D, j, v);
        left = v;
      }
      return;
    }
    int j = from;
    if (j == 0) {
      cur.setAtIndex(D, 0, prev.getAtIndex(D, 0) + cost.getAtIndex(F, 0));   // no diagonal, no left
      j = 1;
    }
    for (int step = DOUBLES.length(); j + step <= to; j += step) {
      DoubleVector diag = DoubleVector.fromMemorySegment(DOUBLES, prev, 8L * (j - 1), LE);
      DoubleVector up = DoubleVector.fromMemorySegment(DOUBLES, prev, 8L * j, LE);
      DoubleVector c = (DoubleVector) FloatVector.fromMemorySegment(HALF, cost, 4L * j, LE)
          .convertShape(VectorOperators.F2D, DOUBLES, 0);
      diag.min(up).add(c).intoMemorySegment(cur, 8L * j, LE);
    }
    for (; j < to; j++) cur.setAtIndex(D, j, Math.min(prev.getAtIndex(D, j - 1), prev.getAtIndex(D, j)) + cost.getAtIndex(F, j));
    double left = inf;
    for (j = from; j < to; j++) {
      double v = Math.min(cur.getAtIndex(D, j), left + cost.getAtIndex(F, j));
      cur.setAtIndex(D, j, v);
      left = v;
    }
  }

  /**
   * Many-pairs DTW with one pair per float64 lane: the pairs of a group of {@code 2·DOUBLES.length()}
   * are interleaved into heap rows (x and y as doubles, lane = pair; two vectors per element), and
   * the whole recurrence — cost, the three-way min, the left neighbour — runs lane-parallel. The
   * left-neighbour chain (one min and one add per cell) bounds a single pair; here each step of it
   * carries 2·8 pairs at 512 bits in two independent chains. Rows are banded by
   * |i·m − j·n| ≤ band·m; windows only move right, so a row writes its window and the one cell left
   * of it, and everything else a next row reads is still +∞. Groups in parallel.
   */
  @Override
  public void dtwDistances(MemorySegment x, MemorySegment y, int pairs, int n, int m, int dim, int band, MemorySegment out) {
    if (pairs <= 0) return;
    if (n <= 0 || m <= 0) {
      for (int p = 0; p < pairs; p++) out.setAtIndex(D, p, Double.POSITIVE_INFINITY);
      return;
    }
    final int l2 = 2 * DOUBLES.length();
    int groups = ceilDiv(pairs, l2);
    boolean par = (long) pairs * n * m * Math.max(dim, 1) >= PARALLEL_WORK;
    parallel.run(groups, par, () -> new double[][] {new double[size((long) n * dim * l2, "dtw x")], new double[size((long) m * dim * l2, "dtw y")],
        new double[size((long) (m + 1) * l2, "dtw row")], new double[size((long) (m + 1) * l2, "dtw row")]},
        (sc, g) -> dtwGroup(sc, x, y, pairs, g, n, m, dim, band, out));
  }

  private static void dtwGroup(double[][] sc, MemorySegment x, MemorySegment y, int pairs, int g, int n, int m, int dim, int band,
      MemorySegment out) {
    final VectorSpecies<Double> sp = DOUBLES;
    final int l = sp.length(), l2 = 2 * l;
    double[] xt = sc[0], yt = sc[1], prev = sc[2], cur = sc[3];
    int p0 = g * l2, lanes = Math.min(l2, pairs - p0);
    interleave(x, xt, p0, lanes, n * dim);
    interleave(y, yt, p0, lanes, m * dim);
    double inf = Double.POSITIVE_INFINITY;
    Arrays.fill(prev, inf);
    Arrays.fill(cur, inf);
    Arrays.fill(prev, 0, l2, 0.0);                                         // D[−1][−1] = 0
    DoubleVector infV = DoubleVector.broadcast(sp, inf);
    for (int i = 0; i < n; i++) {
      int lo = 0, hi = m;
      if (band >= 0) {
        long c = (long) i * m, w = (long) band * m;
        lo = (int) Math.max(0, Math.ceilDiv(c - w, (long) n));
        hi = (int) Math.min(m, Math.floorDiv(c + w, (long) n) + 1);
      }
      infV.intoArray(cur, lo * l2);                                         // the cell left of the window (column lo − 1)
      infV.intoArray(cur, lo * l2 + l);
      DoubleVector left0 = infV, left1 = infV;
      DoubleVector diag0 = DoubleVector.fromArray(sp, prev, lo * l2), diag1 = DoubleVector.fromArray(sp, prev, lo * l2 + l);
      int xo = i * dim * l2;
      for (int j = lo; j < hi; j++) {
        DoubleVector cost0 = DoubleVector.zero(sp), cost1 = cost0;
        int yo = j * dim * l2;
        for (int k = 0; k < dim; k++) {
          int xk = xo + k * l2, yk = yo + k * l2;
          DoubleVector d0 = DoubleVector.fromArray(sp, xt, xk).sub(DoubleVector.fromArray(sp, yt, yk));
          DoubleVector d1 = DoubleVector.fromArray(sp, xt, xk + l).sub(DoubleVector.fromArray(sp, yt, yk + l));
          cost0 = FMA ? d0.fma(d0, cost0) : d0.mul(d0).add(cost0);
          cost1 = FMA ? d1.fma(d1, cost1) : d1.mul(d1).add(cost1);
        }
        int o = (j + 1) * l2;
        DoubleVector up0 = DoubleVector.fromArray(sp, prev, o), up1 = DoubleVector.fromArray(sp, prev, o + l);
        left0 = cost0.add(diag0.min(up0).min(left0));
        left1 = cost1.add(diag1.min(up1).min(left1));
        left0.intoArray(cur, o);
        left1.intoArray(cur, o + l);
        diag0 = up0;
        diag1 = up1;
      }
      double[] t = prev;
      prev = cur;
      cur = t;
    }
    for (int t = 0; t < lanes; t++) out.setAtIndex(D, p0 + t, prev[m * l2 + t]);
  }

  /** dst[e·2L + t] = src[(p0 + t)·len + e] as doubles for t < lanes (zeros in the other lanes). */
  private static void interleave(MemorySegment src, double[] dst, int p0, int lanes, int len) {
    final int l = 2 * DOUBLES.length();
    if (lanes < l) Arrays.fill(dst, 0, len * l, 0.0);
    for (int t = 0; t < lanes; t++) {
      long base = (long) (p0 + t) * len;
      for (int e = 0; e < len; e++) dst[e * l + t] = src.getAtIndex(F, base + e);
    }
  }
}
