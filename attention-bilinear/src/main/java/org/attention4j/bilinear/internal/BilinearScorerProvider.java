package org.attention4j.bilinear.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * {@code bilinear}: {@code s(q, k) = qᵀ W k} with one parameter, {@code W} [d_q, d_k] (the name is
 * exact; d_q ≠ d_k is allowed).
 *
 * <p>Without a parameter file W is initialised from {@link ProviderConfig#seed()}, deterministically:
 * Glorot/Xavier uniform, ±√(6 / (d_q + d_k)), drawn row-major from one {@link Random} seeded with the
 * seed (a specified algorithm, so a seed means the same W on every JDK). With a parameter file
 * ({@code config.parameters()}) the tensors are checked with {@link ParameterSet#check} — a wrong
 * shape names the tensor, the expected and the actual shape; a missing or unknown tensor lists the
 * expected names and shapes — and W is copied into a vector from {@code config.allocator()}; the
 * scorer owns and closes its copy.
 */
public final class BilinearScorerProvider implements ScorerProvider {
  /** The provider id. */
  public static final String ID = "bilinear";
  static final String W = "W";

  /** Called by {@link java.util.ServiceLoader}. */
  public BilinearScorerProvider() {}

  @Override public String id() { return ID; }

  @Override public String description() { return "bilinear form s = qᵀWk with a learned W [d_q, d_k]"; }

  @Override public List<TensorSpec> tensors(ProviderConfig config, int queryDim, int keyDim) {
    return List.of(new TensorSpec(W, new int[] {queryDim, keyDim}, false));
  }

  @Override public Scorer create(ProviderConfig config, int queryDim, int keyDim) {
    if (queryDim < 1) throw new IllegalArgumentException("queryDim: expected at least 1, got " + queryDim);
    if (keyDim < 1) throw new IllegalArgumentException("keyDim: expected at least 1, got " + keyDim);
    BufferAllocator allocator = config.allocator();
    ParameterSet own = new ParameterSet();
    try {
      if (config.parameters().isPresent()) {
        ParameterSet given = config.parameters().get();
        given.check(tensors(config, queryDim, keyDim));
        FixedSizeListVector source = DenseMatrices.requireFinite(given.get(W), W);
        FixedSizeListVector copy = own.put(W, DenseMatrices.allocate(allocator, W, queryDim, keyDim)).get(W);
        MemorySegment.copy(DenseMatrices.segment(source), 0, DenseMatrices.segment(copy), 0,
            (long) queryDim * keyDim * Float.BYTES);
      } else {
        FixedSizeListVector w = own.put(W, DenseMatrices.allocate(allocator, W, queryDim, keyDim)).get(W);
        glorotUniform(DenseMatrices.segment(w), queryDim, keyDim, new Random(config.seed()));
      }
      return new BilinearScorer(config.kernels(), queryDim, keyDim, own);
    } catch (RuntimeException | Error e) {
      own.close();
      throw e;
    }
  }

  /** Fills rows × cols floats, row-major, uniform in ±√(6 / (rows + cols)). */
  static void glorotUniform(MemorySegment target, int rows, int cols, Random random) {
    double limit = Math.sqrt(6.0 / (rows + cols));
    long n = (long) rows * cols;
    for (long i = 0; i < n; i++) {
      target.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) ((2 * random.nextDouble() - 1) * limit));
    }
  }
}
