package org.attention4j.simd.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.attention4j.api.spi.Kernels;

/**
 * The Vector API twin of attention-api's {@code ScalarKernels}: the same ops with the same
 * semantics (masks 1 = may attend; a row with nothing to attend gets zero weights and a zero output;
 * masked keys get exactly 0; top-k ties go to the lower index; DTW rows in float64), computed in
 * float32 with FMA. Data is read zero-copy from the segments passed in
 * ({@code FloatVector.fromMemorySegment}, little-endian); inputs are repacked into small heap tiles
 * only where a kernel reuses them many times.
 *
 * <p><b>The tile.</b> Matmul, the scores and the P·V step of attention, and top-k all run one
 * register tile, {@link #tile4x4}: 4 rows × 4 vectors of C, fed by broadcasts of A and vector
 * loads of a packed B, so no horizontal sum sits in an inner loop.
 *
 * <p><b>Attention.</b> {@link #attentionForward} is fused and tiled: per block of 4 query rows it
 * walks the keys in blocks of {@code 4 · lanes}, keeping a running max, a running sum and the
 * output accumulators (the online softmax of flash attention), so no n_q × n_k matrix exists
 * unless the weights are asked for (then the scaled scores are written block by block into the
 * caller's weights and normalised at the end of the row). Query blocks run in parallel. With at
 * most {@value #DECODE_ROWS} query rows (decoding) the keys are split into chunks of
 * {@value #DECODE_CHUNK} instead, read straight from the segments, and the per-chunk (max, sum,
 * output) triples are merged in chunk order.
 *
 * <p><b>Determinism.</b> Every output element is computed by one thread in a fixed order, and the
 * split of the work depends only on the shapes, so results are bitwise the same for any thread
 * count. The kernels avoid the two Vector API operations whose results depend on whether code is
 * interpreted or compiled (a float {@code reduceLanes(ADD)} and the lane-wise transcendental
 * functions): sums across lanes use a fixed tree ({@link #sumLanes}), and {@code exp} and
 * {@code tanh} are written here from adds, multiplies, FMAs and bit operations, with scalar twins
 * that give the same bits.
 */
final class PanamaKernels implements Kernels {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
  private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
  private static final boolean FMA = Platform.FMA;
  private static final float NEG_INF = Float.NEGATIVE_INFINITY;

  /** attentionForward takes the decode path (keys split across threads) up to this many query rows. */
  static final int DECODE_ROWS = 3;
  /** Keys per chunk on the decode path. */
  static final int DECODE_CHUNK = 256;
  /** Keys per chunk of top-k (the unit of parallel work; chunk results merge by (score, id)). */
  static final int TOPK_CHUNK = 4096;
  /** Multiply-adds below which a call stays on the calling thread. */
  static final long PARALLEL_WORK = 1L << 18;

  private final VectorSpecies<Float> species;
  private final VectorSpecies<Float> halfSpecies;     // floats that widen to one double vector (DTW)
  private final VectorSpecies<Double> doubles;
  private final VectorSpecies<Byte> bytes;            // mask bytes, one per float lane; null below 8 lanes
  private final int lanes;
  private final int width;                            // columns of a tile: 4 vectors
  private final Parallel parallel;

  /** Kernels of the given vector shape, with {@value Parallel#THREADS_PROPERTY} threads (default: all processors). */
  PanamaKernels(VectorShape shape) { this(shape, Parallel.threadsFromProperty()); }

  PanamaKernels(VectorShape shape, int threads) {
    this.species = VectorSpecies.of(float.class, shape);
    if (species.length() < 4) {
      throw new IllegalArgumentException("shape: expected at least 128 bits (4 float lanes), got " + shape.vectorBitSize()
          + " bits");
    }
    this.halfSpecies = VectorSpecies.of(float.class, VectorShape.forBitSize(shape.vectorBitSize() / 2));
    this.doubles = VectorSpecies.of(double.class, shape);
    this.bytes = species.length() >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * species.length())) : null;
    this.lanes = species.length();
    this.width = 4 * lanes;
    this.parallel = new Parallel(threads);
  }

  /** The JVM's preferred vector width in bits (links the Vector API: call only when the module is present). */
  static int preferredBits() { return FloatVector.SPECIES_PREFERRED.vectorBitSize(); }

  int threads() { return parallel.threads(); }

  int vectorBits() { return species.vectorBitSize(); }

  @Override public String id() { return "simd"; }

  @Override public String describe() {
    return "simd (panama, " + species.vectorBitSize() + "-bit, FMA " + (FMA ? "on" : "off") + ", " + parallel.threads()
        + (parallel.threads() == 1 ? " thread)" : " threads)");
  }

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

  private static float fma(float a, float b, float c) { return FMA ? Math.fma(a, b, c) : a * b + c; }

  private FloatVector splat(float x) { return FloatVector.broadcast(species, x); }

  /** {@code n} floats from element {@code index} (fewer than a vector: the rest are 0; none when n ≤ 0). */
  private FloatVector load(MemorySegment s, long index, int n) {
    if (n >= lanes) return FloatVector.fromMemorySegment(species, s, 4 * index, LE);
    return FloatVector.fromMemorySegment(species, s, 4 * index, LE, species.indexInRange(0, n));
  }

  /** Stores the first {@code min(n, lanes)} lanes at element {@code index} (nothing when n ≤ 0). */
  private void store(FloatVector v, MemorySegment s, long index, int n) {
    if (n >= lanes) v.intoMemorySegment(s, 4 * index, LE);
    else v.intoMemorySegment(s, 4 * index, LE, species.indexInRange(0, n));
  }

  /** Lanes {@code j .. j + lanes − 1} of the mask row at {@code rowBase} that may attend, and are below {@code limit}. */
  private VectorMask<Float> allowed(MemorySegment mask, long rowBase, int j, int limit) {
    int n = limit - j;
    if (n <= 0) return species.maskAll(false);
    if (mask == null) return n >= lanes ? species.maskAll(true) : species.indexInRange(0, n);
    if (n >= lanes && bytes != null) {
      return ByteVector.fromMemorySegment(bytes, mask, rowBase + j, LE).compare(VectorOperators.NE, (byte) 0).cast(species);
    }
    long bits = 0;
    for (int t = 0, e = Math.min(n, lanes); t < e; t++) if (mask.get(JAVA_BYTE, rowBase + j + t) != 0) bits |= 1L << t;
    return VectorMask.fromLong(species, bits);
  }

  /** The sum of the lanes by a fixed pairwise tree (the same bits interpreted or compiled). */
  float sumLanes(FloatVector v) {
    for (int s = lanes >> 1; s > 0; s >>= 1) v = v.add(v.slice(s));
    return v.lane(0);
  }

  // ---- exp and tanh: vector versions and scalar twins that give the same bits -------------------

  static final float EXP_LO = -87.33654f;      // ≈ ln(2^−126): below it exp is 0 (subnormal results flushed)
  static final float EXP_HI = 88.0f;           // above it exp is +∞ (2^127 is the largest power used)
  private static final float LOG2E = 1.44269504f;
  private static final float MAGIC = 12582912f;  // 1.5·2^23: adding it rounds to an integer
  private static final int EXP_BIAS = 127 - Float.floatToRawIntBits(MAGIC);
  private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;   // Cody–Waite split of ln 2
  // Cephes expf: e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2
  private static final float E5 = 1.9875691500e-4f, E4 = 1.3981999507e-3f, E3 = 8.3334519073e-3f,
      E2 = 4.1665795894e-2f, E1 = 1.6666665459e-1f, E0 = 5.0000001201e-1f;

  /** e^x, within 2 ulp on [EXP_LO, EXP_HI]; 0 below, +∞ above. */
  FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(EXP_LO).min(EXP_HI);
    FloatVector t = fma(xc, splat(LOG2E), splat(MAGIC));
    FloatVector n = t.sub(MAGIC);
    FloatVector r = fma(n, splat(-LN2_HI), xc);
    r = fma(n, splat(-LN2_LO), r);
    FloatVector z = r.mul(r);
    FloatVector y = fma(splat(E5), r, splat(E4));
    y = fma(y, r, splat(E3));
    y = fma(y, r, splat(E2));
    y = fma(y, r, splat(E1));
    y = fma(y, r, splat(E0));
    y = fma(y, z, r).add(1f);
    FloatVector pow2 = t.reinterpretAsInts().add(EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector e = y.mul(pow2);
    return e.blend(0f, x.compare(VectorOperators.LT, EXP_LO)).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
  }

  /** The scalar twin of {@link #exp(FloatVector)}: the same operations, so the same bits. */
  static float exp(float x) {
    float xc = Math.min(Math.max(x, EXP_LO), EXP_HI);
    float t = fma(xc, LOG2E, MAGIC);
    float n = t - MAGIC;
    float r = fma(n, -LN2_HI, xc);
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

  static final float TANH_CUT = 0.5f;          // below: odd Taylor polynomial; at or above: 1 − 2/(e^{2|x|} + 1)
  private static final float T3 = (float) (-1.0 / 3), T5 = (float) (2.0 / 15), T7 = (float) (-17.0 / 315),
      T9 = (float) (62.0 / 2835), T11 = (float) (-1382.0 / 155925), T13 = (float) (21844.0 / 6081075),
      T15 = (float) (-929569.0 / 638512875), T17 = (float) (6404582.0 / 10854718875.0);

  /** tanh x, within a few ulp; exactly ±1 once e^{2|x|} overflows. */
  FloatVector tanh(FloatVector x) {
    FloatVector ax = x.abs();
    FloatVector x2 = x.mul(x);
    FloatVector p = fma(splat(T17), x2, splat(T15));
    p = fma(p, x2, splat(T13));
    p = fma(p, x2, splat(T11));
    p = fma(p, x2, splat(T9));
    p = fma(p, x2, splat(T7));
    p = fma(p, x2, splat(T5));
    p = fma(p, x2, splat(T3));
    FloatVector small = fma(x.mul(x2), p, x);
    FloatVector e = exp(ax.add(ax));
    FloatVector large = splat(1f).sub(splat(2f).div(e.add(1f)));
    large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
    return small.blend(large, ax.compare(VectorOperators.GE, TANH_CUT));
  }

  /** The scalar twin of {@link #tanh(FloatVector)}. */
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

  // ---- the register tile ------------------------------------------------------------------------

  /**
   * {@code C[r][t·L + l] (= or +=) Σ_p A[r][p] · B[p][t·L + l]} for r, t < 4: A at
   * {@code a[aOff + r·lda + p]}, B at {@code b[bOff + p·ldb + t·L + l]}, C at
   * {@code c[cOff + r·ldc + t·L + l]}. With {@code rowScale}, C's old rows are first multiplied by
   * {@code rowScale[r]} (the online-softmax rescale); without, C is overwritten.
   */
  private void tile4x4(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, int kLen, float[] c, int cOff, int ldc,
      float[] rowScale) {
    final VectorSpecies<Float> sp = species;
    final int l = lanes;
    final int c0 = cOff, c1 = cOff + ldc, c2 = cOff + 2 * ldc, c3 = cOff + 3 * ldc;
    FloatVector x00, x01, x02, x03, x10, x11, x12, x13, x20, x21, x22, x23, x30, x31, x32, x33;
    if (rowScale == null) {
      x00 = x01 = x02 = x03 = x10 = x11 = x12 = x13 = x20 = x21 = x22 = x23 = x30 = x31 = x32 = x33 = FloatVector.zero(sp);
    } else {
      float s0 = rowScale[0], s1 = rowScale[1], s2 = rowScale[2], s3 = rowScale[3];
      x00 = FloatVector.fromArray(sp, c, c0).mul(s0);
      x01 = FloatVector.fromArray(sp, c, c0 + l).mul(s0);
      x02 = FloatVector.fromArray(sp, c, c0 + 2 * l).mul(s0);
      x03 = FloatVector.fromArray(sp, c, c0 + 3 * l).mul(s0);
      x10 = FloatVector.fromArray(sp, c, c1).mul(s1);
      x11 = FloatVector.fromArray(sp, c, c1 + l).mul(s1);
      x12 = FloatVector.fromArray(sp, c, c1 + 2 * l).mul(s1);
      x13 = FloatVector.fromArray(sp, c, c1 + 3 * l).mul(s1);
      x20 = FloatVector.fromArray(sp, c, c2).mul(s2);
      x21 = FloatVector.fromArray(sp, c, c2 + l).mul(s2);
      x22 = FloatVector.fromArray(sp, c, c2 + 2 * l).mul(s2);
      x23 = FloatVector.fromArray(sp, c, c2 + 3 * l).mul(s2);
      x30 = FloatVector.fromArray(sp, c, c3).mul(s3);
      x31 = FloatVector.fromArray(sp, c, c3 + l).mul(s3);
      x32 = FloatVector.fromArray(sp, c, c3 + 2 * l).mul(s3);
      x33 = FloatVector.fromArray(sp, c, c3 + 3 * l).mul(s3);
    }
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
    final int w = width;
    final int panels = ceilDiv(n, w);
    float[] bp = new float[size((long) panels * k * w, "matmul B")];   // B in panels of w columns: bp[(panel·k + p)·w + col]
    boolean par = (long) m * n * Math.max(k, 1) >= PARALLEL_WORK;
    parallel.run(panels, par, () -> new float[transB ? k : 0], (row, panel) -> packPanel(b, transB, bp, row, panel, n, k));
    parallel.run(ceilDiv(m, 4), par, () -> new float[][] {new float[4 * k], new float[4 * w]},
        (s, tile) -> matmulTile(a, transA, bp, c, s[0], s[1], tile, m, n, k, alpha, beta));
  }

  private void packPanel(MemorySegment b, boolean transB, float[] bp, float[] row, int panel, int n, int k) {
    final int w = width;
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

  private void matmulTile(MemorySegment a, boolean transA, float[] bp, MemorySegment c, float[] at, float[] ct, int tile,
      int m, int n, int k, float alpha, float beta) {
    final int w = width, l = lanes;
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
    FloatVector betaV = splat(beta);
    for (int panel = 0, panels = ceilDiv(n, w); panel < panels; panel++) {
      tile4x4(at, 0, k, bp, panel * k * w, w, k, ct, 0, w, null);
      for (int r = 0; r < rows; r++) {
        for (int t = 0; t < 4; t++) {
          int j = panel * w + t * l;
          if (j >= n) break;
          long ci = (long) (i0 + r) * n + j;
          FloatVector val = FloatVector.fromArray(species, ct, r * w + t * l).mul(alpha);
          if (beta != 0f) val = fma(load(c, ci, n - j), betaV, val);
          store(val, c, ci, n - j);
        }
      }
    }
  }

  // ---- softmax ----------------------------------------------------------------------------------

  @Override
  public void softmaxRows(MemorySegment s, MemorySegment out, int rows, int cols, float scale, MemorySegment mask) {
    boolean par = (long) rows * cols * 16 >= PARALLEL_WORK;
    parallel.run(rows, par, () -> null, (none, i) -> softmaxRow(s, out, i, cols, scale, mask));
  }

  private void softmaxRow(MemorySegment s, MemorySegment out, int i, int cols, float scale, MemorySegment mask) {
    final int l = lanes;
    long base = (long) i * cols;
    FloatVector negInf = splat(NEG_INF), mx = negInf;
    for (int j = 0; j < cols; j += l) {
      FloatVector sv = load(s, base + j, cols - j).mul(scale);
      mx = mx.max(negInf.blend(sv, allowed(mask, base, j, cols)));
    }
    float m = mx.reduceLanes(VectorOperators.MAX);
    if (m == NEG_INF) {                                    // nothing to attend: zero weights, never NaN
      out.asSlice(4 * base, 4L * cols).fill((byte) 0);
      return;
    }
    FloatVector mv = splat(m), zero = FloatVector.zero(species), sum = zero;
    for (int j = 0; j < cols; j += l) {
      VectorMask<Float> ok = allowed(mask, base, j, cols);
      FloatVector p = zero.blend(exp(load(s, base + j, cols - j).mul(scale).sub(mv)), ok);
      store(p, out, base + j, cols - j);
      sum = sum.add(p);
    }
    FloatVector total = splat(sumLanes(sum));
    for (int j = 0; j < cols; j += l) store(load(out, base + j, cols - j).div(total), out, base + j, cols - j);
  }

  @Override
  public void softmaxBackwardRows(MemorySegment a, MemorySegment dA, MemorySegment dS, int rows, int cols, float scale) {
    final int l = lanes;
    FloatVector zero = FloatVector.zero(species);
    for (int i = 0; i < rows; i++) {
      long base = (long) i * cols;
      FloatVector acc = zero;
      for (int j = 0; j < cols; j += l) acc = fma(load(a, base + j, cols - j), load(dA, base + j, cols - j), acc);
      float dot = sumLanes(acc);
      for (int j = 0; j < cols; j += l) {
        FloatVector av = load(a, base + j, cols - j);
        FloatVector ds = av.mul(scale).mul(load(dA, base + j, cols - j).sub(dot));
        store(ds.blend(0f, av.compare(VectorOperators.EQ, 0f)), dS, base + j, cols - j);   // zero weight: +0, never −0
      }
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

  /** Per-thread scratch of the tiled forward pass. */
  private static final class TileScratch {
    final float[] q, s, o, m, sum, alpha;

    TileScratch(int d, int width, int dvPadded, int lanes) {
      q = new float[4 * d];
      s = new float[4 * width];
      o = new float[4 * dvPadded];
      m = new float[4];
      sum = new float[4 * lanes];
      alpha = new float[4];
    }
  }

  private void prefill(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment out, MemorySegment weights, int nq,
      int nk, int d, int dv, float scale, MemorySegment mask) {
    final int w = width;
    int blocks = ceilDiv(nk, w), dvp = roundUp(dv, w);
    float[] kt = new float[size((long) blocks * d * w, "keys")];      // Kᵀ by key block: kt[(block·d + p)·w + col]
    float[] vp = new float[size((long) nk * dvp, "values")];          // V, rows padded to dvp
    boolean par = (long) nq * nk * (d + dv) >= PARALLEL_WORK;
    parallel.run(blocks, par, () -> new float[d], (row, blk) -> packKeysAndValues(k, v, kt, vp, row, blk, nk, d, dv, dvp));
    parallel.run(ceilDiv(nq, 4), par, () -> new TileScratch(d, w, dvp, lanes),
        (s, tile) -> attendTile(s, tile, kt, vp, q, out, weights, nq, nk, d, dv, dvp, scale, mask));
  }

  private void packKeysAndValues(MemorySegment k, MemorySegment v, float[] kt, float[] vp, float[] row, int blk, int nk,
      int d, int dv, int dvp) {
    final int w = width;
    int j0 = blk * w, n = Math.min(w, nk - j0), base = blk * d * w;
    for (int jj = 0; jj < n; jj++) {
      int j = j0 + jj;
      MemorySegment.copy(k, F, 4L * j * d, row, 0, d);
      for (int p = 0; p < d; p++) kt[base + p * w + jj] = row[p];
      MemorySegment.copy(v, F, 4L * j * dv, vp, j * dvp, dv);
    }
  }

  /** One block of 4 query rows against every key block: online softmax, then P·V into the row accumulators. */
  private void attendTile(TileScratch sc, int tile, float[] kt, float[] vp, MemorySegment q, MemorySegment out,
      MemorySegment weights, int nq, int nk, int d, int dv, int dvp, float scale, MemorySegment mask) {
    final int l = lanes, w = width;
    final float[] s = sc.s, m = sc.m, sum = sc.sum, alpha = sc.alpha, o = sc.o;
    int i0 = 4 * tile, rows = Math.min(4, nq - i0);
    MemorySegment.copy(q, F, 4L * i0 * d, sc.q, 0, rows * d);
    Arrays.fill(sc.q, rows * d, 4 * d, 0f);
    Arrays.fill(o, 0f);
    Arrays.fill(sum, 0f);
    Arrays.fill(m, NEG_INF);
    FloatVector negInf = splat(NEG_INF);
    for (int blk = 0, blocks = ceilDiv(nk, w); blk < blocks; blk++) {
      int j0 = blk * w, kLen = Math.min(w, nk - j0);
      tile4x4(sc.q, 0, d, kt, blk * d * w, w, d, s, 0, w, null);              // S = Q·Kᵀ for this block
      for (int r = 0; r < 4; r++) {
        int so = r * w;
        if (r >= rows) {                                                    // padding rows: no contribution
          Arrays.fill(s, so, so + w, 0f);
          alpha[r] = 1f;
          continue;
        }
        long rowBase = (long) (i0 + r) * nk;
        FloatVector mx = negInf;
        for (int t = 0; t < w; t += l) {
          FloatVector sv = negInf.blend(FloatVector.fromArray(species, s, so + t).mul(scale), allowed(mask, rowBase, j0 + t, nk));
          sv.intoArray(s, so + t);
          mx = mx.max(sv);
        }
        if (weights != null) {                                              // scaled scores now, normalised at the end
          for (int t = 0; t < kLen; t += l) store(FloatVector.fromArray(species, s, so + t), weights, rowBase + j0 + t, kLen - t);
        }
        float mNew = Math.max(m[r], mx.reduceLanes(VectorOperators.MAX));
        if (mNew == NEG_INF) {                                              // nothing allowed yet
          Arrays.fill(s, so, so + w, 0f);
          alpha[r] = 1f;
          continue;
        }
        float a = exp(m[r] - mNew);                                         // rescale of what came before (0 at first)
        alpha[r] = a;
        m[r] = mNew;
        FloatVector mv = splat(mNew), acc = FloatVector.fromArray(species, sum, r * l).mul(a);
        for (int t = 0; t < w; t += l) {
          FloatVector p = exp(FloatVector.fromArray(species, s, so + t).sub(mv));   // masked: exp(−∞) = 0
          p.intoArray(s, so + t);
          acc = acc.add(p);
        }
        acc.intoArray(sum, r * l);
      }
      for (int col = 0; col < dvp; col += w) tile4x4(s, 0, w, vp, j0 * dvp + col, dvp, kLen, o, col, dvp, alpha);
    }
    for (int r = 0; r < rows; r++) {
      int i = i0 + r;
      float total = sumLanes(FloatVector.fromArray(species, sum, r * l));
      if (total == 0f) {                                                    // fully masked row: exact zeros
        out.asSlice(4L * i * dv, 4L * dv).fill((byte) 0);
        if (weights != null) weights.asSlice(4L * i * nk, 4L * nk).fill((byte) 0);
        continue;
      }
      FloatVector tv = splat(total);
      for (int c = 0; c < dv; c += l) store(FloatVector.fromArray(species, o, r * dvp + c).div(tv), out, (long) i * dv + c, dv - c);
      if (weights != null) normaliseWeights(weights, (long) i * nk, nk, m[r], tv);
    }
  }

  /** Scaled scores (−∞ where masked) → exp(s − max) / sum, in place. */
  private void normaliseWeights(MemorySegment weights, long base, int nk, float max, FloatVector total) {
    FloatVector mv = splat(max);
    for (int j = 0; j < nk; j += lanes) store(exp(load(weights, base + j, nk - j).sub(mv)).div(total), weights, base + j, nk - j);
  }

  /** Per-thread scratch of the decode path. */
  private static final class ChunkScratch {
    final float[] q, s;

    ChunkScratch(int dPadded, int chunk) {
      q = new float[dPadded];
      s = new float[chunk];
    }
  }

  private void decode(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment out, MemorySegment weights, int nq,
      int nk, int d, int dv, float scale, MemorySegment mask) {
    final int l = lanes;
    int chunks = Math.max(1, ceilDiv(nk, DECODE_CHUNK)), dvp = roundUp(dv, l), dp = roundUp(d, l);
    float[] cm = new float[nq * chunks], cs = new float[nq * chunks];
    float[] co = new float[size((long) nq * chunks * dvp, "decode outputs")];
    boolean par = (long) nq * nk * (d + dv) >= PARALLEL_WORK;
    parallel.run(nq * chunks, par, () -> new ChunkScratch(dp, DECODE_CHUNK),
        (s, task) -> decodeChunk(s, task / chunks, task % chunks, chunks, q, k, v, weights, cm, cs, co, nk, d, dv, dvp, scale,
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
        float f = exp(cm[slot] - max);
        if (f == 0f) continue;
        total = fma(cs[slot], f, total);
        FloatVector fv = splat(f);
        for (int col = 0; col < dvp; col += l) {
          fma(fv, FloatVector.fromArray(species, co, slot * dvp + col), FloatVector.fromArray(species, acc, col)).intoArray(acc, col);
        }
      }
      FloatVector tv = splat(total);
      for (int col = 0; col < dv; col += l) store(FloatVector.fromArray(species, acc, col).div(tv), out, (long) i * dv + col, dv - col);
      if (weights != null) normaliseWeights(weights, (long) i * nk, nk, max, tv);
    }
  }

  /** Keys [c·CHUNK, (c+1)·CHUNK) for query row i: the chunk's max, sum of exp and unnormalised output. */
  private void decodeChunk(ChunkScratch sc, int i, int c, int chunks, MemorySegment q, MemorySegment k, MemorySegment v,
      MemorySegment weights, float[] cm, float[] cs, float[] co, int nk, int d, int dv, int dvp, float scale,
      MemorySegment mask) {
    final int l = lanes;
    final float[] qh = sc.q, s = sc.s;
    int j0 = c * DECODE_CHUNK, n = Math.max(0, Math.min(DECODE_CHUNK, nk - j0)), nPad = roundUp(n, l);
    int slot = i * chunks + c;
    long rowBase = (long) i * nk;
    MemorySegment.copy(q, F, 4L * i * d, qh, 0, d);
    FloatVector zero = FloatVector.zero(species);
    for (int jj = 0; jj < n; jj++) {
      int j = j0 + jj;
      if (mask != null && mask.get(JAVA_BYTE, rowBase + j) == 0) {
        s[jj] = NEG_INF;
        continue;
      }
      long kb = (long) j * d;
      FloatVector acc = zero;
      for (int p = 0; p < d; p += l) acc = fma(FloatVector.fromArray(species, qh, p), load(k, kb + p, d - p), acc);
      s[jj] = sumLanes(acc) * scale;
    }
    Arrays.fill(s, n, nPad, NEG_INF);
    if (weights != null) MemorySegment.copy(s, 0, weights, F, 4 * (rowBase + j0), n);
    FloatVector mx = splat(NEG_INF);
    for (int jj = 0; jj < nPad; jj += l) mx = mx.max(FloatVector.fromArray(species, s, jj));
    float max = mx.reduceLanes(VectorOperators.MAX);
    cm[slot] = max;
    int ob = slot * dvp;
    if (max == NEG_INF) {
      cs[slot] = 0f;
      Arrays.fill(co, ob, ob + dvp, 0f);
      return;
    }
    FloatVector mv = splat(max), sum = zero;
    for (int jj = 0; jj < nPad; jj += l) {
      FloatVector p = exp(FloatVector.fromArray(species, s, jj).sub(mv));
      p.intoArray(s, jj);
      sum = sum.add(p);
    }
    cs[slot] = sumLanes(sum);
    for (int col = 0; col < dvp; col += 4 * l) {                           // up to 4 vectors of output columns
      FloatVector o0 = zero, o1 = zero, o2 = zero, o3 = zero;
      for (int jj = 0; jj < n; jj++) {
        float pj = s[jj];
        if (pj == 0f) continue;                                             // masked or underflowed: adds nothing
        FloatVector pb = splat(pj);
        long vb = (long) (j0 + jj) * dv + col;
        int left = dv - col;
        o0 = fma(pb, load(v, vb, left), o0);
        o1 = fma(pb, load(v, vb + l, left - l), o1);
        o2 = fma(pb, load(v, vb + 2 * l, left - 2 * l), o2);
        o3 = fma(pb, load(v, vb + 3 * l, left - 3 * l), o3);
      }
      o0.intoArray(co, ob + col);
      if (col + l < dvp) o1.intoArray(co, ob + col + l);
      if (col + 2 * l < dvp) o2.intoArray(co, ob + col + 2 * l);
      if (col + 3 * l < dvp) o3.intoArray(co, ob + col + 3 * l);
    }
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

  @Override
  public void additiveScores(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment s, int nq, int nk, int h) {
    final int wd = width;
    int blocks = ceilDiv(nk, wd);
    float[] rt = new float[size((long) blocks * h * wd, "projected keys")];  // Rᵀ by key block: rt[(block·h + c)·wd + col]
    float[] wh = w.asSlice(0, 4L * h).toArray(F);
    boolean par = (long) nq * nk * h * 8 >= PARALLEL_WORK;
    parallel.run(blocks, par, () -> new float[h], (row, blk) -> {
      int j0 = blk * wd, n = Math.min(wd, nk - j0), base = blk * h * wd;
      for (int jj = 0; jj < n; jj++) {
        MemorySegment.copy(r, F, 4L * (j0 + jj) * h, row, 0, h);
        for (int c = 0; c < h; c++) rt[base + c * wd + jj] = row[c];
      }
    });
    parallel.run(nq, par, () -> new float[h], (ph, i) -> additiveRow(ph, i, p, rt, wh, s, nk, h));
  }

  private void additiveRow(float[] ph, int i, MemorySegment p, float[] rt, float[] wh, MemorySegment s, int nk, int h) {
    final int l = lanes, wd = width;
    MemorySegment.copy(p, F, 4L * i * h, ph, 0, h);
    FloatVector zero = FloatVector.zero(species);
    for (int blk = 0, blocks = ceilDiv(nk, wd); blk < blocks; blk++) {
      int j0 = blk * wd, kLen = Math.min(wd, nk - j0), base = blk * h * wd;
      FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
      for (int c = 0; c < h; c++) {
        FloatVector pc = splat(ph[c]), wc = splat(wh[c]);
        int o = base + c * wd;
        a0 = fma(wc, tanh(pc.add(FloatVector.fromArray(species, rt, o))), a0);
        a1 = fma(wc, tanh(pc.add(FloatVector.fromArray(species, rt, o + l))), a1);
        a2 = fma(wc, tanh(pc.add(FloatVector.fromArray(species, rt, o + 2 * l))), a2);
        a3 = fma(wc, tanh(pc.add(FloatVector.fromArray(species, rt, o + 3 * l))), a3);
      }
      long sb = (long) i * nk + j0;
      store(a0, s, sb, kLen);
      store(a1, s, sb + l, kLen - l);
      store(a2, s, sb + 2 * l, kLen - 2 * l);
      store(a3, s, sb + 3 * l, kLen - 3 * l);
    }
  }

  @Override
  public void additiveBackward(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment dS, MemorySegment dP,
      MemorySegment dR, MemorySegment dw, int nq, int nk, int h) {
    final int l = lanes;
    int hp = roundUp(h, l);
    float[] ph = padRows(p, nq, h, hp), rh = padRows(r, nk, h, hp), wh = padRows(w, 1, h, hp);
    float[] gr = new float[size((long) nk * hp, "dR")], gpRow = new float[hp], gwRow = new float[hp];
    double[] gw = new double[hp];
    FloatVector one = splat(1f);
    for (int i = 0; i < nq; i++) {
      Arrays.fill(gpRow, 0f);
      Arrays.fill(gwRow, 0f);
      for (int j = 0; j < nk; j++) {
        float g = dS.getAtIndex(F, (long) i * nk + j);
        if (g == 0f) continue;                                             // no upstream gradient, no term
        FloatVector gv = splat(g);
        for (int c = 0; c < hp; c += l) {
          FloatVector t = tanh(FloatVector.fromArray(species, ph, i * hp + c).add(FloatVector.fromArray(species, rh, j * hp + c)));
          fma(gv, t, FloatVector.fromArray(species, gwRow, c)).intoArray(gwRow, c);
          FloatVector inner = gv.mul(FloatVector.fromArray(species, wh, c)).mul(one.sub(t.mul(t)));
          FloatVector.fromArray(species, gpRow, c).add(inner).intoArray(gpRow, c);
          FloatVector.fromArray(species, gr, j * hp + c).add(inner).intoArray(gr, j * hp + c);
        }
      }
      MemorySegment.copy(gpRow, 0, dP, F, 4L * i * h, h);
      for (int c = 0; c < h; c++) gw[c] += gwRow[c];
    }
    for (int j = 0; j < nk; j++) MemorySegment.copy(gr, j * hp, dR, F, 4L * j * h, h);
    for (int c = 0; c < h; c++) dw.setAtIndex(F, c, (float) gw[c]);
  }

  /** Rows of {@code cols} floats copied into a heap array with rows of {@code padded} (zeros after). */
  private static float[] padRows(MemorySegment x, int rows, int cols, int padded) {
    float[] out = new float[size((long) rows * padded, "padded rows")];
    for (int i = 0; i < rows; i++) MemorySegment.copy(x, F, 4L * i * cols, out, i * padded, cols);
    return out;
  }

  // ---- top-k ------------------------------------------------------------------------------------

  /**
   * Scores by the register tile (keys packed transposed one block at a time), candidates kept per
   * chunk of {@value #TOPK_CHUNK} keys and query (a vector compare against the current k-th best
   * skips most keys), then the chunk lists merged by (score descending, id ascending). The answer
   * depends on the scores alone, not on the chunking or the thread count. Needs k ≤ n (callers
   * check); slots beyond n get id −1 and score −∞.
   */
  @Override
  public void topK(MemorySegment keys, int n, int d, MemorySegment queries, int nq, int k, MemorySegment ids,
      MemorySegment scores) {
    if (nq <= 0 || k <= 0) return;
    final int wd = width;
    int chunks = Math.max(1, ceilDiv(n, TOPK_CHUNK)), kc = Math.min(k, TOPK_CHUNK), qTiles = ceilDiv(nq, 4);
    float[] qt = new float[size((long) qTiles * 4 * d, "queries")];
    MemorySegment.copy(queries, F, 0, qt, 0, size((long) nq * d, "queries"));
    float[] best = new float[size((long) chunks * nq * kc, "top-k candidates")];
    int[] bestId = new int[best.length], filled = new int[chunks * nq];
    boolean par = (long) nq * n * d >= PARALLEL_WORK;
    parallel.run(chunks, par, () -> new float[][] {new float[d * wd], new float[4 * wd], new float[d]}, (sc, chunk) -> {
      float[] kt = sc[0], s = sc[1], row = sc[2];
      int end = Math.min(n, (chunk + 1) * TOPK_CHUNK);
      for (int j0 = chunk * TOPK_CHUNK; j0 < end; j0 += wd) {
        int kLen = Math.min(wd, end - j0);
        if (kLen < wd) Arrays.fill(kt, 0f);
        for (int jj = 0; jj < kLen; jj++) {
          MemorySegment.copy(keys, F, 4L * (j0 + jj) * d, row, 0, d);
          for (int p = 0; p < d; p++) kt[p * wd + jj] = row[p];
        }
        for (int tile = 0; tile < qTiles; tile++) {
          tile4x4(qt, 4 * tile * d, d, kt, 0, wd, d, s, 0, wd, null);
          for (int r = 0, rows = Math.min(4, nq - 4 * tile); r < rows; r++) {
            int list = chunk * nq + 4 * tile + r;
            select(s, r * wd, kLen, j0, best, bestId, list * kc, kc, filled, list);
          }
        }
      }
    });
    float[] mergedS = new float[k], tmpS = new float[k];
    int[] mergedI = new int[k], tmpI = new int[k];
    for (int i = 0; i < nq; i++) {
      int have = 0;
      for (int chunk = 0; chunk < chunks; chunk++) {                       // chunks in id order: on equal scores the earlier wins
        int list = chunk * nq + i, base = list * kc, f = filled[list], total = Math.min(k, have + f);
        for (int x = 0, y = 0, z = 0; z < total; z++) {
          if (y >= f || (x < have && mergedS[x] >= best[base + y])) {
            tmpS[z] = mergedS[x];
            tmpI[z] = mergedI[x++];
          } else {
            tmpS[z] = best[base + y];
            tmpI[z] = bestId[base + y++];
          }
        }
        float[] fs = mergedS;
        mergedS = tmpS;
        tmpS = fs;
        int[] fi = mergedI;
        mergedI = tmpI;
        tmpI = fi;
        have = total;
      }
      for (int c = 0; c < k; c++) {
        ids.setAtIndex(I, (long) i * k + c, c < have ? mergedI[c] : -1);
        scores.setAtIndex(F, (long) i * k + c, c < have ? mergedS[c] : NEG_INF);
      }
    }
  }

  /** Offers scores s[so .. so + kLen) (ids j0 + t) to a sorted candidate list, best first, earlier id first on ties. */
  private void select(float[] s, int so, int kLen, int j0, float[] best, int[] bestId, int base, int kc, int[] filled,
      int list) {
    int f = filled[list];
    for (int t0 = 0; t0 < kLen; t0 += lanes) {
      if (f == kc && !FloatVector.fromArray(species, s, so + t0).compare(VectorOperators.GT, best[base + kc - 1])
          .and(species.indexInRange(t0, kLen)).anyTrue()) {
        continue;                                                           // nothing here beats the k-th best
      }
      for (int t = t0, e = Math.min(t0 + lanes, kLen); t < e; t++) {
        float sc = s[so + t];
        if (f < kc || sc > best[base + kc - 1]) {
          int pos = f < kc ? f++ : kc - 1;
          while (pos > 0 && best[base + pos - 1] < sc) {
            best[base + pos] = best[base + pos - 1];
            bestId[base + pos] = bestId[base + pos - 1];
            pos--;
          }
          best[base + pos] = sc;
          bestId[base + pos] = j0 + t;
        }
      }
    }
    filled[list] = f;
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
    for (int step = doubles.length(); j + step <= to; j += step) {
      DoubleVector diag = DoubleVector.fromMemorySegment(doubles, prev, 8L * (j - 1), LE);
      DoubleVector up = DoubleVector.fromMemorySegment(doubles, prev, 8L * j, LE);
      DoubleVector c = (DoubleVector) FloatVector.fromMemorySegment(halfSpecies, cost, 4L * j, LE)
          .convertShape(VectorOperators.F2D, doubles, 0);
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
}
