package org.attention4j.spark.internal;

import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StructType;

/**
 * Reads rows of (id, vector) — the id at ordinal 0 ({@code long} or {@code int}), the vector at
 * ordinal 1 — from Spark's internal rows into blocks: ids into a {@code long[]}, vectors row-major
 * into a {@link MemorySegment} (an Arrow buffer or a float array), with no object per row.
 */
public final class RowReader implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean intIds;
  private final String idName;
  private final VectorColumn vectors;

  private RowReader(boolean intIds, String idName, VectorColumn vectors) {
    this.intIds = intIds;
    this.idName = idName;
    this.vectors = vectors;
  }

  /**
   * Checks the id and vector columns of {@code schema} (the dataset's, before the job selects them),
   * naming the option and column when one is missing or of the wrong type.
   */
  public static RowReader of(StructType schema, String dataset, String idColumn, String idOption, String vectorColumn,
      String vectorOption) {
    DataType t = VectorColumn.field(schema, idColumn, idOption, dataset).dataType();
    if (!(t instanceof LongType) && !(t instanceof IntegerType)) {
      throw new IllegalArgumentException(idOption + ": expected column '" + idColumn + "' of " + dataset
          + " to be bigint or int, got " + t.simpleString());
    }
    VectorColumn v = VectorColumn.of(schema, vectorColumn, vectorOption, dataset, 1);
    return new RowReader(t instanceof IntegerType, idColumn, v);
  }

  public VectorColumn vectors() { return vectors; }

  /** The id of {@code row}; a null id is refused naming the column. */
  public long id(InternalRow row) {
    if (row.isNullAt(0)) throw new IllegalArgumentException(idName + ": expected an id in every row, got null");
    return intIds ? row.getInt(0) : row.getLong(0);
  }

  /** The width of the first row's vector (to learn d from data). */
  public int width(InternalRow row) { return vectors.width(row, id(row)); }

  /** Refuses a NaN or infinite value, naming the column, the row id and the position. */
  public static void requireFinite(MemorySegment s, long offset, int width, String column, long id) {
    for (int c = 0; c < width; c++) {
      float x = s.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, offset + 4L * c);
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException(column + ": expected finite values, got " + x + " at row id " + id + ", position " + c);
      }
    }
  }

  /**
   * Reads up to {@code ids.length} rows from {@code it} (each vector exactly {@code width} floats)
   * into {@code ids} and {@code dst}; returns how many.
   */
  public int fill(Iterator<InternalRow> it, int width, long[] ids, MemorySegment dst) {
    int n = 0;
    long stride = (long) width * Float.BYTES;
    while (n < ids.length && it.hasNext()) {
      InternalRow row = it.next();
      long id = id(row);
      vectors.copy(row, id, width, dst, n * stride);
      requireFinite(dst, n * stride, width, vectors.name(), id);
      ids[n++] = id;
    }
    return n;
  }
}
