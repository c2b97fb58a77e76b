package org.attention4j.api.io;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.DenseMatrices;

/**
 * Comma-separated text. The first non-blank line is a header iff one of its fields is neither a
 * number nor {@code true}/{@code false}; blank lines are skipped (as numpy and pandas do); fields are
 * trimmed; there is no quoting. Numbers are decimal ({@code 1}, {@code -2.5}, {@code .5e-3}) or
 * {@code nan}, {@code inf}, {@code infinity} with an optional sign, in any case. Every row must have
 * as many fields as the first line.
 *
 * <p>Matrices are written without a header, floats with 9 significant digits (enough to read back
 * the same float32); tables ({@link #writeTable}) with one. Rank &gt; 2 cannot be CSV.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Csv {
  private static final MathContext FLOAT_DIGITS = new MathContext(9, RoundingMode.HALF_EVEN);

  private Csv() {}

  /**
   * Writes a table with a header line: one row per inner list, one value per column. Floats are
   * written with 9 significant digits, doubles with the shortest text that reads back the same
   * double, integers, booleans and strings as they are. Strings must not contain commas, quotes or
   * line breaks, and at least one column name must not be a number or true/false (else the header
   * would read as data).
   */
  public static void writeTable(Path file, List<String> columns, List<? extends List<?>> rows) {
    if (FileFormat.of(file) != FileFormat.CSV) throw FileIo.error(file, "a .csv file for a table", "another extension");
    if (columns.isEmpty()) throw new IllegalArgumentException("columns: expected at least one column, got none");
    boolean named = false;
    for (String c : columns) {
      checkText("columns", c);
      named |= !isNumber(c.trim()) && !isBoolean(c.trim());
    }
    if (!named) {
      throw new IllegalArgumentException("columns: expected at least one name that is not a number or true/false, got "
          + columns);
    }
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).size() != columns.size()) {
        throw new IllegalArgumentException("rows: expected " + columns.size() + " values in row " + i
            + " (= columns), got " + rows.get(i).size());
      }
    }
    try (FileChannel ch = FileIo.openWrite(file); Writer w = writer(ch)) {
      w.write(String.join(",", columns));
      w.write('\n');
      for (int i = 0; i < rows.size(); i++) {
        List<?> row = rows.get(i);
        for (int j = 0; j < row.size(); j++) {
          if (j > 0) w.write(',');
          w.write(cell(row.get(j), i, j));
        }
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A float with 9 significant digits, trailing zeros dropped: {@code 0.1}, {@code 1.5e-07},
   * {@code -0}, {@code nan}, {@code inf}. {@link Float#parseFloat} of the text gives {@code f} back.
   */
  public static String formatFloat(float f) {
    if (Float.isNaN(f)) return "nan";
    if (Float.isInfinite(f)) return f > 0 ? "inf" : "-inf";
    if (f == 0) return Float.floatToRawIntBits(f) < 0 ? "-0" : "0";
    return decimal(new BigDecimal(f).round(FLOAT_DIGITS), 9);
  }

  /** A double in the shortest text that reads back the same value, in the style of {@link #formatFloat}. */
  static String formatDouble(double d) {
    if (Double.isNaN(d)) return "nan";
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0) return Double.doubleToRawLongBits(d) < 0 ? "-0" : "0";
    return decimal(new BigDecimal(Double.toString(d)), 17);
  }

  /** Plain notation for decimal exponents in [-4, digits), else d.ddde±XX, as Python's %g does. */
  private static String decimal(BigDecimal d, int digits) {
    d = d.stripTrailingZeros();
    int exp = d.precision() - d.scale() - 1;
    if (exp >= -4 && exp < digits) return d.toPlainString();
    String m = d.unscaledValue().abs().toString();
    String mantissa = m.length() == 1 ? m : m.charAt(0) + "." + m.substring(1);
    int e = Math.abs(exp);
    return (d.signum() < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
  }

  static FixedSizeListVector readMatrix(Path file, BufferAllocator allocator) {
    FloatCells cells = new FloatCells();
    int[] shape = read(file, cells);
    FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, fileName(file), shape);
    MemorySegment.copy(cells.values, 0, DenseMatrices.segment(v), FileIo.FLOAT, 0, cells.size);
    return v;
  }

  static MaskData readMask(Path file) {
    BooleanCells cells = new BooleanCells();
    int[] shape = read(file, cells);
    return new MaskData(shape, Arrays.copyOf(cells.values, cells.size));
  }

  static LongTensor readIntegers(Path file) {
    LongCells cells = new LongCells();
    int[] shape = read(file, cells);
    return new LongTensor(shape, Arrays.copyOf(cells.values, cells.size));
  }

  static void writeMatrix(Path file, FixedSizeListVector matrix) {
    int[] shape = MatrixFiles.checkedShape("matrix", matrix);
    int rows = DenseMatrices.rows(matrix), cols = DenseMatrices.cols(matrix);
    checkCsvShape(file, shape, rows, cols);
    MemorySegment data = DenseMatrices.segment(matrix);
    try (FileChannel ch = FileIo.openWrite(file); Writer w = writer(ch)) {
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          if (j > 0) w.write(',');
          w.write(formatFloat(data.getAtIndex(FileIo.FLOAT, (long) i * cols + j)));
        }
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static void writeIntegers(Path file, LongTensor tensor) {
    int[] shape = tensor.shape();
    int rows = shape.length == 0 ? 1 : shape[0];
    int cols = shape.length < 2 ? 1 : shape[1];
    checkCsvShape(file, shape, rows, cols);
    long[] values = tensor.values();
    try (FileChannel ch = FileIo.openWrite(file); Writer w = writer(ch)) {
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          if (j > 0) w.write(',');
          w.write(Long.toString(values[i * cols + j]));
        }
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  private static void checkCsvShape(Path file, int[] shape, int rows, int cols) {
    if (shape.length > 2) {
      throw FileIo.error(file, "rank <= 2 for CSV (use .npy or .arrow)", "shape " + Arrays.toString(shape));
    }
    if (rows > 0 && cols == 0) {   // empty lines would read back as no rows at all
      throw FileIo.error(file, "at least one column for CSV", "shape " + Arrays.toString(shape));
    }
  }

  private static Writer writer(FileChannel ch) {
    return new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8), 1 << 16);
  }

  private static String cell(Object value, int row, int col) {
    return switch (value) {
      case null -> throw new IllegalArgumentException("rows: expected a value in row " + row + ", column " + col + ", got null");
      case Float f -> formatFloat(f);
      case Double d -> formatDouble(d);
      case Integer i -> i.toString();
      case Long l -> l.toString();
      case Short s -> s.toString();
      case Byte b -> b.toString();
      case BigInteger b -> b.toString();
      case Boolean b -> b.toString();
      case CharSequence s -> checkText("rows", s.toString());
      default -> throw new IllegalArgumentException("rows: expected a number, boolean or string in row " + row
          + ", column " + col + ", got " + value.getClass().getName());
    };
  }

  private static String checkText(String argument, String s) {
    if (s == null || s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(argument + ": expected text without commas, quotes or line breaks, got "
          + (s == null ? "null" : "'" + FileIo.preview(s, 40) + "'"));
    }
    return s;
  }

  private static String fileName(Path file) {
    Path n = file.getFileName();
    return n == null ? file.toString() : n.toString();
  }

  // ---- reading ----

  /** Receives the fields of the data lines, in order; throws on a field it cannot parse. */
  private abstract static class Cells {
    int size;

    abstract void add(String field, Path file, int line, int column);

    /** The next capacity; {@link #read} stops before {@link FileIo#MAX_ARRAY} values. */
    static int grow(int capacity) { return (int) Math.min(FileIo.MAX_ARRAY, Math.max(16L, 2L * capacity)); }

    static IllegalArgumentException bad(Path file, String expected, String field, int line, int column) {
      return FileIo.error(file, expected + " on line " + line + ", column " + column, "'" + FileIo.preview(field, 40) + "'");
    }
  }

  private static final class FloatCells extends Cells {
    float[] values = new float[16];

    @Override void add(String field, Path file, int line, int column) {
      if (size == values.length) values = Arrays.copyOf(values, grow(values.length));
      values[size++] = parseFloat(field, file, line, column);
    }
  }

  private static final class BooleanCells extends Cells {
    boolean[] values = new boolean[16];

    @Override void add(String field, Path file, int line, int column) {
      if (size == values.length) values = Arrays.copyOf(values, grow(values.length));
      boolean v;
      if (field.equals("1") || field.equalsIgnoreCase("true")) v = true;
      else if (field.equals("0") || field.equalsIgnoreCase("false")) v = false;
      else throw bad(file, "a mask value 0, 1, true or false", field, line, column);
      values[size++] = v;
    }
  }

  private static final class LongCells extends Cells {
    long[] values = new long[16];

    @Override void add(String field, Path file, int line, int column) {
      if (size == values.length) values = Arrays.copyOf(values, grow(values.length));
      if (!isInteger(field)) throw bad(file, "an integer", field, line, column);
      try {
        values[size++] = Long.parseLong(field);
      } catch (NumberFormatException e) {
        throw bad(file, "an integer in the int64 range", field, line, column);
      }
    }
  }

  /** Reads the data lines into {@code cells}; returns the shape [rows, cols]. */
  private static int[] read(Path file, Cells cells) {
    // InputStreamReader replaces malformed UTF-8 rather than failing: only numbers matter here.
    try (FileChannel ch = FileIo.openRead(file);
         BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8),
             1 << 16)) {
      int cols = -1, firstLine = 0, rows = 0, lineNo = 0;
      for (String line; (line = r.readLine()) != null; ) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);   // a UTF-8 byte order mark
        if (line.isBlank()) continue;
        String[] fields = line.split(",", -1);
        if (cols < 0) {
          cols = fields.length;
          firstLine = lineNo;
          if (isHeader(fields)) continue;
        } else if (fields.length != cols) {
          throw FileIo.error(file, cols + " fields on line " + lineNo + " (as on line " + firstLine + ")", fields.length + "");
        }
        if ((long) cells.size + cols > FileIo.MAX_ARRAY) {
          throw FileIo.error(file, "at most " + FileIo.MAX_ARRAY + " values", "more on line " + lineNo);
        }
        for (int j = 0; j < cols; j++) cells.add(fields[j].trim(), file, lineNo, j + 1);
        rows++;
      }
      return new int[] {rows, Math.max(cols, 0)};
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  private static boolean isHeader(String[] fields) {
    for (String f : fields) {
      String t = f.trim();
      if (!isNumber(t) && !isBoolean(t)) return true;
    }
    return false;
  }

  static boolean isBoolean(String t) { return t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false"); }

  /** Decimal ([+-]digits[.digits][e[+-]digits], or .digits) or nan/inf/infinity with an optional sign. */
  static boolean isNumber(String t) {
    int i = 0, n = t.length();
    if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) i++;
    String rest = t.substring(i).toLowerCase(Locale.ROOT);
    if (rest.equals("inf") || rest.equals("infinity")) return true;
    if (rest.equals("nan")) return true;
    int digits = 0;
    while (i < n && isDigit(t.charAt(i))) { i++; digits++; }
    if (i < n && t.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(t.charAt(i))) { i++; digits++; }
    }
    if (digits == 0) return false;
    if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
      i++;
      if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) i++;
      int exp = 0;
      while (i < n && isDigit(t.charAt(i))) { i++; exp++; }
      if (exp == 0) return false;
    }
    return i == n;
  }

  private static boolean isInteger(String t) {
    int i = t.startsWith("+") || t.startsWith("-") ? 1 : 0;
    if (i == t.length()) return false;
    for (; i < t.length(); i++) if (!isDigit(t.charAt(i))) return false;
    return true;
  }

  private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

  private static float parseFloat(String field, Path file, int line, int column) {
    if (!isNumber(field)) throw Cells.bad(file, "a number", field, line, column);
    String t = field.toLowerCase(Locale.ROOT);
    if (t.endsWith("nan")) return Float.NaN;
    if (t.endsWith("inf") || t.endsWith("infinity")) return t.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    return Float.parseFloat(field);   // correctly rounded from the decimal text
  }
}
