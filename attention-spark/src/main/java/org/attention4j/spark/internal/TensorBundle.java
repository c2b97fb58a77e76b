package org.attention4j.spark.internal;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;

/**
 * A scorer's parameters as plain arrays, so they travel to the executors (broadcast) and are
 * rebuilt there as Arrow tensors: every task then scores with the driver's exact parameters.
 */
public final class TensorBundle implements Serializable {
  private static final long serialVersionUID = 1L;

  private record Tensor(int[] shape, float[] data) implements Serializable {}

  private final LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();

  /** A copy of {@code set}. */
  public static TensorBundle of(ParameterSet set) {
    TensorBundle b = new TensorBundle();
    for (Map.Entry<String, FixedSizeListVector> e : set.asMap().entrySet()) {
      b.tensors.put(e.getKey(), new Tensor(DenseMatrices.shape(e.getValue()), DenseMatrices.toArray(e.getValue())));
    }
    return b;
  }

  public boolean isEmpty() { return tensors.isEmpty(); }

  /** The tensors as a parameter set allocated from {@code allocator}; the caller closes it. */
  public ParameterSet open(BufferAllocator allocator) {
    ParameterSet set = new ParameterSet();
    try {
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, e.getKey(), e.getValue().shape());
        java.lang.foreign.MemorySegment.copy(e.getValue().data(), 0, DenseMatrices.segment(v),
            java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, e.getValue().data().length);
        set.put(e.getKey(), v);
      }
      return set;
    } catch (RuntimeException | Error e) {
      set.close();
      throw e;
    }
  }
}
