package org.attention4j.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of {@link VersionRange} against a model written here: versions are int lists compared
 * lexicographically with missing parts as 0; a range holds the versions between its bounds.
 */
class VersionRangePropertiesTest {
  @Provide Arbitrary<List<Integer>> versions() {
    return Arbitraries.integers().between(0, 12).list().ofMinSize(1).ofMaxSize(4);
  }

  static String text(List<Integer> v) { return v.stream().map(String::valueOf).collect(Collectors.joining(".")); }

  /** The model's order: lexicographic, missing parts as 0. */
  static int model(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      int x = i < a.size() ? a.get(i) : 0, y = i < b.size() ? b.get(i) : 0;
      if (x != y) return Integer.compare(x, y);
    }
    return 0;
  }

  static int[] array(List<Integer> v) { return v.stream().mapToInt(Integer::intValue).toArray(); }

  @Property(tries = 300)
  void compareAgreesWithTheModelAndIsAntisymmetric(@ForAll("versions") List<Integer> a, @ForAll("versions") List<Integer> b) {
    assertEquals(Integer.signum(model(a, b)), Integer.signum(VersionRange.compare(array(a), array(b))));
    assertEquals(-Integer.signum(VersionRange.compare(array(a), array(b))), Integer.signum(VersionRange.compare(array(b), array(a))));
  }

  @Property(tries = 500)
  void twoBoundedRangeContainsExactlyTheVersionsBetween(@ForAll("versions") List<Integer> lo, @ForAll("versions") List<Integer> hi,
      @ForAll("versions") List<Integer> v, @ForAll boolean loIncl, @ForAll boolean hiIncl) {
    Assume.that(model(lo, hi) < 0);
    String range = (loIncl ? "[" : "(") + text(lo) + "," + text(hi) + (hiIncl ? "]" : ")");
    int cLo = model(v, lo), cHi = model(v, hi);
    boolean expected = (cLo > 0 || (cLo == 0 && loIncl)) && (cHi < 0 || (cHi == 0 && hiIncl));
    assertEquals(expected, VersionRange.parse(range).contains(text(v)), range + " contains " + text(v));
  }

  @Property(tries = 300)
  void halfUnboundedRanges(@ForAll("versions") List<Integer> b, @ForAll("versions") List<Integer> v, @ForAll boolean incl) {
    int c = model(v, b);
    assertEquals(c > 0 || (c == 0 && incl), VersionRange.parse((incl ? "[" : "(") + text(b) + ",)").contains(text(v)));
    assertEquals(c < 0 || (c == 0 && incl), VersionRange.parse("(," + text(b) + (incl ? "]" : ")")).contains(text(v)));
    assertEquals(c >= 0, VersionRange.parse(text(b)).contains(text(v)), "a bare version means at least");
    assertEquals(c == 0, VersionRange.parse("[" + text(b) + "]").contains(text(v)));
  }

  @Property(tries = 300)
  void aUnionContainsWhatEitherPartContains(@ForAll("versions") List<Integer> a, @ForAll("versions") List<Integer> b,
      @ForAll("versions") List<Integer> v) {
    Assume.that(model(a, b) < 0);
    String left = "(," + text(a) + "]", right = "[" + text(b) + ",)";
    boolean expected = VersionRange.parse(left).contains(text(v)) || VersionRange.parse(right).contains(text(v));
    assertEquals(expected, VersionRange.parse(left + "," + right).contains(text(v)));
  }

  @Property(tries = 200)
  void trailingZerosDoNotMatter(@ForAll("versions") List<Integer> a, @ForAll("versions") List<Integer> b,
      @ForAll("versions") List<Integer> v, @ForAll @IntRange(min = 1, max = 3) int zeros) {
    Assume.that(model(a, b) < 0);
    String pad = ".0".repeat(zeros);
    VersionRange r = VersionRange.parse("[" + text(a) + "," + text(b) + ")");
    assertEquals(r, VersionRange.parse("[" + text(a) + pad + "," + text(b) + pad + ")"));
    assertEquals(r.contains(text(v)), r.contains(text(v) + pad));
  }

  @Property(tries = 200)
  void parsingItsOwnTextGivesAnEqualRange(@ForAll("versions") List<Integer> a, @ForAll("versions") List<Integer> b,
      @ForAll boolean loIncl, @ForAll boolean hiIncl) {
    Assume.that(model(a, b) < 0);
    VersionRange r = VersionRange.parse((loIncl ? "[" : "(") + text(a) + "," + text(b) + (hiIncl ? "]" : ")"));
    VersionRange again = VersionRange.parse(r.toString());
    assertEquals(r, again);
    assertEquals(r.hashCode(), again.hashCode());
  }

  @Property(tries = 200)
  void reversedBoundsAreRefused(@ForAll("versions") List<Integer> a, @ForAll("versions") List<Integer> b) {
    Assume.that(model(a, b) > 0);
    String range = "[" + text(a) + "," + text(b) + "]";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VersionRange.parse(range));
    assertEquals("SPI range: expected a lower bound below the upper bound, got '" + range + "'", e.getMessage());
  }

  @Property(tries = 300)
  void arbitraryTextEitherParsesOrSaysWhatWasExpected(@ForAll("rangeLike") String text) {
    try {
      VersionRange r = VersionRange.parse(text);
      r.contains("0.1");                       // a parsed range always answers
    } catch (IllegalArgumentException e) {
      assertEquals(true, e.getMessage().startsWith("SPI range: expected "), e.getMessage());
    }
  }

  @Provide Arbitrary<String> rangeLike() {
    return Arbitraries.of('[', ']', '(', ')', ',', '.', '0', '1', '2', ' ', 'x', '-').list().ofMaxSize(14)
        .map(cs -> cs.stream().map(String::valueOf).collect(Collectors.joining()));
  }

}
