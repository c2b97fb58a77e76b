package org.attention4j.additive.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * {@code additive}: {@code s(q, k) = vᵀ tanh(W_q q + W_k k + b)} (Bahdanau et al. 2015).
 *
 * <p>Parameters (names exact): {@code W_q} [h, d_q], {@code W_k} [h, d_k], {@code v} [h] and
 * {@code b} [h]. The scorer always has a bias: a parameter file without {@code b} loads with
 * b = 0, and {@code b} is listed (as optional) by {@link #tensors}, returned by
 * {@link Scorer#parameters()} and given a gradient.
 *
 * <p>Without a parameter file the hidden size comes from the setting {@code h} (default 64) and the
 * parameters are initialised from {@link ProviderConfig#seed()}, deterministically: W_q, then W_k
 * (Glorot/Xavier uniform, ±√(6 / (fan_in + fan_out))), then v (uniform ±1/√h), drawn row-major
 * from one {@link Random} seeded with the seed; b = 0. With a parameter file the hidden size is that
 * of the file (rows of {@code W_q}) and the setting {@code h} is not used.
 */
public final class AdditiveScorerProvider implements ScorerProvider {
  /** The provider id. */
  public static final String ID = "additive";
  static final String W_Q = "W_q";
  static final String W_K = "W_k";
  static final String V = "v";
  static final String B = "b";
  static final String H = "h";
  static final int DEFAULT_H = 64;

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public AdditiveScorerProvider() {}

  @Override public String id() { return ID; }

  @Override public String description() {
    return "additive (Bahdanau) score v^T tanh(W_q q + W_k k + b), bounded by ||v||_1";
  }

  @Override public List<ParameterSpec> parameters() {
    return List.of(new ParameterSpec(H, Integer.toString(DEFAULT_H),
        "hidden size of the tanh layer when parameters are initialised from the seed (no parameter file)"));
  }

  @Override public List<TensorSpec> tensors(ProviderConfig config, int queryDim, int keyDim) {
    int h = hiddenSize(config);
    return List.of(new TensorSpec(W_Q, new int[] {h, queryDim}, false), new TensorSpec(W_K, new int[] {h, keyDim}, false),
        new TensorSpec(V, new int[] {h}, false), new TensorSpec(B, new int[] {h}, true));
  }

  @Override public Scorer create(ProviderConfig config, int queryDim, int keyDim) {
    if (queryDim < 1) throw new IllegalArgumentException("queryDim: expected an integer >= 1, got " + queryDim);
    if (keyDim < 1) throw new IllegalArgumentException("keyDim: expected an integer >= 1, got " + keyDim);
    int h = hiddenSize(config);
    BufferAllocator allocator = config.allocator();
    ParameterSet own = new ParameterSet();
    try {
      if (config.parameters().isPresent()) {
        ParameterSet given = config.parameters().get();
        given.check(tensors(config, queryDim, keyDim));
        own.put(W_Q, copy(given.get(W_Q), W_Q, allocator, h, queryDim));
        own.put(W_K, copy(given.get(W_K), W_K, allocator, h, keyDim));
        own.put(V, copy(given.get(V), V, allocator, h));
        own.put(B, given.contains(B) ? copy(given.get(B), B, allocator, h) : DenseMatrices.allocateShaped(allocator, B, h));
      } else {
        Random random = new Random(config.seed());
        own.put(W_Q, uniform(allocator, W_Q, random, Math.sqrt(6.0 / (queryDim + h)), h, queryDim));
        own.put(W_K, uniform(allocator, W_K, random, Math.sqrt(6.0 / (keyDim + h)), h, keyDim));
        own.put(V, uniform(allocator, V, random, 1.0 / Math.sqrt(h), h));
        own.put(B, DenseMatrices.allocateShaped(allocator, B, h));
      }
      return new AdditiveScorer(config.kernels(), queryDim, keyDim, h, own);
    } catch (RuntimeException | Error e) {
      own.close();
      throw e;
    }
  }

  /**
   * The hidden size: from the parameter file when one is given (rows of {@code W_q}, else the length
   * of {@code v}, else rows of {@code W_k}), else the setting {@code h} (default 64).
   */
  static int hiddenSize(ProviderConfig config) {
    if (config.parameters().isPresent()) {
      ParameterSet p = config.parameters().get();
      for (String name : List.of(W_Q, V, W_K)) {
        if (!p.contains(name)) continue;
        int[] shape = DenseMatrices.shape(p.get(name));
        if (shape.length == (name.equals(V) ? 1 : 2) && shape[0] >= 1) return shape[0];
      }
    }
    String text = config.settings().asMap().getOrDefault(H, Integer.toString(DEFAULT_H));
    int h;
    try {
      h = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(ID + " " + H + ": expected an integer >= 1, got '" + text + "'", e);
    }
    if (h < 1) throw new IllegalArgumentException(ID + " " + H + ": expected an integer >= 1, got " + h);
    return h;
  }

  private static FixedSizeListVector copy(FixedSizeListVector source, String name, BufferAllocator allocator, int... shape) {
    DenseMatrices.requireFinite(source, name);
    FixedSizeListVector out = DenseMatrices.allocateShaped(allocator, name, shape);
    long bytes = (long) Arrays.stream(shape).reduce(1, Math::multiplyExact) * Float.BYTES;
    MemorySegment.copy(DenseMatrices.segment(source), 0, DenseMatrices.segment(out), 0, bytes);
    return out;
  }

  private static FixedSizeListVector uniform(BufferAllocator allocator, String name, Random random, double limit,
      int... shape) {
    FixedSizeListVector out = DenseMatrices.allocateShaped(allocator, name, shape);
    MemorySegment s = DenseMatrices.segment(out);
    long n = (long) Arrays.stream(shape).reduce(1, Math::multiplyExact);
    for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) ((2 * random.nextDouble() - 1) * limit));
    return out;
  }
}
