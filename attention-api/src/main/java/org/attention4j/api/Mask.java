package org.attention4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Which keys each query may attend to. One polarity everywhere: {@code true} = may attend.
 * Masks are immutable; typed builders ({@link #explicit}, {@link #keyPadding}, {@link #causal},
 * {@link #band}) combine by {@link #and}. A query row that may attend nothing gets zero weights and a
 * zero output (never NaN) — masking restricts the support; no large negative constants are added.
 *
 * <p>Causal with n_q ≠ n_k is bottom-right aligned: query i may attend key j iff
 * {@code j <= i + (n_k - n_q)}.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Mask {
  private interface Part {
    boolean allows(int i, int j, int nq, int nk);
    void check(int nq, int nk);
    String describe();
  }

  private static final Mask ALL = new Mask(List.of());
  private final List<Part> parts;

  private Mask(List<Part> parts) { this.parts = List.copyOf(parts); }

  /** Every query may attend every key. */
  public static Mask all() { return ALL; }

  /** Causal, bottom-right aligned: j ≤ i + (n_k − n_q). */
  public static Mask causal() {
    return new Mask(List.of(new Part() {
      public boolean allows(int i, int j, int nq, int nk) { return (long) j <= (long) i + (nk - nq); }
      public void check(int nq, int nk) {}
      public String describe() { return "causal"; }
    }));
  }

  /** A band of half-width {@code w} around the bottom-right aligned diagonal: |j − (i + n_k − n_q)| ≤ w. */
  public static Mask band(int w) {
    if (w < 0) throw new IllegalArgumentException("band: expected a half-width >= 0, got " + w);
    return new Mask(List.of(new Part() {
      public boolean allows(int i, int j, int nq, int nk) { return Math.abs((long) j - ((long) i + nk - nq)) <= w; }
      public void check(int nq, int nk) {}
      public String describe() { return "band(" + w + ")"; }
    }));
  }

  /** Key padding: {@code real[j]} is true for a real key, false for padding. */
  public static Mask keyPadding(boolean[] real) {
    boolean[] copy = real.clone();
    return new Mask(List.of(new Part() {
      public boolean allows(int i, int j, int nq, int nk) { return copy[j]; }
      public void check(int nq, int nk) {
        if (copy.length != nk) {
          throw new IllegalArgumentException("key-padding: expected [" + nk + "] (= keys rows), got [" + copy.length + "]");
        }
      }
      public String describe() { return "key-padding[" + copy.length + "]"; }
    }));
  }

  /** An explicit [n_q, n_k] mask, row-major, {@code true} = may attend. */
  public static Mask explicit(int rows, int cols, boolean[] rowMajor) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("mask: expected non-negative dimensions, got [" + rows + ", " + cols + "]");
    }
    if ((long) rows * cols != rowMajor.length) {
      throw new IllegalArgumentException("mask: expected " + ((long) rows * cols) + " values (= " + rows + " x " + cols
          + "), got " + rowMajor.length);
    }
    boolean[] copy = rowMajor.clone();
    return new Mask(List.of(new Part() {
      public boolean allows(int i, int j, int nq, int nk) { return copy[i * cols + j]; }
      public void check(int nq, int nk) {
        if (rows != nq || cols != nk) {
          throw new IllegalArgumentException("mask: expected [" + nq + ", " + nk + "] (= [query rows, keys rows]), got ["
              + rows + ", " + cols + "]");
        }
      }
      public String describe() { return "explicit[" + rows + ", " + cols + "]"; }
    }));
  }

  /** An explicit mask from {@code boolean[n_q][n_k]}, {@code true} = may attend. */
  public static Mask explicit(boolean[][] allowed) {
    int rows = allowed.length, cols = rows == 0 ? 0 : allowed[0].length;
    boolean[] flat = new boolean[rows * cols];
    for (int i = 0; i < rows; i++) {
      if (allowed[i].length != cols) {
        throw new IllegalArgumentException("mask: expected " + cols + " columns in every row, got " + allowed[i].length
            + " in row " + i);
      }
      System.arraycopy(allowed[i], 0, flat, i * cols, cols);
    }
    return explicit(rows, cols, flat);
  }

  /**
   * From PyTorch's boolean convention of {@code nn.MultiheadAttention} ({@code attn_mask} and
   * {@code key_padding_mask}): {@code true} = masked out. Inverts to ours.
   */
  public static boolean[] fromTorchBool(boolean[] maskedOut) {
    boolean[] allowed = new boolean[maskedOut.length];
    for (int i = 0; i < allowed.length; i++) allowed[i] = !maskedOut[i];
    return allowed;
  }

  /**
   * From PyTorch's additive float masks: a key may be attended iff its additive term is finite
   * (−∞ = masked out). A finite non-zero term is a score bias, not a mask, and is refused.
   */
  public static boolean[] fromTorchAdditive(float[] additive) {
    boolean[] allowed = new boolean[additive.length];
    for (int i = 0; i < allowed.length; i++) {
      float a = additive[i];
      if (a == Float.NEGATIVE_INFINITY) allowed[i] = false;
      else if (a == 0f) allowed[i] = true;
      else {
        throw new IllegalArgumentException("mask: expected 0 or -inf in an additive mask, got " + a + " at index " + i
            + " (a finite bias is not a mask)");
      }
    }
    return allowed;
  }

  /** From Keras' convention ({@code attention_mask}, 1/true = attend): the same polarity as ours. */
  public static boolean[] fromKeras(boolean[] attend) { return attend.clone(); }

  /** Both masks must allow. */
  public Mask and(Mask other) {
    if (other.parts.isEmpty()) return this;
    if (parts.isEmpty()) return other;
    List<Part> all = new ArrayList<>(parts);
    all.addAll(other.parts);
    return new Mask(all);
  }

  /** True when this mask allows everything (no parts). */
  public boolean isAll() { return parts.isEmpty(); }

  /** Checks the mask's shape against n_q × n_k, naming the part that does not fit. */
  public void check(int nq, int nk) {
    for (Part p : parts) p.check(nq, nk);
  }

  /** May query i attend key j, for n_q queries and n_k keys? */
  public boolean allows(int i, int j, int nq, int nk) {
    for (Part p : parts) if (!p.allows(i, j, nq, nk)) return false;
    return true;
  }

  /** The mask as n_q·n_k bytes, row-major, 1 = may attend (after {@link #check}). */
  public byte[] toBytes(int nq, int nk) {
    check(nq, nk);
    byte[] out = new byte[Math.multiplyExact(nq, nk)];
    if (parts.isEmpty()) {
      Arrays.fill(out, (byte) 1);
      return out;
    }
    for (int i = 0; i < nq; i++) for (int j = 0; j < nk; j++) out[i * nk + j] = allows(i, j, nq, nk) ? (byte) 1 : 0;
    return out;
  }

  /** The mask as a byte segment (see {@link #toBytes}), or {@code null} when it allows everything. */
  public MemorySegment toSegment(int nq, int nk) {
    check(nq, nk);
    return parts.isEmpty() ? null : MemorySegment.ofArray(toBytes(nq, nk));
  }

  /** Reads element {@code index} of a byte mask segment; a null segment allows everything. */
  public static boolean allowed(MemorySegment mask, long index) {
    return mask == null || mask.get(ValueLayout.JAVA_BYTE, index) != 0;
  }

  @Override public String toString() {
    if (parts.isEmpty()) return "Mask[all]";
    StringBuilder sb = new StringBuilder("Mask[");
    for (int i = 0; i < parts.size(); i++) sb.append(i == 0 ? "" : " AND ").append(parts.get(i).describe());
    return sb.append(']').toString();
  }
}
