package org.attention4j.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class ColorMapTest {
  @Test
  void valuesOfBothSignsGetADivergingMapSymmetricAboutZero() {
    ColorMap map = ColorMap.forRange(-1, 3);
    assertTrue(map.diverging());
    assertEquals(-3, map.getLowerBound());
    assertEquals(3, map.getUpperBound());
    assertEquals(new Color(0xF7F7F7), map.getPaint(0), "zero is white");
    assertEquals(new Color(0x053061), map.getPaint(-3));
    assertEquals(new Color(0x67001F), map.getPaint(3));
  }

  @Test
  void valuesOfOneSignGetViridisOverTheirRange() {
    ColorMap map = ColorMap.forRange(0, 2);
    assertFalse(map.diverging());
    assertEquals(new Color(0x440154), map.getPaint(0));
    assertEquals(new Color(0xFDE725), map.getPaint(2));
    assertEquals(new Color(0xFDE725), map.getPaint(99), "clamped");
    assertFalse(ColorMap.forRange(-5, -1).diverging());
  }

  @Test
  void viridisGetsLighterMonotonically() {
    ColorMap map = ColorMap.forRange(0, 1);
    double previous = -1;
    for (int i = 0; i <= 100; i++) {
      Color c = (Color) map.getPaint(i / 100.0);
      double luma = 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
      assertTrue(luma >= previous - 1e-9, "at " + i);
      previous = luma;
    }
  }

  @Test
  void aConstantOrMissingValueStillGetsAUsableScale() {
    ColorMap map = ColorMap.forRange(4, 4);
    assertTrue(map.getLowerBound() < 4 && 4 < map.getUpperBound());
    assertEquals(new Color(0xBDBDBD), map.getPaint(Double.NaN), "NaN is grey, not a data colour");
  }
}
