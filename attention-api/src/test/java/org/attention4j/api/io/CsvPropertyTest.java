package org.attention4j.api.io;

import static org.attention4j.api.io.IoTestSupport.readOrRefuse;
import static org.attention4j.api.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import net.jqwik.api.statistics.Statistics;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;

/** CSV properties: exact float32 round trips through 9 digits, masks, integers, the header rule, corruption. */
class CsvPropertyTest {
  private static Path dir;
  private static IoTestSupport.ShallowThread shallow;
  private BufferAllocator allocator;

  @BeforeContainer static void makeDir() throws IOException {
    shallow = new IoTestSupport.ShallowThread();
    dir = Files.createTempDirectory("csv-properties");
  }

  @AfterContainer static void removeDir() {
    shallow.close();
    IoTestSupport.deleteTree(dir);
  }

  @BeforeTry void open() { allocator = new RootAllocator(); }

  @AfterTry void close() {
    IoTestSupport.deleteFresh();
    allocator.close();
  }

  record Matrix(int rows, int cols, float[] values) {}

  /** Any float32 bit pattern, with the special values as edge cases. */
  @Provide Arbitrary<Float> anyFloat() {
    return Arbitraries.oneOf(Arbitraries.integers().map(Float::intBitsToFloat),
        Arbitraries.floats().withStandardSpecialValues(), Arbitraries.floats().between(-10, 10).ofScale(3));
  }

  @Provide Arbitrary<Matrix> matrices() {
    return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(1, 6))
        .flatAs((r, c) -> anyFloat().array(float[].class).ofSize(r * c).map(v -> new Matrix(r, c, v)));
  }

  private Path text(String s) {
    Path f = IoTestSupport.fresh(dir, "t.csv");
    write(f, s.getBytes(StandardCharsets.UTF_8));
    return f;
  }

  @Property(tries = 2000)
  void float32MatricesRoundTripExactlyThroughNineDigits(@ForAll("matrices") Matrix m) {
    shallow.run(() -> {
      Path f = IoTestSupport.fresh(dir, "m.csv");
      try (FixedSizeListVector v = DenseMatrices.of(allocator, "m", m.rows, m.cols, m.values)) {
        MatrixFiles.writeMatrix(f, v);
      }
      try (FixedSizeListVector v = MatrixFiles.readMatrix(f, allocator)) {
        assertArrayEquals(m.rows == 0 ? new int[] {0, 0} : new int[] {m.rows, m.cols}, DenseMatrices.shape(v));   // no lines, no columns
        float[] back = DenseMatrices.toArray(v);
        for (int i = 0; i < back.length; i++) {
          assertEquals(Float.floatToIntBits(m.values[i]), Float.floatToIntBits(back[i]), () -> Csv.formatFloat(m.values[0]));
        }
      }
    });
  }

  @Provide Arbitrary<String> headerWords() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars("_ é").ofMinLength(1).ofMaxLength(6)
        .filter(w -> !w.isBlank() && !Csv.isNumber(w.trim()) && !Csv.isBoolean(w.trim()));
  }

  @Property(tries = 2000)
  void masksRoundTripInAnySpellingWithOrWithoutHeader(@ForAll @IntRange(min = 0, max = 5) int rows,
      @ForAll @IntRange(min = 1, max = 5) int cols, @ForAll long seed, @ForAll boolean header, @ForAll("headerWords") String word) {
    java.util.Random r = new java.util.Random(seed);
    List<String> ones = List.of("1", "true", "TRUE", "True", " 1 "), zeros = List.of("0", "false", "FALSE", "False", "0 ");
    StringBuilder sb = new StringBuilder();
    if (header) sb.append(String.join(",", java.util.Collections.nCopies(cols, word))).append('\n');
    boolean[] expected = new boolean[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        expected[i * cols + j] = r.nextBoolean();
        List<String> spell = expected[i * cols + j] ? ones : zeros;
        sb.append(j == 0 ? "" : ",").append(spell.get(r.nextInt(spell.size())));
      }
      sb.append(r.nextInt(4) == 0 ? "\r\n" : "\n");
    }
    MaskData m = MatrixFiles.readMask(text(sb.toString()));
    assertArrayEquals(new int[] {rows, rows == 0 && !header ? 0 : cols}, m.shape());
    assertArrayEquals(expected, m.values());
  }

  @Property(tries = 2000)
  void integersRoundTripWithAnOptionalHeader(@ForAll @IntRange(min = 0, max = 6) int rows, @ForAll @IntRange(min = 1, max = 4) int cols,
      @ForAll long seed, @ForAll("headerWords") String word, @ForAll boolean header) throws IOException {
    java.util.Random r = new java.util.Random(seed);
    long[] values = new long[rows * cols];
    for (int i = 0; i < values.length; i++) values[i] = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(21) - 10;
    Path written = IoTestSupport.fresh(dir, "ids.csv");
    MatrixFiles.writeIntegers(written, values, rows, cols);
    Path f = written;
    if (header) {   // a new file: rewriting one in place makes ext4 flush it
      f = text(String.join(",", java.util.Collections.nCopies(cols, word)) + "\n" + Files.readString(written));
    }
    LongTensor back = MatrixFiles.readIntegers(f);
    assertArrayEquals(new int[] {rows, rows == 0 && !header ? 0 : cols}, back.shape());
    assertArrayEquals(values, back.values());
  }

  /** The first line is a header iff one of its fields is neither a number nor true/false. */
  @Property(tries = 2000)
  void firstLineIsAHeaderIffAFieldIsNotANumberOrBoolean(@ForAll("firstLines") List<String> fields) {
    boolean header = fields.stream().anyMatch(s -> !Csv.isNumber(s.trim()) && !Csv.isBoolean(s.trim()));
    boolean booleans = fields.stream().anyMatch(s -> Csv.isBoolean(s.trim()));
    Path f = text(String.join(",", fields) + "\n" + String.join(",", java.util.Collections.nCopies(fields.size(), "1")) + "\n");
    if (header || !booleans) {
      assertEquals(header ? 1 : 2, (int) shallow.call(() -> {
        try (FixedSizeListVector v = MatrixFiles.readMatrix(f, allocator)) {
          return DenseMatrices.rows(v);
        }
      }));
    } else {   // a data line with true/false is not a float matrix
      String m = IoTestSupport.assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator));
      assertTrue(m.contains("on line 1"), m);
    }
  }

  @Provide Arbitrary<List<String>> firstLines() {
    Arbitrary<String> field = Arbitraries.oneOf(
        Arbitraries.of("1", "-2.5", "1e5", ".5", "5.", "nan", "-inf", "Infinity", "true", "FALSE", " 3 ", "+7", "0"),
        Arbitraries.of("a", "src", "1x", "e5", "1e", "0x10", "1f", "", "--1", "1.2.3", "NaNa", "tru"),
        Arbitraries.integers().map(String::valueOf));
    return field.list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide Arbitrary<String> csvTexts() {
    return matrices().map(m -> {
      StringBuilder sb = new StringBuilder(m.rows % 2 == 0 ? "a,b\n" : "");
      for (int i = 0; i < m.rows; i++) {
        for (int j = 0; j < m.cols; j++) sb.append(j == 0 ? "" : ",").append(Csv.formatFloat(m.values[i * m.cols + j]));
        sb.append('\n');
      }
      return sb.toString();
    });
  }

  /** Truncations, edits and insertions of CSV text read or are refused naming the file (and line). */
  @Property(tries = 2000)
  void corruptTextReadsOrIsRefusedNamingTheFile(@ForAll("csvTexts") String valid, @ForAll @IntRange(min = 0, max = 3) int kind,
      @ForAll int at, @ForAll @IntRange(min = 0, max = 18) int c) {
    String alphabet = "0123456789,\n-.eE a\r";
    char ch = alphabet.charAt(c);
    int n = valid.length();
    String text = switch (kind) {
      case 0 -> valid.substring(0, n == 0 ? 0 : Math.floorMod(at, n));
      case 1 -> n == 0 ? valid : valid.substring(0, Math.floorMod(at, n)) + ch + valid.substring(Math.floorMod(at, n) + 1);
      case 2 -> valid.substring(0, n == 0 ? 0 : Math.floorMod(at, n)) + ch + valid.substring(n == 0 ? 0 : Math.floorMod(at, n));
      default -> n == 0 ? valid : valid.substring(0, Math.floorMod(at, n)) + valid.substring(Math.floorMod(at, n) + 1);
    };
    Path f = text(text);
    boolean read = shallow.call(() -> readOrRefuse(f, () -> MatrixFiles.readMatrix(f, allocator)));
    readOrRefuse(f, () -> MatrixFiles.readMask(f));
    readOrRefuse(f, () -> MatrixFiles.readIntegers(f));
    Statistics.label("matrix").collect(read ? "read" : "refused");
    Statistics.label("matrix").coverage(cov -> {
      cov.check("read").percentage(p -> p > 20);
      cov.check("refused").percentage(p -> p > 10);
    });
  }
}
