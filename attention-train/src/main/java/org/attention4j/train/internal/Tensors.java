package org.attention4j.train.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;

/**
 * Element loops over dense float32 tensors and the layout checks shared by the optimisers, the
 * accumulator and the trainer. Every loop runs in index order on one thread and accumulates in
 * float64, so results depend on the data alone (see the module README, "Determinism").
 */
public final class Tensors {
  /** Unaligned little-endian float32, as {@link DenseMatrices#segment} lays the data out. */
  public static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private Tensors() {}

  /** The number of float32 entries of {@code v}. */
  public static long size(FixedSizeListVector v) {
    return (long) DenseMatrices.rows(v) * DenseMatrices.cols(v);
  }

  /** The data of {@code v}, zero-copy. */
  public static MemorySegment seg(FixedSizeListVector v) {
    return DenseMatrices.segment(v);
  }

  /**
   * Checks that {@code actual} holds exactly the tensors of {@code reference}, by name and shape.
   * Messages name the argument and the tensor, e.g. {@code gradients 'W_q': expected shape [16, 8]
   * (as in parameters), got [8, 16]}.
   *
   * @param actualName what {@code actual} is called in messages, e.g. {@code gradients}
   * @param referenceName what {@code reference} is called in messages, e.g. {@code parameters}
   */
  public static void requireSameLayout(ParameterSet reference, ParameterSet actual, String referenceName,
      String actualName) {
    if (reference == null) throw new IllegalArgumentException(referenceName + ": expected a parameter set, got null");
    if (actual == null) throw new IllegalArgumentException(actualName + ": expected a parameter set, got null");
    Map<String, FixedSizeListVector> ref = reference.asMap(), act = actual.asMap();
    for (String name : ref.keySet()) {
      if (!act.containsKey(name)) {
        throw new IllegalArgumentException(actualName + ": expected a tensor '" + name + "' (as in " + referenceName
            + " " + ref.keySet() + "), got only " + act.keySet());
      }
    }
    for (String name : act.keySet()) {
      if (!ref.containsKey(name)) {
        throw new IllegalArgumentException(actualName + ": expected only the tensors of " + referenceName + " "
            + ref.keySet() + ", got also '" + name + "'");
      }
    }
    for (Map.Entry<String, FixedSizeListVector> e : ref.entrySet()) {
      FixedSizeListVector a = act.get(e.getKey());
      DenseMatrices.require(a, actualName + " '" + e.getKey() + "'", -1);
      if (DenseMatrices.rows(a) != DenseMatrices.rows(e.getValue()) || DenseMatrices.cols(a) != DenseMatrices.cols(e.getValue())
          || !Arrays.equals(DenseMatrices.shape(a), DenseMatrices.shape(e.getValue()))) {
        throw new IllegalArgumentException(actualName + " '" + e.getKey() + "': expected shape "
            + Arrays.toString(DenseMatrices.shape(e.getValue())) + " (as in " + referenceName + "), got "
            + Arrays.toString(DenseMatrices.shape(a)));
      }
    }
  }

  /** Refuses a NaN or infinite entry in any tensor, naming the tensor and the first (row, col). */
  public static void requireFinite(ParameterSet set, String argument) {
    for (Map.Entry<String, FixedSizeListVector> e : set.asMap().entrySet()) {
      DenseMatrices.requireFinite(e.getValue(), argument + " '" + e.getKey() + "'");
    }
  }

  /** {@code Σ x²} over every tensor, in float64, in name order then index order. */
  public static double sumOfSquares(ParameterSet set) {
    double acc = 0;
    for (FixedSizeListVector v : set.asMap().values()) {
      MemorySegment s = seg(v);
      long n = size(v);
      for (long i = 0; i < n; i++) {
        double x = s.getAtIndex(F, i);
        acc += x * x;
      }
    }
    return acc;
  }

  /** {@code target += alpha · source} entry by entry (same layout, checked by the caller). */
  public static void addScaled(ParameterSet target, ParameterSet source, double alpha) {
    for (Map.Entry<String, FixedSizeListVector> e : target.asMap().entrySet()) {
      MemorySegment t = seg(e.getValue()), s = seg(source.get(e.getKey()));
      long n = size(e.getValue());
      for (long i = 0; i < n; i++) t.setAtIndex(F, i, (float) (t.getAtIndex(F, i) + alpha * s.getAtIndex(F, i)));
    }
  }

  /** {@code x ← alpha · x} for every entry. */
  public static void scale(ParameterSet set, double alpha) {
    for (FixedSizeListVector v : set.asMap().values()) {
      MemorySegment s = seg(v);
      long n = size(v);
      for (long i = 0; i < n; i++) s.setAtIndex(F, i, (float) (alpha * s.getAtIndex(F, i)));
    }
  }

  /** Sets every entry to +0.0. */
  public static void zero(ParameterSet set) {
    for (FixedSizeListVector v : set.asMap().values()) seg(v).fill((byte) 0);
  }

  /** Copies the data of {@code source} into {@code target} (same layout, checked by the caller). */
  public static void copy(ParameterSet source, ParameterSet target) {
    for (Map.Entry<String, FixedSizeListVector> e : target.asMap().entrySet()) {
      MemorySegment.copy(seg(source.get(e.getKey())), 0, seg(e.getValue()), 0, size(e.getValue()) * Float.BYTES);
    }
  }

  /**
   * A 64-bit mix of a seed and a salt (SplitMix64's finaliser over {@code seed + golden·(salt + 1)}):
   * nearby seeds and salts give unrelated streams.
   */
  public static long mix(long seed, long salt) {
    long z = seed + 0x9E3779B97F4A7C15L * (salt + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Refuses a null, NaN or infinite number, or one outside [min, max]. */
  public static double requireIn(double x, String argument, double min, double max, String what) {
    if (!Double.isFinite(x) || x < min || x > max) {
      throw new IllegalArgumentException(argument + ": expected " + what + ", got " + x);
    }
    return x;
  }

  /** One draw of an initialiser, given the generator and the tensor's fans. */
  @FunctionalInterface
  public interface Draw {
    /** The next value. */
    double next(Random random, long fanIn, long fanOut);
  }

  /** Fills {@code tensor} row-major with {@code draw}, rounded to float32. */
  public static void fill(FixedSizeListVector tensor, Random random, Draw draw) {
    DenseMatrices.require(tensor, "tensor", -1);
    if (random == null) throw new IllegalArgumentException("random: expected a generator, got null");
    int[] shape = DenseMatrices.shape(tensor);
    long fanIn = fanIn(shape), fanOut = fanOut(shape);
    MemorySegment s = seg(tensor);
    long n = size(tensor);
    for (long i = 0; i < n; i++) s.setAtIndex(F, i, (float) draw.next(random, fanIn, fanOut));
  }

  /** fan_in of a weight [out, in, k…]: in·Πk; of a vector [n]: n. */
  public static long fanIn(int[] shape) {
    if (shape.length == 1) return shape[0];
    return (long) shape[1] * receptive(shape);
  }

  /** fan_out of a weight [out, in, k…]: out·Πk; of a vector [n]: n. */
  public static long fanOut(int[] shape) {
    if (shape.length == 1) return shape[0];
    return (long) shape[0] * receptive(shape);
  }

  private static long receptive(int[] shape) {
    long r = 1;
    for (int i = 2; i < shape.length; i++) r *= shape[i];
    return r;
  }

  /** A set with the names and shapes of {@code like}, all zeros; the caller closes it. */
  public static ParameterSet zerosLike(ParameterSet like, BufferAllocator allocator) {
    if (like == null) throw new IllegalArgumentException("like: expected a parameter set, got null");
    if (allocator == null) throw new IllegalArgumentException("allocator: expected an allocator, got null");
    ParameterSet out = new ParameterSet();
    try {
      for (Map.Entry<String, FixedSizeListVector> e : like.asMap().entrySet()) {
        out.put(e.getKey(), DenseMatrices.allocateShaped(allocator, e.getKey(), DenseMatrices.shape(e.getValue())));
      }
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }
}
