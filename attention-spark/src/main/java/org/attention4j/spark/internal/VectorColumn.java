package org.attention4j.spark.internal;

import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * A vector column of a Spark dataset, {@code array<float>} or {@code binary} (float32
 * little-endian), read straight from Spark's internal rows into a {@link MemorySegment}: for an
 * {@link UnsafeRow} the floats are copied from the row's own memory (heap array or off-heap
 * address) with no object per row; any other internal row goes through Spark's accessors.
 *
 * <p>Spark reuses the row object between calls, so the floats are copied at once; the caller's
 * segment is an Arrow buffer that our kernels then read zero-copy.
 */
public final class VectorColumn implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Every address: off-heap rows are read by absolute address without a segment per row. */
  private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  /** How the vector is stored. */
  public enum Kind { FLOAT_ARRAY, BINARY }

  private final String option;
  private final String name;
  private final Kind kind;
  private final int ordinal;
  private transient Object lastBase;
  private transient MemorySegment lastSegment;

  private VectorColumn(String option, String name, Kind kind, int ordinal) {
    this.option = option;
    this.name = name;
    this.kind = kind;
    this.ordinal = ordinal;
  }

  /**
   * The column {@code name} of {@code schema}, at position {@code ordinal} of the rows that will be
   * read; refused unless it exists and is {@code array<float>} or {@code binary}. {@code option}
   * names the command-line option in messages (e.g. {@code --query-column}).
   */
  public static VectorColumn of(StructType schema, String name, String option, String dataset, int ordinal) {
    StructField f = field(schema, name, option, dataset);
    DataType t = f.dataType();
    Kind kind;
    if (t instanceof ArrayType a && a.elementType() instanceof FloatType) {
      kind = Kind.FLOAT_ARRAY;
    } else if (t instanceof BinaryType) {
      kind = Kind.BINARY;
    } else {
      throw new IllegalArgumentException(option + ": expected column '" + name + "' of " + dataset
          + " to be array<float> or binary (float32 little-endian), got " + t.simpleString());
    }
    return new VectorColumn(option, name, kind, ordinal);
  }

  /** The field {@code name}; an error naming the column and listing the dataset's columns otherwise. */
  public static StructField field(StructType schema, String name, String option, String dataset) {
    for (StructField f : schema.fields()) if (f.name().equals(name)) return f;
    throw new IllegalArgumentException(option + ": expected a column '" + name + "' in " + dataset + ", got columns "
        + Arrays.toString(schema.fieldNames()));
  }

  public String name() { return name; }

  public Kind kind() { return kind; }

  public int ordinal() { return ordinal; }

  /** The number of floats in this column of {@code row}; a null or a torn binary value is refused. */
  public int width(InternalRow row, long rowId) {
    if (row.isNullAt(ordinal)) throw new IllegalArgumentException(name + ": expected a vector in every row, got null in row id " + rowId);
    if (row instanceof UnsafeRow u) {
      long offsetAndSize = u.getLong(ordinal);
      int offset = (int) (offsetAndSize >>> 32);
      int size = (int) offsetAndSize;
      if (kind == Kind.BINARY) return binaryFloats(size, rowId);
      MemorySegment base = base(u);
      long at = address(u) + offset;
      return (int) base.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
    }
    if (kind == Kind.BINARY) return binaryFloats(row.getBinary(ordinal).length, rowId);
    return row.getArray(ordinal).numElements();
  }

  private int binaryFloats(int bytes, long rowId) {
    if (bytes % Float.BYTES != 0) {
      throw new IllegalArgumentException(name + ": expected a multiple of 4 bytes (float32 values) in every row, got "
          + bytes + " bytes in row id " + rowId);
    }
    return bytes / Float.BYTES;
  }

  /**
   * Copies this column of {@code row} ({@code expected} floats; anything else is refused naming the
   * column) into {@code dst} at byte offset {@code dstOffset}.
   */
  public void copy(InternalRow row, long rowId, int expected, MemorySegment dst, long dstOffset) {
    int n = width(row, rowId);
    if (n != expected) {
      throw new IllegalArgumentException(name + ": expected " + expected + " floats per row, got " + n + " in row id " + rowId);
    }
    long bytes = (long) n * Float.BYTES;
    if (row instanceof UnsafeRow u && LITTLE_ENDIAN) {
      long offsetAndSize = u.getLong(ordinal);
      long at = address(u) + (offsetAndSize >>> 32);
      MemorySegment base = base(u);
      if (kind == Kind.FLOAT_ARRAY) {
        long header = 8 + ((n + 63L) / 64) * 8;        // numElements, then one null bit per element in 8-byte words
        for (long w = 8; w < header; w += 8) {
          if (base.get(ValueLayout.JAVA_LONG_UNALIGNED, at + w) != 0) {
            throw new IllegalArgumentException(name + ": expected no null values inside a vector, got one in row id " + rowId);
          }
        }
        at += header;
      }
      MemorySegment.copy(base, at, dst, dstOffset, bytes);
      return;
    }
    float[] values;
    if (kind == Kind.BINARY) {
      byte[] b = row.getBinary(ordinal);
      MemorySegment.copy(MemorySegment.ofArray(b), 0, dst, dstOffset, bytes);
      return;
    }
    ArrayData a = row.getArray(ordinal);
    for (int i = 0; i < n; i++) {
      if (a.isNullAt(i)) throw new IllegalArgumentException(name + ": expected no null values inside a vector, got one in row id " + rowId);
    }
    values = a.toFloatArray();
    MemorySegment.copy(values, 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, dstOffset, n);
  }

  /** The segment holding the row's memory: its heap array (cached while Spark reuses it) or all memory. */
  private MemorySegment base(UnsafeRow u) {
    Object o = u.getBaseObject();
    if (o == null) return EVERYTHING;
    if (o != lastBase) {
      lastBase = o;
      lastSegment = switch (o) {
        case byte[] b -> MemorySegment.ofArray(b);
        case long[] l -> MemorySegment.ofArray(l);
        default -> throw new IllegalStateException("row memory: expected byte[] or long[], got " + o.getClass().getName());
      };
    }
    return lastSegment;
  }

  /** The byte offset of the row inside {@link #base}. */
  private static long address(UnsafeRow u) {
    Object o = u.getBaseObject();
    if (o == null) return u.getBaseOffset();
    return u.getBaseOffset() - (o instanceof long[] ? Platform.LONG_ARRAY_OFFSET : Platform.BYTE_ARRAY_OFFSET);
  }
}
