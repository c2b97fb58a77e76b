package org.attention4j.api.registry;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * A Maven version range over dotted numeric versions: {@code [0.1,0.2)}, {@code [0.1,)},
 * {@code (,1.0]}, {@code [0.1]} (exactly), a union of ranges such as {@code (,1.0],[1.2,)}, or a
 * bare {@code 0.1} (at least 0.1). Versions compare numerically part by part, missing parts counting
 * as 0. As in Maven, a range's bounds must be ordered and distinct, and the ranges of a union
 * ascending and not overlapping.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class VersionRange {
  private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

  /** One interval; a null bound is unbounded. */
  private record Interval(int[] lower, boolean lowerInclusive, int[] upper, boolean upperInclusive) {
    boolean contains(int[] v) {
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

    @Override public boolean equals(Object o) {
      return o instanceof Interval r && Arrays.equals(lower, r.lower) && Arrays.equals(upper, r.upper)
          && lowerInclusive == r.lowerInclusive && upperInclusive == r.upperInclusive;
    }

    @Override public int hashCode() {
      return (Arrays.hashCode(lower) * 31 + Arrays.hashCode(upper)) * 4 + (lowerInclusive ? 2 : 0) + (upperInclusive ? 1 : 0);
    }
  }

  private final String text;
  private final List<Interval> intervals;

  private VersionRange(String text, List<Interval> intervals) {
    this.text = text;
    this.intervals = List.copyOf(intervals);
  }

  /** Parses {@code text}; an {@link IllegalArgumentException} says what was expected. */
  public static VersionRange parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) throw new IllegalArgumentException("SPI range: expected a Maven range like [0.1,0.2), got ''");
    char first = t.charAt(0);
    if (first != '[' && first != '(') {
      return new VersionRange(t, List.of(new Interval(parseVersion(t, t), true, null, false)));
    }
    List<Interval> out = new ArrayList<>();
    String rest = t;
    while (!rest.isEmpty()) {
      if (rest.charAt(0) != '[' && rest.charAt(0) != '(') {
        throw new IllegalArgumentException("SPI range: expected only bracketed ranges in a union, got '" + t + "'");
      }
      int close = firstClose(rest);
      if (close < 0) throw new IllegalArgumentException("SPI range: expected a closing ] or ), got '" + t + "'");
      Interval in = parseInterval(rest.substring(0, close + 1), t);
      if (!out.isEmpty()) {
        Interval prev = out.get(out.size() - 1);
        if (prev.upper() == null || in.lower() == null || compare(in.lower(), prev.upper()) < 0) {
          throw new IllegalArgumentException("SPI range: expected ascending ranges that do not overlap, got '" + t + "'");
        }
      }
      out.add(in);
      rest = rest.substring(close + 1).trim();
      if (rest.startsWith(",")) {
        rest = rest.substring(1).trim();
        if (rest.isEmpty()) throw new IllegalArgumentException("SPI range: expected a range after the comma, got '" + t + "'");
      } else if (!rest.isEmpty()) {
        throw new IllegalArgumentException("SPI range: expected a comma between ranges, got '" + t + "'");
      }
    }
    return new VersionRange(t, out);
  }

  private static int firstClose(String s) {
    int a = s.indexOf(')'), b = s.indexOf(']');
    if (a < 0) return b;
    if (b < 0) return a;
    return Math.min(a, b);
  }

  /** One bracketed interval, e.g. {@code [0.1,0.2)} or {@code [0.1]}. */
  private static Interval parseInterval(String spec, String whole) {
    char first = spec.charAt(0), last = spec.charAt(spec.length() - 1);
    String body = spec.substring(1, spec.length() - 1);
    int comma = body.indexOf(',');
    if (comma < 0) {
      if (first != '[' || last != ']') throw new IllegalArgumentException("SPI range: expected [x] for an exact version, got '" + whole + "'");
      int[] v = parseVersion(body.trim(), whole);
      return new Interval(v, true, v, true);
    }
    if (body.indexOf(',', comma + 1) >= 0) {
      throw new IllegalArgumentException("SPI range: expected one comma per range, got '" + whole + "'");
    }
    String lo = body.substring(0, comma).trim(), hi = body.substring(comma + 1).trim();
    if (lo.equals(hi)) {
      throw new IllegalArgumentException("SPI range: expected distinct bounds (write [x] for exactly x), got '" + whole + "'");
    }
    int[] lower = lo.isEmpty() ? null : parseVersion(lo, whole), upper = hi.isEmpty() ? null : parseVersion(hi, whole);
    if (lower != null && upper != null && compare(upper, lower) < 0) {
      throw new IllegalArgumentException("SPI range: expected a lower bound below the upper bound, got '" + whole + "'");
    }
    return new Interval(lower, first == '[', upper, last == ']');
  }

  private static int[] parseVersion(String v, String whole) {
    if (!VERSION.matcher(v).matches()) {
      throw new IllegalArgumentException("SPI range: expected numeric versions like 0.1, got '" + whole + "'");
    }
    String[] parts = v.split("\\.");
    int n = parts.length;
    while (n > 1 && parts[n - 1].chars().allMatch(c -> c == '0')) n--;     // 0.1.0 is 0.1
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      try {
        out[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("SPI range: expected version parts below 2^31, got '" + whole + "'", e);
      }
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
    int[] v = parseVersion(version == null ? "" : version.trim(), String.valueOf(version));
    for (Interval in : intervals) if (in.contains(v)) return true;
    return false;
  }

  @Override public String toString() { return text; }

  @Override public boolean equals(Object o) { return o instanceof VersionRange r && intervals.equals(r.intervals); }

  @Override public int hashCode() { return intervals.hashCode(); }
}
