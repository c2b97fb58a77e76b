package org.attention4j.api.io;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A mask read from a file: its shape and its values in C order, {@code true} = may attend. The
 * record holds the arrays it is given (no copies); do not modify them after sharing the record.
 *
 * @param shape the dimensions (a 1-D file is read as [n, 1])
 * @param values row-major values, as many as the product of {@code shape}
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record MaskData(int[] shape, boolean[] values) {
  /** Checks that the dimensions are non-negative and that their product is {@code values.length}. */
  public MaskData {
    LongTensor.checkShape("mask", shape, values.length);
  }

  @Override public boolean equals(Object o) {
    return o instanceof MaskData m && Arrays.equals(shape, m.shape) && Arrays.equals(values, m.values);
  }

  @Override public int hashCode() { return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values); }

  @Override public String toString() { return "MaskData" + Arrays.toString(shape); }
}
