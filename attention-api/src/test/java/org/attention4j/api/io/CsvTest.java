package org.attention4j.api.io;

import static org.attention4j.api.io.IoTestSupport.assertRefused;
import static org.attention4j.api.io.IoTestSupport.bytes;
import static org.attention4j.api.io.IoTestSupport.fixture;
import static org.attention4j.api.io.IoTestSupport.floats;
import static org.attention4j.api.io.IoTestSupport.prefix;
import static org.attention4j.api.io.IoTestSupport.readOrRefuse;
import static org.attention4j.api.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CSV: the header rule, 9 significant digits, masks, integers, tables, ragged rows. */
class CsvTest {
  private BufferAllocator allocator;
  @TempDir Path dir;

  @BeforeEach void open() { allocator = new RootAllocator(); }

  @AfterEach void close() { allocator.close(); }

  private Path csv(String text) {
    Path f = dir.resolve("t.csv");
    write(f, text.getBytes(StandardCharsets.UTF_8));
    return f;
  }

  private float[][] matrix(Path f) {
    try (FixedSizeListVector v = MatrixFiles.readMatrix(f, allocator)) {
      return DenseMatrices.toRows(v);
    }
  }

  private int[] shape(Path f) {
    try (FixedSizeListVector v = MatrixFiles.readMatrix(f, allocator)) {
      return DenseMatrices.shape(v);
    }
  }

  @Test void readsNumpySavetxtWithAndWithoutHeader() {
    for (String name : List.of("f32_2d.csv", "f32_2d_header.csv")) {
      try (FixedSizeListVector v = MatrixFiles.readMatrix(fixture(name), allocator)) {
        assertArrayEquals(new int[] {3, 4}, DenseMatrices.shape(v));
        assertArrayEquals(floats(12), DenseMatrices.toArray(v), name);
      }
    }
  }

  @Test void readsEdgeListsWithHeaderAndMasks() {
    assertEquals(new LongTensor(new int[] {3, 2}, new long[] {0, 1, 1, 2, 2, 0}), MatrixFiles.readIntegers(fixture("edges.csv")));
    assertArrayEquals(new boolean[] {true, false, true, true, false, false, true, false, true, true, true, false},
        MatrixFiles.readMask(fixture("mask.csv")).values());
  }

  /** The first line is a header iff one of its fields is neither a number nor true/false. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'1,2\n3,4\n'|2", "'a,b\n3,4\n'|1", "'1,b\n3,4\n'|1", "'1e5,-2.5E-3\n3,4\n'|2", "'nan,-inf\n3,4\n'|2",
      "'Infinity,+NaN\n3,4\n'|2", "'.5,5.\n3,4\n'|2", "'0x10,4\n3,4\n'|1", "'1f,2\n3,4\n'|1", "' 1 , 2 \n3,4\n'|2",
      "'e5,2\n3,4\n'|1", "'1e,2\n3,4\n'|1", "',2\n3,4\n'|1"})
  void firstLineIsAHeaderIffAFieldIsNotANumberOrBoolean(String text, int rows) {
    assertEquals(rows, shape(csv(text))[0]);
  }

  @Test void booleansInTheFirstLineAreDataForMasks() {
    MaskData m = MatrixFiles.readMask(csv("true,FALSE\n0,1\nTrue,false\n"));
    assertArrayEquals(new int[] {3, 2}, m.shape());
    assertArrayEquals(new boolean[] {true, false, false, true, true, false}, m.values());
    Path named = csv("real,pad\n1,0\n");
    assertEquals(new MaskData(new int[] {1, 2}, new boolean[] {true, false}), MatrixFiles.readMask(named));
  }

  @Test void skipsBlankLinesCarriageReturnsAndAByteOrderMark() {
    assertArrayEquals(new float[][] {{1, 2}, {3, 4}}, matrix(csv("\uFEFF1,2\r\n\r\n   \n3,4\r\n\n")));
  }

  @Test void emptyFilesAndHeaderOnlyFilesHaveNoRows() {
    assertArrayEquals(new int[] {0, 0}, shape(csv("")));
    assertArrayEquals(new int[] {0, 3}, shape(csv("a,b,c\n")));
  }

  @Test void raggedRowsNameFileLineExpectedAndActual() {
    Path f = csv("x,y,z\n1,2,3\n\n4,5\n");
    assertEquals(f + ": expected 3 fields on line 4 (as on line 1), got 2", assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
    assertEquals(f + ": expected 3 fields on line 4 (as on line 1), got 2", assertRefused(f, () -> MatrixFiles.readIntegers(f)));
  }

  @Test void badFieldsNameLineAndColumn() {
    Path f = csv("1,2\n3,x\n");
    assertEquals(f + ": expected a number on line 2, column 2, got 'x'", assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
    Path m = csv("1,0\n2,1\n");
    assertEquals(m + ": expected a mask value 0, 1, true or false on line 2, column 1, got '2'",
        assertRefused(m, () -> MatrixFiles.readMask(m)));
    Path i = csv("1,2.5\n");
    assertEquals(i + ": expected an integer on line 1, column 2, got '2.5'", assertRefused(i, () -> MatrixFiles.readIntegers(i)));
    Path big = csv("1,99999999999999999999\n");
    assertEquals(big + ": expected an integer in the int64 range on line 1, column 2, got '99999999999999999999'",
        assertRefused(big, () -> MatrixFiles.readIntegers(big)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"0.1|0.100000001", "1|1", "-2.5|-2.5", "100|100", "123456789|123456792", "1e9|1e+09",
      "1.5e-7|1.50000005e-07", "0.0001|9.99999975e-05", "0.001|0.00100000005", "3.4028235e38|3.40282347e+38", "1.4e-45|1.40129846e-45", "-0.0|-0",
      "NaN|nan", "Infinity|inf", "-Infinity|-inf", "16777216|16777216", "0.333333343|0.333333343"})
  void formatsFloatsWithNineSignificantDigits(float value, String text) {
    assertEquals(text, Csv.formatFloat(value));
    assertEquals(Float.floatToIntBits(value), Float.floatToIntBits(Float.parseFloat(text.replace("nan", "NaN").replace("inf", "Infinity"))));
  }

  @Test void writesMatricesWithoutHeaderAndReadsThemBackExactly() {
    Path f = dir.resolve("m.csv");
    float[] data = {0.1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY};
    try (FixedSizeListVector v = DenseMatrices.of(allocator, "m", 2, 3, data)) {
      MatrixFiles.writeMatrix(f, v);
    }
    assertEquals("0.100000001,-0,1.40129846e-45\n3.40282347e+38,nan,-inf\n", new String(bytes(f), StandardCharsets.UTF_8));
    try (FixedSizeListVector v = MatrixFiles.readMatrix(f, allocator)) {
      float[] back = DenseMatrices.toArray(v);
      for (int i = 0; i < data.length; i++) assertEquals(Float.floatToIntBits(data[i]), Float.floatToIntBits(back[i]));
    }
  }

  @Test void rankAboveTwoCannotBeCsv() {
    Path f = dir.resolve("r.csv");
    try (FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, "r", 2, 3, 4)) {
      assertEquals(f + ": expected rank <= 2 for CSV (use .npy or .arrow), got shape [2, 3, 4]",
          assertRefused(f, () -> MatrixFiles.writeMatrix(f, v)));
    }
    assertRefused(f, () -> MatrixFiles.writeIntegers(f, new long[8], 2, 2, 2));
  }

  @Test void oneDimensionalTensorsAreWrittenAsAColumn() {
    Path f = dir.resolve("c.csv");
    MatrixFiles.writeIntegers(f, new long[] {4, -5, 6}, 3);
    assertEquals("4\n-5\n6\n", new String(bytes(f), StandardCharsets.UTF_8));
    assertEquals(new LongTensor(new int[] {3, 1}, new long[] {4, -5, 6}), MatrixFiles.readIntegers(f));
  }

  @Test void writesTablesWithAHeader() {
    Path f = dir.resolve("edges.csv");
    Csv.writeTable(f, List.of("src", "dst", "head", "weight"),
        List.of(List.of(0, 1, 0, 0.25f), List.of(1L, 0L, (short) 1, 0.1), List.of(2, 2, 0, true)));
    assertEquals("src,dst,head,weight\n0,1,0,0.25\n1,0,1,0.1\n2,2,0,true\n", new String(bytes(f), StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> Csv.writeTable(f, List.of("1", "2"), List.of()));
    assertThrows(IllegalArgumentException.class, () -> Csv.writeTable(f, List.of("a,b"), List.of()));
    assertThrows(IllegalArgumentException.class, () -> Csv.writeTable(f, List.of("a"), List.of(List.of(1, 2))));
    assertThrows(IllegalArgumentException.class, () -> Csv.writeTable(f, List.of("a"), List.of(List.of("x\ny"))));
    assertRefused(dir.resolve("t.npy"), () -> Csv.writeTable(dir.resolve("t.npy"), List.of("a"), List.of()));
  }

  @Test void truncationAtEveryLengthReadsOrIsRefused() {
    byte[] whole = bytes(fixture("f32_2d_header.csv"));
    for (int n = 0; n <= whole.length; n++) {
      Path f = IoTestSupport.fresh(dir, "cut.csv");
      write(f, prefix(whole, n));
      readOrRefuse(f, () -> MatrixFiles.readMatrix(f, allocator));
      readOrRefuse(f, () -> MatrixFiles.readMask(f));
      readOrRefuse(f, () -> MatrixFiles.readIntegers(f));
      IoTestSupport.deleteFresh();
    }
  }
}
