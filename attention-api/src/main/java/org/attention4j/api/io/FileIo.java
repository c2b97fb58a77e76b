package org.attention4j.api.io;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** Shared plumbing of the readers and writers: opening files, bounded reads, chunked conversions. */
final class FileIo {
  /** Little-endian element layouts of the files; Arrow buffers use the native order. */
  static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfDouble LE_DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** Largest Java array we create (some VMs reserve a few header words). */
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  /** numpy's own limit on the number of dimensions (NPY_MAXDIMS in numpy 2). */
  static final int MAX_RANK = 64;
  private static final int CHUNK = 1 << 16;

  /** Strict JSON: duplicate keys and trailing garbage are errors, not silently accepted. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private FileIo() {}

  /** {@code <file>: expected <what>, got <actual>} */
  static IllegalArgumentException error(Path file, String expected, String got) {
    return new IllegalArgumentException(file + ": expected " + expected + ", got " + got);
  }

  /** At most {@code max} characters of {@code s}, for messages about untrusted content. */
  static String preview(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /** A shape as numpy prints it: (3, 4), (5,) or (). */
  static String tuple(int[] shape) {
    if (shape.length == 1) return "(" + shape[0] + ",)";
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
    return sb.append(')').toString();
  }

  /** The number of elements of {@code shape}, or -1 when it exceeds {@code Long.MAX_VALUE}. */
  static long elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) if (d == 0) return 0;
    for (int d : shape) {
      if (n > Long.MAX_VALUE / d) return -1;
      n *= d;
    }
    return n;
  }

  /**
   * Checks a shape that becomes a dense Arrow matrix (rows = product of the leading dimensions,
   * cols = the last; rank 1 is [n, 1]) before anything is allocated: the rows must fit an int, and
   * a zero-size tensor must not claim so many rows that their validity bits alone outgrow the file.
   */
  static void checkDenseShape(Path file, int[] shape, long fileSize) {
    int[] leading = shape.length == 1 ? shape : Arrays.copyOf(shape, shape.length - 1);
    long rows = elementCount(leading);
    long elements = elementCount(shape);
    if (rows < 0 || rows > Integer.MAX_VALUE || elements < 0 || elements > Integer.MAX_VALUE) {
      throw error(file, "at most " + Integer.MAX_VALUE + " rows and elements", "shape " + Arrays.toString(shape));
    }
    if (rows / 8 > fileSize + 64) {
      throw error(file, "a shape that fits the file's " + fileSize + " bytes", "shape " + Arrays.toString(shape));
    }
  }

  /** Opens {@code file} for reading; a missing or unreadable file is the caller's mistake. */
  static FileChannel openRead(Path file) {
    if (Files.isDirectory(file)) throw error(file, "a file", "a directory");
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw error(file, "an existing file", "no such file");
    } catch (AccessDeniedException e) {
      throw error(file, "a readable file", "access denied");
    } catch (FileSystemException e) {
      throw error(file, "a readable file", String.valueOf(e.getReason()));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Creates or truncates {@code file} for writing. */
  static FileChannel openWrite(Path file) {
    if (Files.isDirectory(file)) throw error(file, "a file to write", "a directory");
    try {
      return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      throw error(file, "a writable path", "no such directory");
    } catch (AccessDeniedException e) {
      throw error(file, "a writable path", "access denied");
    } catch (FileSystemException e) {
      throw error(file, "a writable path", String.valueOf(e.getReason()));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static long size(FileChannel ch, Path file) {
    try {
      return ch.size();
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static void close(FileChannel ch, Path file) {
    try {
      ch.close();
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads exactly {@code length} bytes at {@code position}; the file ending early is an error about {@code what}. */
  static ByteBuffer read(FileChannel ch, long position, int length, Path file, String what) {
    ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, buf, position, file, what);
    return buf.flip();
  }

  static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file, String what) {
    int wanted = buf.remaining();
    try {
      while (buf.hasRemaining()) {
        int n = ch.read(buf, position + wanted - buf.remaining());
        if (n < 0) {
          throw error(file, wanted + " bytes of " + what, (wanted - buf.remaining()) + " before the end of the file");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static void writeFully(FileChannel ch, ByteBuffer buf, Path file) {
    try {
      while (buf.hasRemaining()) ch.write(buf);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads {@code n} elements of {@code type} at {@code position} as float32 into {@code dst} (native order). */
  static void readFloats(FileChannel ch, long position, Dtype type, long n, MemorySegment dst, Path file) {
    int per = CHUNK / type.size;
    ByteBuffer buf = ByteBuffer.allocate(per * type.size);
    MemorySegment chunk = MemorySegment.ofBuffer(buf);
    for (long done = 0; done < n; ) {
      int k = (int) Math.min(per, n - done);
      buf.clear().limit(k * type.size);
      readFully(ch, buf, position + done * type.size, file, "data");
      switch (type) {
        case FLOAT32 -> MemorySegment.copy(chunk, LE_FLOAT, 0, dst, FLOAT, done * Float.BYTES, k);
        case FLOAT64 -> {
          for (int i = 0; i < k; i++) dst.setAtIndex(FLOAT, done + i, (float) chunk.getAtIndex(LE_DOUBLE, i));
        }
        default -> throw new IllegalStateException("not a float type: " + type);
      }
      done += k;
    }
  }

  /** Reads {@code dst.length} elements of {@code type} at {@code position}; non-zero = true. */
  static void readBooleans(FileChannel ch, long position, Dtype type, boolean[] dst, Path file) {
    int per = CHUNK / type.size;
    ByteBuffer buf = ByteBuffer.allocate(per * type.size).order(ByteOrder.LITTLE_ENDIAN);
    for (int done = 0; done < dst.length; ) {
      int k = Math.min(per, dst.length - done);
      buf.clear().limit(k * type.size);
      readFully(ch, buf, position + (long) done * type.size, file, "data");
      for (int i = 0; i < k; i++) {
        dst[done + i] = switch (type) {
          case BOOL, UINT8 -> buf.get(i) != 0;
          case INT32 -> buf.getInt(i * 4) != 0;
          case INT64 -> buf.getLong(i * 8) != 0;
          default -> throw new IllegalStateException("not a mask type: " + type);
        };
      }
      done += k;
    }
  }

  /** Reads {@code dst.length} int32 or int64 elements at {@code position}. */
  static void readLongs(FileChannel ch, long position, Dtype type, long[] dst, Path file) {
    int per = CHUNK / type.size;
    ByteBuffer buf = ByteBuffer.allocate(per * type.size).order(ByteOrder.LITTLE_ENDIAN);
    for (int done = 0; done < dst.length; ) {
      int k = Math.min(per, dst.length - done);
      buf.clear().limit(k * type.size);
      readFully(ch, buf, position + (long) done * type.size, file, "data");
      for (int i = 0; i < k; i++) {
        dst[done + i] = switch (type) {
          case INT32 -> buf.getInt(i * 4);
          case INT64 -> buf.getLong(i * 8);
          default -> throw new IllegalStateException("not an integer type: " + type);
        };
      }
      done += k;
    }
  }

  /** Writes {@code n} floats of {@code src} (native order) as little-endian float32. */
  static void writeFloats(FileChannel ch, MemorySegment src, long n, Path file) {
    int per = CHUNK / Float.BYTES;
    ByteBuffer buf = ByteBuffer.allocate(per * Float.BYTES);
    MemorySegment chunk = MemorySegment.ofBuffer(buf);
    for (long done = 0; done < n; ) {
      int k = (int) Math.min(per, n - done);
      MemorySegment.copy(src, FLOAT, done * Float.BYTES, chunk, LE_FLOAT, 0, k);
      buf.clear().limit(k * Float.BYTES);
      writeFully(ch, buf, file);
      done += k;
    }
  }

  /** Writes {@code values} as little-endian int64. */
  static void writeLongs(FileChannel ch, long[] values, Path file) {
    int per = CHUNK / Long.BYTES;
    ByteBuffer buf = ByteBuffer.allocate(per * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int done = 0; done < values.length; ) {
      int k = Math.min(per, values.length - done);
      buf.clear();
      for (int i = 0; i < k; i++) buf.putLong(values[done + i]);
      writeFully(ch, buf.flip(), file);
      done += k;
    }
  }
}
