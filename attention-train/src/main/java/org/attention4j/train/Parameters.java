package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * Operations on named parameter sets ({@link ParameterSet}: dense float32 Arrow tensors by name):
 * creating and initialising them from a seed, copies, layout checks, and the arithmetic of
 * gradients (add, scale, zero, global norm). Every loop runs in name order, then row-major, on the
 * calling thread, with float64 sums: results depend only on the data.
 *
 * <p>Seeds: the tensor called {@code name} draws from {@code new Random(mix(seed, name.hashCode()))}
 * (a SplitMix64 mix; {@link String#hashCode} is specified), so each tensor's values depend on the
 * seed and its own name only — not on the order of the specs or on the other tensors.
 *
 * <p>{@link #save}, {@link #load} and {@link #loadInto} keep parameter sets in safetensors files
 * through the api's {@link MatrixFiles} (float32, names exact, each tensor with its full shape), so
 * a trained scorer's {@code parameters()} can be saved and given back to its provider, or to the
 * CLI's {@code --params}.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Parameters {
  private Parameters() {}

  /**
   * A new set with one tensor per spec (optional specs included), each filled by {@code initializer}
   * from the seed (see the class comment). The caller closes the set.
   */
  public static ParameterSet create(BufferAllocator allocator, List<TensorSpec> specs, Initializer initializer, long seed) {
    if (allocator == null) throw new IllegalArgumentException("allocator: expected an allocator, got null");
    if (specs == null) throw new IllegalArgumentException("specs: expected a list of tensor specs, got null");
    if (initializer == null) throw new IllegalArgumentException("initializer: expected an initializer, got null");
    ParameterSet set = new ParameterSet();
    try {
      for (TensorSpec spec : specs) {
        if (spec == null) throw new IllegalArgumentException("specs: expected tensor specs, got null");
        set.put(spec.name(), DenseMatrices.allocateShaped(allocator, spec.name(), spec.shape()));
        initialize(set, spec.name(), initializer, seed);
      }
      return set;
    } catch (RuntimeException | Error e) {
      set.close();
      throw e;
    }
  }

  /** Re-initialises the tensor {@code name} of {@code set} from the seed (see the class comment). */
  public static void initialize(ParameterSet set, String name, Initializer initializer, long seed) {
    if (initializer == null) throw new IllegalArgumentException("initializer: expected an initializer, got null");
    FixedSizeListVector tensor = set.get(name);
    initializer.initialize(tensor, random(seed, name));
  }

  /** The generator the tensor {@code name} draws from for {@code seed}. */
  public static Random random(long seed, String name) {
    return new Random(Tensors.mix(seed, name.hashCode()));
  }

  /** A set with the names and shapes of {@code like}, all zeros. The caller closes it. */
  public static ParameterSet zerosLike(ParameterSet like, BufferAllocator allocator) {
    return Tensors.zerosLike(like, allocator);
  }

  /** A copy (new buffers from {@code allocator}) of {@code source}. The caller closes it. */
  public static ParameterSet copyOf(ParameterSet source, BufferAllocator allocator) {
    ParameterSet out = zerosLike(source, allocator);
    Tensors.copy(source, out);
    return out;
  }

  /** Copies the values of {@code source} into {@code target}, which must have the same names and shapes. */
  public static void copyInto(ParameterSet source, ParameterSet target) {
    Tensors.requireSameLayout(target, source, "target", "source");
    Tensors.copy(source, target);
  }

  /**
   * Checks that {@code actual} has exactly the names and shapes of {@code reference}; the message
   * names {@code argument} and the tensor, e.g. {@code gradients 'W_q': expected shape [16, 8] (as in
   * parameters), got [8, 16]} or {@code gradients: expected a tensor 'v' (as in parameters [W_q, v]),
   * got only [W_q]}.
   */
  public static void requireSameLayout(ParameterSet reference, ParameterSet actual, String argument) {
    Tensors.requireSameLayout(reference, actual, "parameters", argument);
  }

  /** {@code target += source}, entry by entry (same names and shapes). */
  public static void add(ParameterSet target, ParameterSet source) {
    add(target, source, 1);
  }

  /** {@code target += alpha · source}, entry by entry (same names and shapes; alpha finite). */
  public static void add(ParameterSet target, ParameterSet source, double alpha) {
    Tensors.requireIn(alpha, "alpha", -Double.MAX_VALUE, Double.MAX_VALUE, "a finite number");
    Tensors.requireSameLayout(target, source, "target", "source");
    Tensors.addScaled(target, source, alpha);
  }

  /** {@code x ← alpha · x} for every entry (alpha finite). */
  public static void scale(ParameterSet set, double alpha) {
    Tensors.requireIn(alpha, "alpha", -Double.MAX_VALUE, Double.MAX_VALUE, "a finite number");
    Tensors.scale(set, alpha);
  }

  /** Sets every entry to zero. */
  public static void zero(ParameterSet set) {
    Tensors.zero(set);
  }

  /** The global L2 norm {@code √(Σ x²)} over every tensor, in float64 (NaN or ∞ when an entry is). */
  public static double globalNorm(ParameterSet set) {
    return Math.sqrt(Tensors.sumOfSquares(set));
  }

  /** The number of float32 entries over every tensor. */
  public static long count(ParameterSet set) {
    long n = 0;
    for (FixedSizeListVector v : set.asMap().values()) n += Tensors.size(v);
    return n;
  }

  /** True when both sets have the same names and shapes and bitwise-equal data (NaN payloads included). */
  public static boolean bitwiseEqual(ParameterSet a, ParameterSet b) {
    try {
      Tensors.requireSameLayout(a, b, "a", "b");
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (Map.Entry<String, FixedSizeListVector> e : a.asMap().entrySet()) {
      long bytes = Tensors.size(e.getValue()) * Float.BYTES;
      if (bytes == 0) continue;
      if (java.lang.foreign.MemorySegment.mismatch(Tensors.seg(e.getValue()), 0, bytes, Tensors.seg(b.get(e.getKey())), 0,
          bytes) != -1) {
        return false;
      }
    }
    return true;
  }

  /** Writes {@code parameters} to a {@code .safetensors} file (float32, names exact, full shapes). */
  public static void save(ParameterSet parameters, Path file) {
    if (parameters == null) throw new IllegalArgumentException("parameters: expected a parameter set, got null");
    if (file == null) throw new IllegalArgumentException("file: expected a .safetensors path, got null");
    MatrixFiles.writeParameters(file, parameters);
  }

  /** Reads the tensors of a {@code .safetensors} file into a new set from {@code allocator}; the caller closes it. */
  public static ParameterSet load(Path file, BufferAllocator allocator) {
    if (file == null) throw new IllegalArgumentException("file: expected a .safetensors path, got null");
    return MatrixFiles.readParameters(file, allocator);
  }

  /**
   * Reads a {@code .safetensors} file into the existing tensors of {@code target} (e.g. a scorer's
   * {@code parameters()}, to resume training): the file must hold exactly the names and shapes of
   * {@code target}, else nothing changes and the error names the file and the tensor, e.g.
   * {@code best.safetensors 'W_q': expected shape [16, 8] (as in parameters), got [8, 16]}. The
   * file is read through {@code scratch}, released before this returns.
   */
  public static void loadInto(Path file, ParameterSet target, BufferAllocator scratch) {
    if (target == null) throw new IllegalArgumentException("target: expected a parameter set, got null");
    try (ParameterSet read = load(file, scratch)) {
      Tensors.requireSameLayout(target, read, "parameters", String.valueOf(file.getFileName()));
      Tensors.copy(read, target);
    }
  }
}
