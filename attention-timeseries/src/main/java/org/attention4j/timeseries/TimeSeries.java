package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.MatrixFiles;

/**
 * A series of n time steps of d channels, row-major float64 ({@code values[t·d + c]}). Values are
 * finite and n, d ≥ 1; the array is not copied, so do not change it afterwards.
 *
 * @param n time steps
 * @param d channels
 * @param values n·d values, row-major
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TimeSeries(int n, int d, double[] values) {
  /** Checks the shape and that every value is finite. */
  public TimeSeries {
    if (n < 1) throw new IllegalArgumentException("series: expected at least 1 time step, got " + n);
    if (d < 1) throw new IllegalArgumentException("series: expected at least 1 channel, got " + d);
    if (values.length != (long) n * d) {
      throw new IllegalArgumentException("series: expected " + ((long) n * d) + " values (= " + n + " x " + d + "), got "
          + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("series: expected finite values, got " + values[i] + " at (row " + i / d
            + ", col " + i % d + ")");
      }
    }
  }

  /** A univariate series (d = 1). */
  public static TimeSeries univariate(double... values) { return new TimeSeries(values.length, 1, values.clone()); }

  /** The rows of a dense matrix [n, d] (a 1-D array read as [n, 1] is univariate). */
  public static TimeSeries of(FixedSizeListVector matrix, String argument) {
    DenseMatrices.require(matrix, argument, -1);
    int[] shape = DenseMatrices.shape(matrix);
    if (shape.length > 2) {
      throw new IllegalArgumentException(argument + ": expected a series [n, d] (or [n]), got shape " + Arrays.toString(shape));
    }
    DenseMatrices.requireFinite(matrix, argument);
    float[] f = DenseMatrices.toArray(matrix);
    double[] v = new double[f.length];
    for (int i = 0; i < f.length; i++) v[i] = f[i];
    return new TimeSeries(DenseMatrices.rows(matrix), DenseMatrices.cols(matrix), v);
  }

  /**
   * Reads a user's series from {@code .npy} (float32/float64, [n] or [n, d]), CSV (one row per
   * time step, optional header) or Arrow IPC; errors name the file.
   */
  public static TimeSeries read(Path file, BufferAllocator allocator) {
    try (FixedSizeListVector m = MatrixFiles.readMatrix(file, allocator)) {
      return of(m, file.toString());
    }
  }

  /** values[t·d + c]. */
  public double get(int t, int c) { return values[t * d + c]; }

  /** Channel c as its own array. */
  public double[] channel(int c) {
    if (c < 0 || c >= d) throw new IllegalArgumentException("channel: expected an index in [0, " + d + "), got " + c);
    double[] out = new double[n];
    for (int t = 0; t < n; t++) out[t] = values[t * d + c];
    return out;
  }
}
