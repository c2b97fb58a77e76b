package org.attention4j.align;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A float64 matrix, rows × cols, row-major: local costs, expected alignments. The record holds the
 * array it is given (no copy); do not change it after sharing the record.
 *
 * @param rows number of rows (≥ 1)
 * @param cols number of columns (≥ 1)
 * @param values rows·cols values, row-major
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Float64Matrix(int rows, int cols, double[] values) {
  /** Checks the dimensions against the number of values. */
  public Float64Matrix {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException("matrix: expected at least 1 x 1, got " + rows + " x " + cols);
    }
    if ((long) rows * cols != values.length) {
      throw new IllegalArgumentException("matrix: expected " + ((long) rows * cols) + " values (= " + rows + " x " + cols
          + "), got " + values.length);
    }
  }

  /** A matrix of these values (row-major). */
  public static Float64Matrix of(int rows, int cols, double... values) { return new Float64Matrix(rows, cols, values); }

  /** Element (i, j). */
  public double get(int i, int j) {
    if (i < 0 || i >= rows || j < 0 || j >= cols) {
      throw new IndexOutOfBoundsException("(" + i + ", " + j + ") outside " + rows + " x " + cols);
    }
    return values[i * cols + j];
  }

  /** A copy of row i. */
  public double[] row(int i) { return Arrays.copyOfRange(values, i * cols, (i + 1) * cols); }

  @Override public boolean equals(Object o) {
    return o instanceof Float64Matrix f && rows == f.rows && cols == f.cols && Arrays.equals(values, f.values);
  }

  @Override public int hashCode() { return 31 * (31 * rows + cols) + Arrays.hashCode(values); }

  @Override public String toString() { return "Float64Matrix[" + rows + " x " + cols + "]"; }
}
