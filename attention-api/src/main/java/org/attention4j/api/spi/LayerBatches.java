package org.attention4j.api.spi;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;

/** The default batched forward of {@link AttentionLayer}: item by item, then stacked. */
final class LayerBatches {
  private LayerBatches() {}

  static AttentionResult forward(AttentionLayer layer, FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector v,
      List<Mask> masks, float temperature, boolean withWeights, BufferAllocator allocator) {
    int[] qs = DenseMatrices.shape(q), ks = DenseMatrices.shape(k), vs = DenseMatrices.shape(v);
    if (qs.length != 3 || ks.length != 3 || vs.length != 3) {
      throw new IllegalArgumentException("query, keys, values: expected [B, n, d] each, got " + Arrays.toString(qs) + ", "
          + Arrays.toString(ks) + ", " + Arrays.toString(vs));
    }
    int batch = qs[0];
    if (ks[0] != batch || vs[0] != batch) {
      throw new IllegalArgumentException("keys, values: expected batch size " + batch + " (= query), got " + ks[0] + ", "
          + vs[0]);
    }
    if (masks.size() != 1 && masks.size() != batch) {
      throw new IllegalArgumentException("masks: expected 1 or " + batch + " (= batch size), got " + masks.size());
    }
    List<FixedSizeListVector> outs = new ArrayList<>(), ws = new ArrayList<>();
    try {
      for (int b = 0; b < batch; b++) {
        try (FixedSizeListVector qb = slice(q, b, qs, allocator);
             FixedSizeListVector kb = slice(k, b, ks, allocator);
             FixedSizeListVector vb = slice(v, b, vs, allocator)) {
          AttentionResult r = layer.forward(qb, kb, vb, masks.get(masks.size() == 1 ? 0 : b), temperature, withWeights,
              allocator);
          outs.add(r.output());
          r.weights().ifPresent(ws::add);
        }
      }
      FixedSizeListVector out = stack(outs, batch, allocator, "output");
      if (!withWeights) return new AttentionResult(out, Optional.empty());
      try {
        return new AttentionResult(out, Optional.of(stack(ws, batch, allocator, "weights")));
      } catch (RuntimeException | Error e) {
        out.close();
        throw e;
      }
    } finally {
      outs.forEach(FixedSizeListVector::close);
      ws.forEach(FixedSizeListVector::close);
    }
  }

  private static FixedSizeListVector slice(FixedSizeListVector v, int b, int[] shape, BufferAllocator allocator) {
    FixedSizeListVector out = DenseMatrices.allocate(allocator, v.getName(), shape[1], shape[2]);
    long bytes = (long) shape[1] * shape[2] * Float.BYTES;
    MemorySegment.copy(DenseMatrices.segment(v), b * bytes, DenseMatrices.segment(out), 0, bytes);
    return out;
  }

  private static FixedSizeListVector stack(List<FixedSizeListVector> parts, int batch, BufferAllocator allocator,
      String name) {
    int[] one = DenseMatrices.shape(parts.get(0));
    int[] shape = new int[one.length + 1];
    shape[0] = batch;
    System.arraycopy(one, 0, shape, 1, one.length);
    FixedSizeListVector out = DenseMatrices.allocateShaped(allocator, name, shape);
    long offset = 0;
    for (FixedSizeListVector p : parts) {
      long bytes = (long) DenseMatrices.rows(p) * DenseMatrices.cols(p) * Float.BYTES;
      MemorySegment.copy(DenseMatrices.segment(p), 0, DenseMatrices.segment(out), offset, bytes);
      offset += bytes;
    }
    return out;
  }
}
