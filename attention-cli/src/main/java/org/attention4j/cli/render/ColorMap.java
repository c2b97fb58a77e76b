package org.attention4j.cli.render;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * A continuous colour map over [lower, upper], interpolated linearly (in sRGB) between evenly spaced
 * anchor colours. Values outside the range are clamped; a NaN gets a neutral grey so it can never be
 * mistaken for a data colour.
 */
final class ColorMap implements PaintScale {
  /** Viridis (perceptually uniform, colour-blind safe, monotone in lightness), 9 samples. */
  private static final int[] VIRIDIS = {
      0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21908C, 0x27AD81, 0x5DC863, 0xAADC32, 0xFDE725};

  /** ColorBrewer RdBu reversed (blue for negative, white at zero, red for positive), 11 samples. */
  private static final int[] BLUE_WHITE_RED = {
      0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F};

  private static final Color MISSING = new Color(0xBDBDBD);

  private final double lower;
  private final double upper;
  private final int[] anchors;

  private ColorMap(double lower, double upper, int[] anchors) {
    this.lower = lower;
    this.upper = upper;
    this.anchors = anchors;
  }

  /**
   * The map for values in [min, max] (both finite, min ≤ max): diverging and symmetric about zero
   * when the values have both signs (so zero is always white), sequential viridis otherwise.
   */
  static ColorMap forRange(double min, double max) {
    if (min < 0 && max > 0) {
      double m = Math.max(-min, max);
      return new ColorMap(-m, m, BLUE_WHITE_RED);
    }
    if (min == max) {
      // A constant map still needs a non-empty range for the scale and its legend axis.
      double pad = Math.max(Math.abs(min) * 0.5, 0.5);
      return new ColorMap(min - pad, max + pad, VIRIDIS);
    }
    return new ColorMap(min, max, VIRIDIS);
  }

  boolean diverging() {
    return anchors == BLUE_WHITE_RED;
  }

  @Override
  public double getLowerBound() {
    return lower;
  }

  @Override
  public double getUpperBound() {
    return upper;
  }

  @Override
  public Paint getPaint(double value) {
    if (Double.isNaN(value)) return MISSING;
    double t = (value - lower) / (upper - lower);
    t = Math.clamp(t, 0.0, 1.0);
    double pos = t * (anchors.length - 1);
    int i = Math.min((int) pos, anchors.length - 2);
    double f = pos - i;
    return mix(anchors[i], anchors[i + 1], f);
  }

  private static Color mix(int a, int b, double f) {
    int r = (int) Math.round(((a >> 16) & 0xFF) * (1 - f) + ((b >> 16) & 0xFF) * f);
    int g = (int) Math.round(((a >> 8) & 0xFF) * (1 - f) + ((b >> 8) & 0xFF) * f);
    int bl = (int) Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
    return new Color(r, g, bl);
  }
}
