package org.attention4j.simd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.attention4j.api.spi.Kernels;

/**
 * Defines one hidden copy of {@link VectorKernels} per vector width, with that width's float
 * species as class data (read into a {@code static final} field, so C2 sees a constant), and
 * creates instances of it. Each copy is its own class: the JIT profiles and compiles it apart from
 * the others, so kernels of several widths in one JVM (the tests) all run at full speed. Copies are
 * defined once per JVM and width.
 */
final class VectorKernelsLoader {
  private static final String CLASS_FILE = "VectorKernels.class";
  private static final Map<Integer, MethodHandle> CONSTRUCTORS = new ConcurrentHashMap<>();

  private VectorKernelsLoader() {}

  /** New kernels of {@code shape}'s width on {@code parallel}'s threads; the result also implements {@link VectorMath}. */
  static Kernels create(VectorShape shape, Parallel parallel) {
    MethodHandle constructor = CONSTRUCTORS.computeIfAbsent(shape.vectorBitSize(),
        bits -> define(VectorSpecies.of(float.class, shape)));
    try {
      return (Kernels) constructor.invoke(parallel);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {                                  // the constructor declares no checked exception
      throw new IllegalStateException("VectorKernels(" + shape + "): expected to construct, got " + t, t);
    }
  }

  private static MethodHandle define(VectorSpecies<Float> species) {
    byte[] bytes;
    try (InputStream in = VectorKernelsLoader.class.getResourceAsStream(CLASS_FILE)) {
      if (in == null) throw new LinkageError(CLASS_FILE + ": expected beside " + VectorKernelsLoader.class.getName() + ", got none");
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new LinkageError(CLASS_FILE + ": expected readable, got " + e, e);
    }
    try {
      MethodHandles.Lookup copy = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, species, true);
      return copy.findConstructor(copy.lookupClass(), MethodType.methodType(void.class, Parallel.class))
          .asType(MethodType.methodType(Object.class, Parallel.class));
    } catch (IllegalAccessException | NoSuchMethodException e) {
      throw new LinkageError(CLASS_FILE + ": expected a hidden copy with a (Parallel) constructor, got " + e, e);
    }
  }
}
