package org.attention4j.spark.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.MatrixFiles;

/**
 * Writes a job's result: a Parquet folder, or — for results small enough for the driver — one of the
 * single-machine files ({@code .npy}, {@code .csv}, {@code .arrow}) with rows in id order, as the
 * CLI's {@code attend} and {@code retrieve} write them.
 */
public final class Outputs {
  private Outputs() {}

  /**
   * Writes (id, array column) rows and returns how many; a matrix file needs the ids to be exactly
   * 0 … n−1.
   */
  public static long write(Dataset<Row> result, String out, String column, boolean integers, int cols) {
    if (!Inputs.isMatrixFile(out)) {
      result.write().mode("overwrite").parquet(out);
      return result.sparkSession().read().parquet(out).count();
    }
    List<Row> rows = result.select("id", column).orderBy("id").collectAsList();
    int n = rows.size();
    for (int i = 0; i < n; i++) {
      if (rows.get(i).getLong(0) != i) {
        throw new IllegalArgumentException("--out: expected query ids 0.." + (n - 1) + " for a matrix file (or write a Parquet "
            + "folder), got id " + rows.get(i).getLong(0) + " at position " + i);
      }
    }
    if (integers) {
      if (out.endsWith(".arrow")) throw new IllegalArgumentException("--out: expected .npy or .csv for integer ids, got " + out);
      long[] all = new long[n * cols];
      for (int i = 0; i < n; i++) {
        List<Long> v = rows.get(i).getList(1);
        for (int c = 0; c < cols; c++) all[i * cols + c] = v.get(c);
      }
      MatrixFiles.writeIntegers(Path.of(out), all, n, cols);
      return n;
    }
    try (BufferAllocator root = new RootAllocator();
         FixedSizeListVector m = DenseMatrices.allocate(root, "output", n, cols)) {
      MemorySegment s = DenseMatrices.segment(m);
      for (int i = 0; i < n; i++) {
        List<Float> v = rows.get(i).getList(1);
        for (int c = 0; c < cols; c++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * cols + c, v.get(c));
      }
      MatrixFiles.writeMatrix(Path.of(out), m);
    }
    return n;
  }
}
