package org.attention4j.api.registry;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A Maven version range over dotted numeric versions: {@code [0.1,0.2)}, {@code [0.1,)},
 * {@code (,1.0]}, {@code [0.1]} (exactly), or a bare {@code 0.1} (at least 0.1). Versions compare
 * numerically part by part, missing parts counting as 0.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class VersionRange {
  private final String text;
  private final int[] lower, upper;
  private final boolean lowerInclusive, upperInclusive;

  private VersionRange(String text, int[] lower, boolean lowerInclusive, int[] upper, boolean upperInclusive) {
    this.text = text;
    this.lower = lower;
    this.lowerInclusive = lowerInclusive;
    this.upper = upper;
    this.upperInclusive = upperInclusive;
  }

  /** Parses {@code text}; an {@link IllegalArgumentException} says what was expected. */
  public static VersionRange parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) throw new IllegalArgumentException("SPI range: expected a Maven range like [0.1,0.2), got ''");
    char first = t.charAt(0), last = t.charAt(t.length() - 1);
    if (first != '[' && first != '(') {
      return new VersionRange(t, parseVersion(t, t), true, null, false);
    }
    if (last != ']' && last != ')') {
      throw new IllegalArgumentException("SPI range: expected a closing ] or ), got '" + t + "'");
    }
    String body = t.substring(1, t.length() - 1);
    int comma = body.indexOf(',');
    if (comma < 0) {
      if (first != '[' || last != ']') throw new IllegalArgumentException("SPI range: expected [x] for an exact version, got '" + t + "'");
      int[] v = parseVersion(body.trim(), t);
      return new VersionRange(t, v, true, v, true);
    }
    if (body.indexOf(',', comma + 1) >= 0) {
      throw new IllegalArgumentException("SPI range: expected one range with one comma, got '" + t + "'");
    }
    String lo = body.substring(0, comma).trim(), hi = body.substring(comma + 1).trim();
    return new VersionRange(t, lo.isEmpty() ? null : parseVersion(lo, t), first == '[',
        hi.isEmpty() ? null : parseVersion(hi, t), last == ']');
  }

  private static int[] parseVersion(String v, String whole) {
    String[] parts = v.split("\\.");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("SPI range: expected numeric versions like 0.1, got '" + whole + "'", e);
      }
      if (out[i] < 0) throw new IllegalArgumentException("SPI range: expected non-negative versions, got '" + whole + "'");
    }
    return out;
  }

  static int compare(int[] a, int[] b) {
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      int x = i < a.length ? a[i] : 0, y = i < b.length ? b[i] : 0;
      if (x != y) return Integer.compare(x, y);
    }
    return 0;
  }

  /** Does {@code version} (e.g. {@code 0.1}) fall in this range? */
  public boolean contains(String version) {
    int[] v = parseVersion(version, version);
    if (lower != null) {
      int c = compare(v, lower);
      if (c < 0 || (c == 0 && !lowerInclusive)) return false;
    }
    if (upper != null) {
      int c = compare(v, upper);
      if (c > 0 || (c == 0 && !upperInclusive)) return false;
    }
    return true;
  }

  @Override public String toString() { return text; }

  @Override public boolean equals(Object o) {
    return o instanceof VersionRange r && Arrays.equals(lower, r.lower) && Arrays.equals(upper, r.upper)
        && lowerInclusive == r.lowerInclusive && upperInclusive == r.upperInclusive;
  }

  @Override public int hashCode() { return Arrays.hashCode(lower) * 31 + Arrays.hashCode(upper); }
}
