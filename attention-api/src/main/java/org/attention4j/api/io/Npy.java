package org.attention4j.api.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;

/**
 * numpy's {@code .npy} format: the magic {@code \x93NUMPY}, a version (1.0, 2.0 or 3.0 on read; 1.0
 * on write), a header length (2 bytes in 1.0, 4 bytes after), a header that is a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}, then the raw data.
 *
 * <p>Every size is checked against the file size before anything is allocated, and the data must
 * fill the rest of the file exactly.
 */
final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** numpy itself refuses headers above 10 000 bytes by default; real headers are ~100 bytes. */
  static final int MAX_HEADER = 100_000;

  private Npy() {}

  /** A checked header: the element type, the shape, where the data starts, and the file size. */
  record Header(Dtype dtype, int[] shape, long dataOffset, long fileSize) {
    long count() { return FileIo.elementCount(shape); }
  }

  static FixedSizeListVector readMatrix(Path file, BufferAllocator allocator) {
    try (FileChannel ch = FileIo.openRead(file)) {
      Header h = readHeader(ch, file, Set.of(Dtype.FLOAT32, Dtype.FLOAT64), "float32 or float64 data");
      int[] shape = matrixShape(h.shape, file);
      FileIo.checkDenseShape(file, shape, h.fileSize);
      FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, name(file), shape);
      try {
        FileIo.readFloats(ch, h.dataOffset, h.dtype, h.count(), DenseMatrices.segment(v), file);
        return v;
      } catch (RuntimeException | Error e) {
        v.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static MaskData readMask(Path file) {
    try (FileChannel ch = FileIo.openRead(file)) {
      Header h = readHeader(ch, file, Set.of(Dtype.BOOL, Dtype.UINT8, Dtype.INT32, Dtype.INT64),
          "a mask of bool, uint8, int32 or int64");
      int[] shape = matrixShape(h.shape, file);
      boolean[] values = new boolean[arrayLength(h, file)];
      FileIo.readBooleans(ch, h.dataOffset, h.dtype, values, file);
      return new MaskData(shape, values);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static LongTensor readIntegers(Path file) {
    try (FileChannel ch = FileIo.openRead(file)) {
      Header h = readHeader(ch, file, Set.of(Dtype.INT32, Dtype.INT64), "integers of int32 or int64");
      int[] shape = matrixShape(h.shape, file);
      long[] values = new long[arrayLength(h, file)];
      FileIo.readLongs(ch, h.dataOffset, h.dtype, values, file);
      return new LongTensor(shape, values);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static void writeMatrix(Path file, FixedSizeListVector matrix) {
    int[] shape = MatrixFiles.checkedShape("matrix", matrix);
    try (FileChannel ch = FileIo.openWrite(file)) {
      FileIo.writeFully(ch, ByteBuffer.wrap(header(Dtype.FLOAT32.npy, shape)), file);
      FileIo.writeFloats(ch, DenseMatrices.segment(matrix), FileIo.elementCount(shape), file);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static void writeIntegers(Path file, LongTensor tensor) {
    try (FileChannel ch = FileIo.openWrite(file)) {
      FileIo.writeFully(ch, ByteBuffer.wrap(header(Dtype.INT64.npy, tensor.shape())), file);
      FileIo.writeLongs(ch, tensor.values(), file);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The bytes before the data: magic, version 1.0 (2.0 if the header needs more than 65535 bytes),
   * header length and the dict, padded with spaces so the data starts at a multiple of 64 (as numpy does).
   */
  static byte[] header(String descr, int[] shape) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + FileIo.tuple(shape) + ", }";
    int len = dict.length() + 1;   // with the closing newline
    int prefix = 10;
    int padded = len + (64 - (prefix + len) % 64) % 64;
    if (padded > 0xFFFF) {           // only absurd ranks: format 2.0 has a 4-byte length
      prefix = 12;
      padded = len + (64 - (prefix + len) % 64) % 64;
    }
    ByteBuffer b = ByteBuffer.allocate(prefix + padded).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) (prefix == 10 ? 1 : 2)).put((byte) 0);
    if (prefix == 10) b.putShort((short) padded);
    else b.putInt(padded);
    b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    while (b.position() < b.capacity() - 1) b.put((byte) ' ');
    b.put((byte) '\n');
    return b.array();
  }

  private static String name(Path file) {
    Path n = file.getFileName();
    return n == null ? file.toString() : n.toString();
  }

  /** A 1-D array is read as [n, 1]; a 0-d array is refused. */
  private static int[] matrixShape(int[] shape, Path file) {
    if (shape.length == 0) throw FileIo.error(file, "an array of rank >= 1", "a 0-d scalar (shape ())");
    return shape.length == 1 ? new int[] {shape[0], 1} : shape;
  }

  private static int arrayLength(Header h, Path file) {
    long n = h.count();
    if (n > FileIo.MAX_ARRAY) throw FileIo.error(file, "at most " + FileIo.MAX_ARRAY + " elements", n + "");
    return (int) n;
  }

  /**
   * Reads and checks the header: magic, version, header length, dict, dtype (one of {@code allowed}),
   * C order, dimensions, and that the data fills the rest of the file exactly.
   */
  static Header readHeader(FileChannel ch, Path file, Set<Dtype> allowed, String expected) {
    long size = FileIo.size(ch, file);
    if (size < 10) throw FileIo.error(file, "a .npy file (at least 10 bytes)", size + " bytes");
    ByteBuffer pre = FileIo.read(ch, 0, 12 <= size ? 12 : 10, file, "the .npy prefix");
    for (int i = 0; i < MAGIC.length; i++) {
      if (pre.get(i) != MAGIC[i]) {
        throw FileIo.error(file, "a .npy file starting with \\x93NUMPY", "'" + printable(pre, 6) + "'");
      }
    }
    int major = pre.get(6) & 0xFF, minor = pre.get(7) & 0xFF;
    if (minor != 0 || major < 1 || major > 3) {
      throw FileIo.error(file, ".npy format version 1.0, 2.0 or 3.0", major + "." + minor);
    }
    long headerLength;
    int prefix;
    if (major == 1) {
      headerLength = pre.getShort(8) & 0xFFFF;
      prefix = 10;
    } else {
      if (size < 12) throw FileIo.error(file, "a .npy " + major + ".0 prefix of 12 bytes", size + " bytes");
      headerLength = pre.getInt(8) & 0xFFFF_FFFFL;
      prefix = 12;
    }
    if (headerLength > MAX_HEADER) {
      throw FileIo.error(file, "a .npy header of at most " + MAX_HEADER + " bytes", headerLength + " bytes");
    }
    if (headerLength > size - prefix) {
      throw FileIo.error(file, "a .npy header of " + headerLength + " bytes",
          (size - prefix) + " bytes before the end of the file");
    }
    ByteBuffer raw = FileIo.read(ch, prefix, (int) headerLength, file, "the .npy header");
    // Versions 1.0 and 2.0 are latin-1; 3.0 is UTF-8 (only structured dtypes need it).
    String text = new String(raw.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Map<String, Object> dict = new HeaderParser(text, file).parse();

    if (!dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
      throw FileIo.error(file, "a .npy header with the keys descr, fortran_order and shape", "keys " + dict.keySet());
    }
    Object descr = dict.get("descr");
    Dtype dtype = descr instanceof String s ? Dtype.ofNpy(s) : null;
    if (dtype == null || !allowed.contains(dtype)) {
      String got;
      if (dtype != null) got = "dtype " + dtype + " ('" + descr + "')";
      else if (!(descr instanceof String s)) got = "a structured dtype " + FileIo.preview(String.valueOf(descr), 80);
      else got = "dtype '" + s + "'" + (s.startsWith(">") ? " (big-endian)" : "");
      throw FileIo.error(file, expected, got);
    }
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
      throw FileIo.error(file, "fortran_order True or False", FileIo.preview(String.valueOf(dict.get("fortran_order")), 40));
    }
    if (fortran) throw FileIo.error(file, "C order", "fortran_order True (save with np.ascontiguousarray)");
    int[] shape = shape(dict.get("shape"), file);
    long count = FileIo.elementCount(shape);
    long dataOffset = prefix + headerLength;
    long bytes = count < 0 || count > Long.MAX_VALUE / dtype.size ? -1 : count * dtype.size;
    if (bytes != size - dataOffset) {
      throw FileIo.error(file, (bytes < 0 ? "an impossible number of" : bytes + "") + " bytes of " + dtype
          + " data for shape " + FileIo.tuple(shape), (size - dataOffset) + "");
    }
    return new Header(dtype, shape, dataOffset, size);
  }

  private static int[] shape(Object value, Path file) {
    if (!(value instanceof List<?> dims) || value instanceof ArrayList<?>) {   // tuples parse to List.of, lists to ArrayList
      throw FileIo.error(file, "a shape tuple of non-negative integers", FileIo.preview(String.valueOf(value), 80));
    }
    if (dims.size() > FileIo.MAX_RANK) throw FileIo.error(file, "at most " + FileIo.MAX_RANK + " dimensions", dims.size() + "");
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw FileIo.error(file, "dimensions between 0 and " + Integer.MAX_VALUE,
            "shape " + FileIo.preview(String.valueOf(value), 80));
      }
      shape[i] = (int) (long) d;
    }
    return shape;
  }

  private static String printable(ByteBuffer b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n && i < b.limit(); i++) {
      int c = b.get(i) & 0xFF;
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return sb.toString();
  }

  /**
   * A parser for the Python literals numpy writes with {@code repr}: a dict of strings, booleans,
   * None, integers and (nested) tuples or lists. Tuples become immutable lists and lists become
   * {@link ArrayList}s, so a shape written as a list is told apart. Nesting is bounded so a hostile
   * header cannot overflow the stack.
   */
  static final class HeaderParser {
    private static final int MAX_DEPTH = 16;
    private final String s;
    private final Path file;
    private int pos;

    HeaderParser(String s, Path file) {
      this.s = s;
      this.file = file;
    }

    Map<String, Object> parse() {
      skipSpace();
      if (!peek('{')) throw fail("a header dict starting with '{'");
      @SuppressWarnings("unchecked")
      Map<String, Object> dict = (Map<String, Object>) value(0);
      skipSpace();
      if (pos != s.length()) throw fail("the end of the header after '}'");
      return dict;
    }

    private Object value(int depth) {
      if (depth > MAX_DEPTH) throw fail("at most " + MAX_DEPTH + " nested levels");
      skipSpace();
      if (pos >= s.length()) throw fail("a value");
      char c = s.charAt(pos);
      if (c == '{') return dict(depth);
      if (c == '(' || c == '[') return sequence(depth, c == '(' ? ')' : ']');
      if (c == '\'' || c == '"') return string();
      if (c == '-' || (c >= '0' && c <= '9')) return integer();
      for (Map.Entry<String, Object> w : WORDS.entrySet()) {
        if (s.startsWith(w.getKey(), pos)) {
          pos += w.getKey().length();
          return w.getValue();
        }
      }
      throw fail("a Python literal");
    }

    private static final Map<String, Object> WORDS = new LinkedHashMap<>();
    private static final Object NONE = new Object() {
      @Override public String toString() { return "None"; }
    };
    static {
      WORDS.put("True", Boolean.TRUE);
      WORDS.put("False", Boolean.FALSE);
      WORDS.put("None", NONE);
    }

    private Map<String, Object> dict(int depth) {
      pos++;   // '{'
      Map<String, Object> d = new LinkedHashMap<>();
      while (true) {
        skipSpace();
        if (peek('}')) {
          pos++;
          return d;
        }
        Object key = value(depth + 1);
        if (!(key instanceof String k)) throw fail("a string key");
        skipSpace();
        if (!peek(':')) throw fail("':' after key '" + k + "'");
        pos++;
        Object v = value(depth + 1);
        if (d.put(k, v) != null) throw fail("each key once, not '" + k + "' twice");
        skipSpace();
        if (peek(',')) pos++;
        else if (!peek('}')) throw fail("',' or '}'");
      }
    }

    private List<Object> sequence(int depth, char close) {
      pos++;
      List<Object> items = new ArrayList<>();
      while (true) {
        skipSpace();
        if (peek(close)) {
          pos++;
          return close == ')' ? List.copyOf(items) : items;
        }
        items.add(value(depth + 1));
        skipSpace();
        if (peek(',')) pos++;
        else if (!peek(close)) throw fail("',' or '" + close + "'");
      }
    }

    private String string() {
      char quote = s.charAt(pos++);
      StringBuilder sb = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == quote) return sb.toString();
        if (c == '\\' && pos < s.length()) c = s.charAt(pos++);
        sb.append(c);
      }
      throw fail("a closing quote");
    }

    private Long integer() {
      int start = pos;
      if (peek('-')) pos++;
      int digits = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) pos++;
      if (pos == digits) throw fail("digits");
      if (pos - digits > 18) throw fail("an integer of at most 18 digits");
      long v = Long.parseLong(s.substring(start, pos));
      if (peek('L')) pos++;   // Python 2 long, in files from old numpy
      return v;
    }

    private boolean peek(char c) { return pos < s.length() && s.charAt(pos) == c; }

    private void skipSpace() {
      while (pos < s.length() && " \n\t\r".indexOf(s.charAt(pos)) >= 0) pos++;
    }

    private IllegalArgumentException fail(String expected) {
      String near = pos >= s.length() ? "the end of the header"
          : "'" + FileIo.preview(s.substring(pos), 24) + "' at offset " + pos;
      return FileIo.error(file, expected + " in the .npy header", near);
    }
  }
}
