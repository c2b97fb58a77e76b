package org.attention4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of {@link Mask}: AND behaves as logical AND (so it is commutative and associative in
 * effect), each typed builder follows its rule, {@code toBytes}/{@code toSegment} agree with
 * {@code allows}, and the PyTorch converters invert their conventions. Masks are compared exactly.
 */
class MaskPropertiesTest {
  /** A random mask for n_q × n_k: one of the builders, or an AND of two of them. */
  static Mask randomMask(Random r, int nq, int nk, int depth) {
    int kind = r.nextInt(depth > 0 ? 6 : 5);
    return switch (kind) {
      case 0 -> Mask.all();
      case 1 -> Mask.causal();
      case 2 -> Mask.band(r.nextInt(Math.max(nq, nk) + 1));
      case 3 -> {
        boolean[] real = new boolean[nk];
        for (int j = 0; j < nk; j++) real[j] = r.nextInt(4) != 0;
        yield Mask.keyPadding(real);
      }
      case 4 -> {
        boolean[] flat = new boolean[nq * nk];
        for (int i = 0; i < flat.length; i++) flat[i] = r.nextBoolean();
        yield Mask.explicit(nq, nk, flat);
      }
      default -> randomMask(r, nq, nk, depth - 1).and(randomMask(r, nq, nk, depth - 1));
    };
  }

  @Property
  void andIsLogicalAndSoCommutative(@ForAll @IntRange(min = 1, max = 12) int nq, @ForAll @IntRange(min = 1, max = 12) int nk,
      @ForAll long seed) {
    Random r = new Random(seed);
    Mask a = randomMask(r, nq, nk, 2), b = randomMask(r, nq, nk, 2);
    Mask ab = a.and(b), ba = b.and(a);
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        boolean both = a.allows(i, j, nq, nk) && b.allows(i, j, nq, nk);
        assertEquals(both, ab.allows(i, j, nq, nk), () -> ab + " at " + nq + "x" + nk);
        assertEquals(both, ba.allows(i, j, nq, nk), () -> ba + " at " + nq + "x" + nk);
      }
    }
    assertArrayEquals(ab.toBytes(nq, nk), ba.toBytes(nq, nk));
  }

  @Property
  void andIsAssociativeAndIdempotentInEffect(@ForAll @IntRange(min = 1, max = 12) int nq,
      @ForAll @IntRange(min = 1, max = 12) int nk, @ForAll long seed) {
    Random r = new Random(seed);
    Mask a = randomMask(r, nq, nk, 1), b = randomMask(r, nq, nk, 1), c = randomMask(r, nq, nk, 1);
    assertArrayEquals(a.and(b).and(c).toBytes(nq, nk), a.and(b.and(c)).toBytes(nq, nk));
    assertArrayEquals(a.toBytes(nq, nk), a.and(a).toBytes(nq, nk));
    assertArrayEquals(a.toBytes(nq, nk), a.and(Mask.all()).toBytes(nq, nk));
    assertArrayEquals(a.toBytes(nq, nk), Mask.all().and(a).toBytes(nq, nk));
  }

  @Property
  void toBytesAndToSegmentAgreeWithAllows(@ForAll @IntRange(min = 1, max = 20) int nq,
      @ForAll @IntRange(min = 1, max = 20) int nk, @ForAll long seed) {
    Mask m = randomMask(new Random(seed), nq, nk, 2);
    byte[] bytes = m.toBytes(nq, nk);
    assertEquals(nq * nk, bytes.length);
    MemorySegment seg = m.toSegment(nq, nk);
    assertEquals(m.isAll(), seg == null);
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        boolean allows = m.allows(i, j, nq, nk);
        assertEquals(allows ? 1 : 0, bytes[i * nk + j], () -> m + " (" + nq + "x" + nk + ")");
        assertEquals(allows, Mask.allowed(seg, (long) i * nk + j));
      }
    }
    if (seg != null) assertArrayEquals(bytes, seg.toArray(ValueLayout.JAVA_BYTE));
  }

  /** Every n_q, n_k in 1..40 (exhaustive): j ≤ i + (n_k − n_q); the last query sees every key. */
  @Property(tries = 1600, generation = GenerationMode.EXHAUSTIVE)
  void causalRule(@ForAll @IntRange(min = 1, max = 40) int nq, @ForAll @IntRange(min = 1, max = 40) int nk) {
    Mask m = Mask.causal();
    byte[] bytes = m.toBytes(nq, nk);
    for (int i = 0; i < nq; i++) {
      int allowedInRow = 0;
      for (int j = 0; j < nk; j++) {
        boolean expected = j <= i + (nk - nq);
        assertEquals(expected, m.allows(i, j, nq, nk));
        assertEquals(expected ? 1 : 0, bytes[i * nk + j]);
        if (expected) allowedInRow++;
      }
      assertEquals(Math.max(0, Math.min(nk, i + nk - nq + 1)), allowedInRow, "row " + i);
    }
    for (int j = 0; j < nk; j++) assertTrue(m.allows(nq - 1, j, nq, nk), "the last query sees every key");
  }

  @Property
  void bandRule(@ForAll @IntRange(min = 1, max = 25) int nq, @ForAll @IntRange(min = 1, max = 25) int nk,
      @ForAll @IntRange(min = 0, max = 30) int w) {
    Mask m = Mask.band(w);
    byte[] causalBand = Mask.causal().and(m).toBytes(nq, nk);
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        int offset = j - (i + nk - nq);
        assertEquals(Math.abs(offset) <= w, m.allows(i, j, nq, nk));
        assertEquals(offset <= 0 && offset >= -w, causalBand[i * nk + j] == 1, "causal AND band: the last w+1 keys");
      }
    }
  }

  @Property
  void keyPaddingRule(@ForAll @IntRange(min = 1, max = 20) int nq, @ForAll boolean[] real) {
    if (real.length == 0) return;
    int nk = real.length;
    Mask m = Mask.keyPadding(real);
    for (int i = 0; i < nq; i++) for (int j = 0; j < nk; j++) assertEquals(real[j], m.allows(i, j, nq, nk));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.check(nq, nk + 1));
    assertEquals("key-padding: expected [" + (nk + 1) + "] (= keys rows), got [" + nk + "]", e.getMessage());
  }

  @Property
  void explicitShapeErrorsNameExpectedAndActual(@ForAll @IntRange(min = 0, max = 9) int rows,
      @ForAll @IntRange(min = 0, max = 9) int cols, @ForAll @IntRange(min = 1, max = 9) int nq,
      @ForAll @IntRange(min = 1, max = 9) int nk) {
    Mask m = Mask.explicit(rows, cols, new boolean[rows * cols]);
    if (rows == nq && cols == nk) {
      m.check(nq, nk);
      return;
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.toBytes(nq, nk));
    assertEquals("mask: expected [" + nq + ", " + nk + "] (= [query rows, keys rows]), got [" + rows + ", " + cols + "]",
        e.getMessage());
  }

  @Property
  void explicitMaskIsItsArray(@ForAll @IntRange(min = 1, max = 15) int nq, @ForAll @IntRange(min = 1, max = 15) int nk,
      @ForAll long seed) {
    Random r = new Random(seed);
    boolean[] flat = new boolean[nq * nk];
    byte[] expected = new byte[nq * nk];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = r.nextBoolean();
      expected[i] = (byte) (flat[i] ? 1 : 0);
    }
    assertArrayEquals(expected, Mask.explicit(nq, nk, flat).toBytes(nq, nk));
  }

  @Property
  void torchBoolConverterInverts(@ForAll boolean[] maskedOut) {
    boolean[] ours = Mask.fromTorchBool(maskedOut);
    assertEquals(maskedOut.length, ours.length);
    for (int i = 0; i < ours.length; i++) assertEquals(!maskedOut[i], ours[i]);
    assertArrayEquals(maskedOut, Mask.fromTorchBool(ours), "inverting twice is the identity");
  }

  @Property
  void torchAdditiveConverterKeepsFiniteZeroTerms(@ForAll @IntRange(min = 1, max = 12) int nq,
      @ForAll @IntRange(min = 1, max = 12) int nk, @ForAll long seed) {
    Random r = new Random(seed);
    float[] additive = new float[nq * nk];
    boolean[] torchBool = new boolean[nq * nk];
    for (int i = 0; i < additive.length; i++) {
      torchBool[i] = r.nextInt(3) == 0;
      additive[i] = torchBool[i] ? Float.NEGATIVE_INFINITY : (r.nextBoolean() ? 0f : -0f);
    }
    boolean[] fromAdditive = Mask.fromTorchAdditive(additive);
    assertArrayEquals(Mask.fromTorchBool(torchBool), fromAdditive, "additive -inf and bool true both mean masked out");
    assertArrayEquals(Mask.explicit(nq, nk, Mask.fromTorchBool(torchBool)).toBytes(nq, nk),
        Mask.explicit(nq, nk, fromAdditive).toBytes(nq, nk));
  }

  @Property
  void torchAdditiveRefusesAnyOtherValue(@ForAll float bias, @ForAll @IntRange(min = 0, max = 5) int at) {
    if (bias == 0f || bias == Float.NEGATIVE_INFINITY) return;
    float[] additive = new float[6];
    additive[at] = bias;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mask.fromTorchAdditive(additive));
    assertTrue(e.getMessage().contains("got " + bias + " at index " + at), e.getMessage());
  }
}
