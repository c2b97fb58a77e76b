package org.attention4j.spark.internal;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.MatrixFiles;

/**
 * Opens a job's inputs: a Parquet dataset (a folder or file, any path Spark reads), or one of the
 * single-machine matrix files ({@code .npy}, {@code .csv}, {@code .arrow}) read on the driver.
 */
public final class Inputs {
  private Inputs() {}

  /** True for the single-machine matrix formats. */
  public static boolean isMatrixFile(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".npy") || p.endsWith(".csv") || p.endsWith(".arrow");
  }

  /** A matrix file as float32 rows; {@code shape[0]} rows × {@code shape[1]} columns. */
  public record Matrix(int rows, int cols, float[] data) {}

  /** Reads a 2-D matrix file on the driver. */
  public static Matrix readMatrix(String path, String option, BufferAllocator allocator) {
    Path p = Path.of(path);
    if (!Files.exists(p)) throw new IllegalArgumentException(option + ": expected an existing file, got " + path);
    try (FixedSizeListVector v = MatrixFiles.readMatrix(p, allocator)) {
      int[] shape = DenseMatrices.shape(v);
      if (shape.length != 2) {
        throw new IllegalArgumentException(option + ": expected a matrix [n, d], got shape " + java.util.Arrays.toString(shape));
      }
      DenseMatrices.requireFinite(v, option);
      return new Matrix(shape[0], shape[1], DenseMatrices.toArray(v));
    }
  }

  /**
   * The dataset at {@code path}: Parquet as is, or a matrix file as rows ({@code idColumn} = row
   * index, {@code vectorColumn} = the row as float32 little-endian {@code binary}).
   */
  public static Dataset<Row> open(SparkSession spark, String path, String option, String idColumn, String vectorColumn,
      BufferAllocator allocator) {
    if (isMatrixFile(path)) {
      Matrix m = readMatrix(path, option, allocator);
      return fromMatrix(spark, m, idColumn, vectorColumn);
    }
    return parquet(spark, path, option);
  }

  /** A Parquet dataset; a path Spark cannot read is refused naming the option (exit 2). */
  public static Dataset<Row> parquet(SparkSession spark, String path, String option) {
    try {
      return spark.read().parquet(path);
    } catch (Exception e) {                  // AnalysisException is checked but thrown from Scala undeclared
      if (e instanceof org.apache.spark.sql.AnalysisException) {
        throw new IllegalArgumentException(option + ": expected a Parquet dataset" + (option.equals("--pairs") ? "" : " or a "
            + ".npy/.csv/.arrow file") + ", got " + path + " (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
            + ")", e);
      }
      throw e;
    }
  }

  /** Rows (id, binary vector) of a matrix held on the driver. */
  public static Dataset<Row> fromMatrix(SparkSession spark, Matrix m, String idColumn, String vectorColumn) {
    List<Row> rows = new ArrayList<>(m.rows());
    MemorySegment all = MemorySegment.ofArray(m.data());
    long stride = (long) m.cols() * Float.BYTES;
    for (int i = 0; i < m.rows(); i++) {
      byte[] b = new byte[(int) stride];
      MemorySegment.copy(all, i * stride, MemorySegment.ofArray(b), 0, stride);
      rows.add(RowFactory.create((long) i, b));
    }
    StructType schema = new StructType().add(idColumn, DataTypes.LongType, false).add(vectorColumn, DataTypes.BinaryType, false);
    return spark.createDataFrame(rows, schema);
  }
}
