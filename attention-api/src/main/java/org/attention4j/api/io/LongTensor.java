package org.attention4j.api.io;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * An integer tensor (ids, labels, alignment paths, the integer parts of a saved index): its shape
 * and its values in C order. Files hold int32 or int64; writers always write int64. The record holds
 * the arrays it is given (no copies); do not modify them after sharing the record.
 *
 * @param shape the dimensions (rank 0 is a scalar with one value)
 * @param values row-major values, as many as the product of {@code shape}
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record LongTensor(int[] shape, long[] values) {
  /** Checks that the dimensions are non-negative and that their product is {@code values.length}. */
  public LongTensor {
    checkShape("integers", shape, values.length);
  }

  static void checkShape(String argument, int[] shape, int length) {
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(argument + ": expected non-negative dimensions, got " + Arrays.toString(shape));
      }
    }
    long n = FileIo.elementCount(shape);
    if (n != length) {
      throw new IllegalArgumentException(argument + ": expected " + (n < 0 ? "a representable number of" : n)
          + " values (= product of shape " + Arrays.toString(shape) + "), got " + length);
    }
  }

  @Override public boolean equals(Object o) {
    return o instanceof LongTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
  }

  @Override public int hashCode() { return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values); }

  @Override public String toString() { return "LongTensor" + Arrays.toString(shape); }
}
