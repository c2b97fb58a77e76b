package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * One minibatch handed to an {@link Objective}: which examples (indices into the training set, in
 * the epoch's shuffled order), where it sits in the run, and the allocator for the objective's
 * temporaries (close them before returning). {@link #rows} and {@link #select} gather the batch's
 * rows of the training data.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Batch {
  private final int epoch;
  private final int index;
  private final int[] indices;
  private final BufferAllocator allocator;

  Batch(int epoch, int index, int[] indices, BufferAllocator allocator) {
    this.epoch = epoch;
    this.index = index;
    this.indices = indices;
    this.allocator = allocator;
  }

  /**
   * A batch of the given examples (copied), e.g. to test an {@link Objective} or drive one from
   * another loop; {@link Trainer} makes its own.
   */
  public static Batch of(int epoch, int index, int[] indices, BufferAllocator allocator) {
    if (indices == null) throw new IllegalArgumentException("indices: expected example indices, got null");
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0) throw new IllegalArgumentException("indices[" + i + "]: expected an index >= 0, got " + indices[i]);
    }
    if (allocator == null) throw new IllegalArgumentException("allocator: expected an allocator, got null");
    return new Batch(epoch, index, indices.clone(), allocator);
  }

  /** The epoch, from 0. */
  public int epoch() { return epoch; }

  /** The batch's position within its epoch, from 0. */
  public int index() { return index; }

  /** The number of examples. */
  public int size() { return indices.length; }

  /** The example indices (a copy). */
  public int[] indices() { return indices.clone(); }

  /** The {@code i}-th example index. */
  public int example(int i) { return indices[i]; }

  /** The allocator for the objective's temporaries (the one given to {@link Trainer#fit}). */
  public BufferAllocator allocator() { return allocator; }

  /**
   * A new matrix [size, cols] holding the batch's rows of {@code source} [examples, cols], in batch
   * order, from {@link #allocator()}; the caller closes it.
   */
  public FixedSizeListVector rows(FixedSizeListVector source) {
    DenseMatrices.require(source, "source", -1);
    int n = DenseMatrices.rows(source), cols = DenseMatrices.cols(source);
    FixedSizeListVector out = DenseMatrices.allocate(allocator, source.getName(), indices.length, cols);
    try {
      MemorySegment from = Tensors.seg(source), to = Tensors.seg(out);
      long rowBytes = (long) cols * Float.BYTES;
      for (int i = 0; i < indices.length; i++) {
        if (indices[i] >= n) {
          throw new IllegalArgumentException("source: expected at least " + (indices[i] + 1) + " rows (example "
              + indices[i] + "), got " + n);
        }
        MemorySegment.copy(from, indices[i] * rowBytes, to, i * rowBytes, rowBytes);
      }
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }

  /** The batch's entries of {@code values} (e.g. labels), in batch order. */
  public int[] select(int[] values) {
    if (values == null) throw new IllegalArgumentException("values: expected an array, got null");
    int[] out = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] >= values.length) {
        throw new IllegalArgumentException("values: expected at least " + (indices[i] + 1) + " entries (example "
            + indices[i] + "), got " + values.length);
      }
      out[i] = values[indices[i]];
    }
    return out;
  }

  @Override public String toString() {
    return "Batch[epoch=" + epoch + ", index=" + index + ", examples=" + Arrays.toString(indices) + "]";
  }
}
