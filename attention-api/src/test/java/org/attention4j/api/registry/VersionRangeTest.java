package org.attention4j.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every form of Maven's range syntax, over numeric versions, and what is refused. */
class VersionRangeTest {
  /** Checks {@code range} against versions: {@code in} must be contained, {@code out} not. */
  private static void check(String range, List<String> in, List<String> out) {
    VersionRange r = VersionRange.parse(range);
    for (String v : in) assertTrue(r.contains(v), () -> range + " should contain " + v);
    for (String v : out) assertFalse(r.contains(v), () -> range + " should not contain " + v);
  }

  @Test void bareVersionMeansAtLeast() {
    check("0.1", List.of("0.1", "0.1.0", "0.1.5", "0.2", "1.0", "10.0"), List.of("0.0", "0.0.9", "0"));
  }

  @Test void halfOpenRange() {
    check("[0.1,0.2)", List.of("0.1", "0.1.0", "0.1.9", "0.1.999"), List.of("0.0", "0.0.9", "0.2", "0.2.0", "0.3", "1.0"));
  }

  @Test void closedRange() {
    check("[1.2,1.3]", List.of("1.2", "1.2.5", "1.3", "1.3.0"), List.of("1.1", "1.3.1", "1.4"));
  }

  @Test void openRange() {
    check("(1.0,2.0)", List.of("1.0.1", "1.5", "1.99"), List.of("1.0", "1", "2.0", "2"));
  }

  @Test void exactVersion() {
    check("[0.1]", List.of("0.1", "0.1.0", "0.1.0.0"), List.of("0.1.1", "0.0", "0.2", "1.0"));
  }

  @Test void unboundedAbove() {
    check("[1.5,)", List.of("1.5", "1.6", "99.0"), List.of("1.4", "1.4.99"));
    check("(1.5,)", List.of("1.5.1", "2"), List.of("1.5", "1.4"));
  }

  @Test void unboundedBelow() {
    check("(,1.0]", List.of("0", "0.9", "1.0", "1"), List.of("1.0.1", "1.1", "2.0"));
    check("(,1.0)", List.of("0", "0.9.9"), List.of("1.0", "1.1"));
    check("[,1.0]", List.of("0", "1.0"), List.of("1.1"));
  }

  @Test void unionOfRanges() {
    check("(,1.0],[1.2,)", List.of("0.5", "1.0", "1.2", "3.0"), List.of("1.1", "1.0.1", "1.1.9"));
  }

  @Test void unionExcludingOneVersion() {
    check("(,1.1),(1.1,)", List.of("1.0", "1.1.1", "1.2", "0"), List.of("1.1", "1.1.0"));
  }

  @Test void unionOfThreeWithTouchingBounds() {
    check("[0.1,0.2),[0.2,0.3),[0.5]", List.of("0.1", "0.2", "0.2.9", "0.5"), List.of("0.3", "0.4", "0.5.1", "0.0"));
  }

  @Test void whitespaceAroundPartsIsAllowed() {
    check("  [ 0.1 , 0.2 )  ", List.of("0.1"), List.of("0.2"));
    check("(,1.0] , [1.2,)", List.of("1.0", "1.2"), List.of("1.1"));
  }

  @Test void versionsCompareNumericallyNotAsText() {
    check("[0.9,0.10)", List.of("0.9", "0.9.5"), List.of("0.10", "0.1", "0.11"));
    check("[0.2,0.10]", List.of("0.2", "0.9", "0.10"), List.of("0.11", "0.1"));
  }

  @Test void theDefaultRangeOfTheSpiContainsThisApi() {
    assertTrue(VersionRange.parse("[0.1,0.2)").contains(org.attention4j.api.ApiVersion.spi()));
  }

  @Test void toStringIsTheTrimmedText() {
    assertEquals("(,1.0],[1.2,)", VersionRange.parse(" (,1.0],[1.2,) ").toString());
  }

  @Test void equalRangesAreEqualHoweverWritten() {
    assertEquals(VersionRange.parse("[0.1,0.2)"), VersionRange.parse("[0.1.0, 0.2.0)"));
    assertEquals(VersionRange.parse("[0.1,0.2)").hashCode(), VersionRange.parse("[0.1.0, 0.2.0)").hashCode());
    assertEquals(VersionRange.parse("[0.1]"), VersionRange.parse("[0.1,0.1.0]"));
    assertNotEquals(VersionRange.parse("[0.1,0.2)"), VersionRange.parse("[0.1,0.2]"));
    assertNotEquals(VersionRange.parse("[0.1,0.2)"), VersionRange.parse("(0.1,0.2)"));
    assertNotEquals(VersionRange.parse("0.1"), VersionRange.parse("[0.1]"));
    assertEquals(VersionRange.parse("0.1"), VersionRange.parse("[0.1,)"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "[0.1", "0.1]", "(0.1)", "[0.1)", "(0.1]", "[0.1,0.2,0.3]", "[a,b)", "[0.1,b)",
      "v0.1", "0.1-SNAPSHOT", "0..1", "1.", ".1", "+1", "-1", "[-1,2)", "[0.3,0.2)", "(1.0,0.9]", "[1.0,1.0]", "(,)",
      "[,]", "[1.2,),(,1.0]", "[1.0,2.0],[1.5,3.0]", "[1.0,),[2.0,)", "[0.1,0.2)x", "[0.1,0.2),", "[0.1,0.2) [0.3,0.4)",
      "1.0,[2.0,)", "[0.1,0.2),0.3", "[99999999999,)", "\u0661.\u0662"})
  void malformedRangesAreRefusedNamingTheText(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VersionRange.parse(text));
    assertTrue(e.getMessage().startsWith("SPI range: expected "), e.getMessage());
    assertTrue(e.getMessage().contains("got '" + text.trim() + "'"), e.getMessage());
  }

  @Test void nullIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VersionRange.parse(null));
    assertEquals("SPI range: expected a Maven range like [0.1,0.2), got ''", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"0.1,0.1,0", "0.1,0.1.0,0", "0.1,0.2,-1", "0.10,0.9,1", "1,0.9999,1", "1.0.1,1.0,1", "0,0.0.0,0"})
  void compareIsNumericWithMissingPartsAsZero(String a, String b, int sign) {
    int[] x = java.util.Arrays.stream(a.split("\\.")).mapToInt(Integer::parseInt).toArray();
    int[] y = java.util.Arrays.stream(b.split("\\.")).mapToInt(Integer::parseInt).toArray();
    assertEquals(sign, Integer.signum(VersionRange.compare(x, y)));
    assertEquals(-sign, Integer.signum(VersionRange.compare(y, x)));
  }

  @Test void containsRefusesANonNumericVersion() {
    VersionRange r = VersionRange.parse("[0.1,0.2)");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.contains("0.1-SNAPSHOT"));
    assertTrue(e.getMessage().contains("'0.1-SNAPSHOT'"), e.getMessage());
  }
}
