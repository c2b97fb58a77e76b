package org.attention4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * Examples for {@link Mask}: each builder on small shapes, shape errors naming the expected and
 * actual shape, and PyTorch's and Keras' conventions. Properties (including the causal rule for
 * every n_q, n_k in 1..40) are in {@link MaskPropertiesTest}.
 */
class MaskTest {
  @Test void causalSquareIsTheLowerTriangle() {
    assertArrayEquals(new byte[] {1, 0, 0, 1, 1, 0, 1, 1, 1}, Mask.causal().toBytes(3, 3));
  }

  @Test void causalWithMoreQueriesThanKeysLeavesTheFirstRowsEmpty() {
    assertArrayEquals(new byte[] {0, 0, 0, 0, 1, 0, 1, 1}, Mask.causal().toBytes(4, 2));
  }

  @Test void causalWithMoreKeysThanQueriesSeesThePrefix() {     // decoding with a cache of 3 earlier keys
    assertArrayEquals(new byte[] {1, 1, 1, 1, 0, 1, 1, 1, 1, 1}, Mask.causal().toBytes(2, 5));
  }

  @Test void bandAroundTheAlignedDiagonal() {
    assertArrayEquals(new byte[] {1, 1, 0, 1, 1, 1, 0, 1, 1}, Mask.band(1).toBytes(3, 3));
    assertArrayEquals(new byte[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Mask.band(0).toBytes(3, 3));
    assertArrayEquals(new byte[] {1, 1, 1, 0, 1, 1}, Mask.band(1).toBytes(2, 3));   // diagonal shifted by n_k - n_q = 1
  }

  @Test void negativeBandIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mask.band(-1));
    assertEquals("band: expected a half-width >= 0, got -1", e.getMessage());
  }

  @Test void keyPaddingHidesPaddedKeysFromEveryQuery() {
    assertArrayEquals(new byte[] {1, 0, 1, 1, 0, 1}, Mask.keyPadding(new boolean[] {true, false, true}).toBytes(2, 3));
  }

  @Test void keyPaddingOfTheWrongLengthNamesBothLengths() {
    Mask m = Mask.keyPadding(new boolean[] {true, false, true});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.check(2, 4));
    assertEquals("key-padding: expected [4] (= keys rows), got [3]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> m.toBytes(2, 4));
    assertThrows(IllegalArgumentException.class, () -> m.toSegment(2, 4));
  }

  @Test void explicitMaskOfTheWrongShapeNamesExpectedAndActualShape() {
    Mask m = Mask.explicit(2, 3, new boolean[6]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.check(3, 2));
    assertEquals("mask: expected [3, 2] (= [query rows, keys rows]), got [2, 3]", e.getMessage());
    IllegalArgumentException viaAnd = assertThrows(IllegalArgumentException.class,
        () -> Mask.causal().and(m).toBytes(2, 4));
    assertEquals("mask: expected [2, 4] (= [query rows, keys rows]), got [2, 3]", viaAnd.getMessage());
  }

  @Test void explicitMaskWithTheWrongNumberOfValuesNamesBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mask.explicit(2, 3, new boolean[5]));
    assertEquals("mask: expected 6 values (= 2 x 3), got 5", e.getMessage());
  }

  @Test void explicitMaskWithNegativeDimensionsIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mask.explicit(-1, -1, new boolean[1]));
    assertTrue(e.getMessage().startsWith("mask: expected non-negative dimensions"), e.getMessage());
    assertTrue(e.getMessage().contains("[-1, -1]"), e.getMessage());
  }

  @Test void raggedExplicitMaskNamesTheRow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mask.explicit(new boolean[][] {{true, true}, {true}}));
    assertEquals("mask: expected 2 columns in every row, got 1 in row 1", e.getMessage());
  }

  @Test void explicitFromRowsMatchesRowMajor() {
    boolean[][] rows = {{true, false, true}, {false, false, true}};
    assertArrayEquals(new byte[] {1, 0, 1, 0, 0, 1}, Mask.explicit(rows).toBytes(2, 3));
  }

  @Test void masksCopyTheirInputs() {
    boolean[] real = {true, true};
    boolean[] flat = {true, true, true, true};
    Mask pad = Mask.keyPadding(real), ex = Mask.explicit(2, 2, flat);
    real[0] = false;
    flat[3] = false;
    assertArrayEquals(new byte[] {1, 1, 1, 1}, pad.toBytes(2, 2));
    assertArrayEquals(new byte[] {1, 1, 1, 1}, ex.toBytes(2, 2));
  }

  @Test void torchBoolIsInverted() {
    boolean[] torch = {true, false, false, true};       // nn.MultiheadAttention: true = masked out
    assertArrayEquals(new boolean[] {false, true, true, false}, Mask.fromTorchBool(torch));
    assertArrayEquals(new byte[] {0, 1, 1, 0}, Mask.explicit(2, 2, Mask.fromTorchBool(torch)).toBytes(2, 2));
    assertArrayEquals(new boolean[] {true, false, false, true}, torch, "the input is not modified");
  }

  @Test void torchAdditiveZeroAttendsMinusInfinityMasks() {
    float ninf = Float.NEGATIVE_INFINITY;
    assertArrayEquals(new boolean[] {true, false, true, false}, Mask.fromTorchAdditive(new float[] {0f, ninf, -0f, ninf}));
  }

  @Test void torchAdditiveBiasIsRefusedNamingValueAndIndex() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mask.fromTorchAdditive(new float[] {0f, -1e9f}));
    assertEquals("mask: expected 0 or -inf in an additive mask, got -1.0E9 at index 1 (a finite bias is not a mask)",
        e.getMessage());
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1f, -10000f, Float.MIN_VALUE}) {
      IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
          () -> Mask.fromTorchAdditive(new float[] {bad}));
      assertTrue(b.getMessage().contains("got " + bad + " at index 0"), b.getMessage());
    }
  }

  @Test void kerasHasOurPolarityAndIsCopied() {
    boolean[] keras = {true, false};
    boolean[] ours = Mask.fromKeras(keras);
    assertArrayEquals(keras, ours);
    assertNotSame(keras, ours);
  }

  @Test void allAllowsEverythingAndHasNoSegment() {
    assertTrue(Mask.all().isAll());
    assertNull(Mask.all().toSegment(3, 4));
    assertArrayEquals(new byte[] {1, 1, 1, 1, 1, 1}, Mask.all().toBytes(2, 3));
    Mask c = Mask.causal();
    assertSame(c, c.and(Mask.all()));
    assertSame(c, Mask.all().and(c));
    assertTrue(Mask.allowed(null, 12345));
  }

  @Test void segmentHoldsTheBytes() {
    Mask m = Mask.causal().and(Mask.keyPadding(new boolean[] {true, true, false}));
    MemorySegment s = m.toSegment(3, 3);
    assertFalse(m.isAll());
    assertArrayEquals(m.toBytes(3, 3), s.toArray(ValueLayout.JAVA_BYTE));
    assertArrayEquals(new byte[] {1, 0, 0, 1, 1, 0, 1, 1, 0}, m.toBytes(3, 3));
    for (int idx = 0; idx < 9; idx++) assertEquals(s.get(ValueLayout.JAVA_BYTE, idx) != 0, Mask.allowed(s, idx));
  }

  @Test void toStringListsTheParts() {
    assertEquals("Mask[all]", Mask.all().toString());
    assertEquals("Mask[causal AND band(2) AND key-padding[3]]",
        Mask.causal().and(Mask.band(2)).and(Mask.keyPadding(new boolean[3])).toString());
  }
}
