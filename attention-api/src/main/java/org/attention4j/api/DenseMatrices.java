package org.attention4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apiguardian.api.API;

/**
 * Dense float32 matrices as Arrow vectors: a {@link FixedSizeListVector} of non-null {@code Float4}
 * (list size = columns, one list per row), row-major. When the logical rank is above 2, the field
 * metadata {@value #SHAPE_KEY} holds the full shape as a JSON list (also for rank 1, which is stored
 * as [n, 1]) and the rows are the flattened
 * leading dimensions.
 *
 * <p>The caller owns every vector: methods that produce one take a {@link BufferAllocator} and the
 * caller closes the result. Kernels read the data zero-copy through {@link #segment(FixedSizeListVector)}.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class DenseMatrices {
  /** Field metadata key holding the full shape (JSON list) of a rank &gt; 2 tensor. */
  public static final String SHAPE_KEY = "attention4j.shape";

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private DenseMatrices() {}

  /** Allocates a zero-filled rows × cols matrix named {@code name}. */
  public static FixedSizeListVector allocate(BufferAllocator allocator, String name, int rows, int cols) {
    return allocateShaped(allocator, name, new int[] {rows, cols});
  }

  /**
   * Allocates a zero-filled tensor of the given shape (rank ≥ 1; rank 1 is [n, 1], rank &gt; 2 is
   * stored as rows of the last dimension with the shape in the field metadata).
   */
  public static FixedSizeListVector allocateShaped(BufferAllocator allocator, String name, int... shape) {
    if (shape.length == 0) throw new IllegalArgumentException(name + ": expected a shape of rank >= 1, got []");
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException(name + ": expected non-negative dimensions, got " + Arrays.toString(shape));
    }
    int cols = shape.length == 1 ? 1 : shape[shape.length - 1];
    long rowsL = 1;
    for (int i = 0; i < shape.length - (shape.length == 1 ? 0 : 1); i++) {
      rowsL *= shape[i];
      if (rowsL > Integer.MAX_VALUE) {        // rows are an int even when a zero-width last dimension makes 0 elements
        throw new IllegalArgumentException(name + ": expected at most " + Integer.MAX_VALUE + " rows, got shape "
            + Arrays.toString(shape));
      }
    }
    long total = rowsL * cols;
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + ": expected at most " + Integer.MAX_VALUE + " elements, got " + total
          + " for shape " + Arrays.toString(shape));
    }
    int rows = (int) rowsL;
    Map<String, String> metadata = shape.length != 2 ? Map.of(SHAPE_KEY, shapeJson(shape)) : null;
    Field item = new Field("item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
    Field field = new Field(name, new FieldType(false, new ArrowType.FixedSizeList(cols), null, metadata), List.of(item));
    FixedSizeListVector v = (FixedSizeListVector) field.createVector(allocator);
    try {
      v.setInitialCapacity(rows);
      v.allocateNew();
      Float4Vector data = (Float4Vector) v.getDataVector();
      markAllValid(v.getValidityBuffer(), rows);
      markAllValid(data.getValidityBuffer(), total);
      data.getDataBuffer().setZero(0, total * 4L);
      v.setValueCount(rows);
      return v;
    } catch (RuntimeException | Error e) {
      v.close();
      throw e;
    }
  }

  private static void markAllValid(ArrowBuf validity, long count) {
    long bytes = (count + 7) / 8;
    if (bytes > 0) validity.setOne(0, bytes);
  }

  /** A rows × cols matrix holding a copy of {@code rowMajor} (length rows·cols). */
  public static FixedSizeListVector of(BufferAllocator allocator, String name, int rows, int cols, float[] rowMajor) {
    if ((long) rows * cols != rowMajor.length) {
      throw new IllegalArgumentException(name + ": expected " + ((long) rows * cols) + " values (= " + rows + " x " + cols
          + "), got " + rowMajor.length);
    }
    FixedSizeListVector v = allocate(allocator, name, rows, cols);
    MemorySegment.copy(rowMajor, 0, segment(v), FLOAT, 0, rowMajor.length);
    return v;
  }

  /** A matrix holding a copy of a rectangular {@code float[rows][cols]}. */
  public static FixedSizeListVector of(BufferAllocator allocator, String name, float[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    float[] flat = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != cols) {
        throw new IllegalArgumentException(name + ": expected " + cols + " columns in every row (as row 0), got "
            + rows[i].length + " in row " + i);
      }
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return of(allocator, name, rows.length, cols, flat);
  }

  /**
   * Checks that {@code v} is a dense float32 matrix and, when {@code expectedCols >= 0}, that it has
   * that many columns. Throws {@link IllegalArgumentException} "{@code <argument>: expected <what>, got <actual>}".
   *
   * @return {@code v}
   */
  public static FixedSizeListVector require(FixedSizeListVector v, String argument, int expectedCols) {
    if (v == null) throw new IllegalArgumentException(argument + ": expected a matrix, got null");
    Field f = v.getField();
    if (!(f.getType() instanceof ArrowType.FixedSizeList)) {
      throw new IllegalArgumentException(argument + ": expected FixedSizeList<float32>, got " + f.getType());
    }
    FieldVector child = v.getDataVector();
    if (!(child instanceof Float4Vector)) {
      throw new IllegalArgumentException(argument + ": expected FixedSizeList<float32> items, got "
          + child.getField().getType());
    }
    if (expectedCols >= 0 && v.getListSize() != expectedCols) {
      throw new IllegalArgumentException(argument + ": expected " + expectedCols + " columns, got " + v.getListSize());
    }
    if (v.getNullCount() != 0 || child.getNullCount() != 0) {
      throw new IllegalArgumentException(argument + ": expected no null rows or values, got "
          + (v.getNullCount() + child.getNullCount()) + " nulls");
    }
    return v;
  }

  /** Like {@link #require(FixedSizeListVector, String, int)}, and checks the row count too. */
  public static FixedSizeListVector require(FixedSizeListVector v, String argument, int expectedRows, int expectedCols) {
    require(v, argument, expectedCols);
    if (v.getValueCount() != expectedRows) {
      throw new IllegalArgumentException(argument + ": expected " + expectedRows + " rows, got " + v.getValueCount());
    }
    return v;
  }

  /**
   * Refuses non-finite values, naming the argument and the first (row, col) that is NaN or infinite.
   */
  public static FixedSizeListVector requireFinite(FixedSizeListVector v, String argument) {
    require(v, argument, -1);
    requireFinite(v, argument, null, "");
    return v;
  }

  /**
   * Checks that the entries of an [n_q, n_k] score matrix are finite where the byte mask allows them
   * ({@link Mask#toSegment}: non-zero = allowed, {@code null} = all); masked entries may hold anything,
   * e.g. −∞ fill, since they take no part. Returns the matrix.
   *
   * @throws IllegalArgumentException {@code "<argument>: expected finite values at allowed positions, got NaN at (row i, col j)"}
   */
  public static FixedSizeListVector requireFiniteWhereAllowed(FixedSizeListVector v, String argument, MemorySegment mask) {
    require(v, argument, -1);
    requireFinite(v, argument, mask, " at allowed positions");
    return v;
  }

  private static void requireFinite(FixedSizeListVector v, String argument, MemorySegment mask, String where) {
    MemorySegment s = segment(v);
    int cols = cols(v);
    long n = (long) rows(v) * cols;
    for (long i = 0; i < n; i++) {
      float x = s.getAtIndex(FLOAT, i);
      if (!Float.isFinite(x) && Mask.allowed(mask, i)) {
        throw new IllegalArgumentException(argument + ": expected finite values" + where + ", got " + x + " at (row "
            + (cols == 0 ? 0 : i / cols) + ", col " + (cols == 0 ? 0 : i % cols) + ")");
      }
    }
  }

  /** Number of rows (for rank &gt; 2: the product of the leading dimensions). */
  public static int rows(FixedSizeListVector v) { return v.getValueCount(); }

  /** Number of columns (the list size). */
  public static int cols(FixedSizeListVector v) { return v.getListSize(); }

  /** The full logical shape: from the field metadata when present, else [rows, cols]. */
  public static int[] shape(FixedSizeListVector v) {
    Map<String, String> md = v.getField().getMetadata();
    String json = md == null ? null : md.get(SHAPE_KEY);
    if (json == null) return new int[] {rows(v), cols(v)};
    return parseShape(json, v.getName());
  }

  /** Parses a shape written as a JSON list of non-negative integers, e.g. {@code [2, 3, 4]}. */
  public static int[] parseShape(String json, String argument) {
    String t = json.trim();
    if (!t.startsWith("[") || !t.endsWith("]")) {
      throw new IllegalArgumentException(argument + ": expected a shape like [2, 3, 4], got " + json);
    }
    String body = t.substring(1, t.length() - 1).trim();
    if (body.isEmpty()) return new int[0];
    String[] parts = body.split(",");
    int[] shape = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        shape[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(argument + ": expected a shape of integers, got " + json, e);
      }
      if (shape[i] < 0) throw new IllegalArgumentException(argument + ": expected non-negative dimensions, got " + json);
    }
    return shape;
  }

  /** Writes a shape as a JSON list, e.g. {@code [2,3,4]}. */
  public static String shapeJson(int[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ",").append(shape[i]);
    return sb.append(']').toString();
  }

  /**
   * The float32 data of {@code v}, zero-copy: a segment of rows·cols·4 bytes over the Arrow data
   * buffer, row-major, little-endian. Valid while {@code v} is open; writes go to the vector.
   */
  public static MemorySegment segment(FixedSizeListVector v) {
    ArrowBuf buf = ((Float4Vector) v.getDataVector()).getDataBuffer();
    long bytes = (long) rows(v) * cols(v) * Float.BYTES;
    if (bytes == 0) return MemorySegment.NULL.reinterpret(0);
    return MemorySegment.ofAddress(buf.memoryAddress()).reinterpret(bytes);
  }

  /** Element (row, col); for inspection and tests, not for hot loops. */
  public static float get(FixedSizeListVector v, int row, int col) {
    return segment(v).getAtIndex(FLOAT, (long) row * cols(v) + col);
  }

  /** Sets element (row, col). */
  public static void set(FixedSizeListVector v, int row, int col, float value) {
    segment(v).setAtIndex(FLOAT, (long) row * cols(v) + col, value);
  }

  /** A row-major copy of the data. */
  public static float[] toArray(FixedSizeListVector v) {
    return segment(v).toArray(FLOAT);
  }

  /** A copy as {@code float[rows][cols]}. */
  public static float[][] toRows(FixedSizeListVector v) {
    int r = rows(v), c = cols(v);
    float[] flat = toArray(v);
    float[][] out = new float[r][];
    for (int i = 0; i < r; i++) out[i] = Arrays.copyOfRange(flat, i * c, (i + 1) * c);
    return out;
  }

  /** A new vector with the same data and the given shape (rank &gt; 2 keeps it in the metadata). */
  public static FixedSizeListVector reshape(FixedSizeListVector v, BufferAllocator allocator, int... shape) {
    long n = 1;
    for (int d : shape) n *= d;
    if (n != (long) rows(v) * cols(v)) {
      throw new IllegalArgumentException(v.getName() + ": expected " + ((long) rows(v) * cols(v))
          + " elements for reshape, got shape " + Arrays.toString(shape) + " (" + n + ")");
    }
    FixedSizeListVector out = allocateShaped(allocator, v.getName(), shape);
    MemorySegment.copy(segment(v), 0, segment(out), 0, n * Float.BYTES);
    return out;
  }
}
