package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.retrieval.internal.MappedNpy;

/**
 * A key–value memory: keys [n, d] and optionally values [n, d_v], float32 row-major, held off the
 * Java heap — a memory-mapped {@code .npy} file (little-endian float32, C order: zero copy, the
 * kernels read the page cache) or an Arrow matrix (other files are read through the api's
 * {@link MatrixFiles} into buffers of the caller's allocator). A million 128-wide keys (512 MB) thus
 * need no heap beyond one float64 norm per key. Without values, a lookup returns row ids.
 *
 * <pre>{@code
 * try (KeyValueMemory memory = KeyValueMemory.open(Path.of("keys.npy"), null, allocator);
 *      ExactSearch search = ExactSearch.over(memory, Metric.COS, registry.kernels())) {
 *   TopK top = search.search(queries, 10);              // ids best first, ties by lower id
 * }
 * }</pre>
 *
 * <p>Keys must be finite; {@link #keyNorms()} checks that on first use (one pass, on every core)
 * and names the first non-finite entry. A memory is safe to read from several threads; close it
 * (which unmaps files and releases buffers it read) after every search that uses it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class KeyValueMemory implements AutoCloseable {
  static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private final MemorySegment keys;
  private final MemorySegment values;
  private final int n;
  private final int d;
  private final int dv;
  private final boolean mapped;
  private final AutoCloseable[] owned;
  private final String keysName;
  private double[] norms;                        // guarded by this
  private boolean closed;

  private KeyValueMemory(Part k, Part v, String keysName) {
    this.keys = k.data;
    this.n = k.rows;
    this.d = k.cols;
    this.values = v == null ? null : v.data;
    this.dv = v == null ? 0 : v.cols;
    this.mapped = k.mapped;
    this.owned = v == null ? new AutoCloseable[] {k.owner} : new AutoCloseable[] {k.owner, v.owner};
    this.keysName = keysName;
  }

  private record Part(MemorySegment data, int rows, int cols, boolean mapped, AutoCloseable owner) {}

  /**
   * Opens keys (and values, when {@code valuesFile} is non-null) from files: a float32 C-order
   * {@code .npy} is memory-mapped; other formats ({@code .npy} float64, CSV, Arrow IPC) are read into
   * buffers from {@code allocator}, owned by the memory. Values need as many rows as keys.
   */
  public static KeyValueMemory open(Path keysFile, Path valuesFile, BufferAllocator allocator) {
    return open(keysFile, valuesFile, allocator, "keys " + keysFile, "values " + valuesFile);
  }

  /**
   * As {@link #open(Path, Path, BufferAllocator)}, with the names errors give the two files (e.g. the
   * command-line options {@code --keys F} and {@code --values F}).
   */
  public static KeyValueMemory open(Path keysFile, Path valuesFile, BufferAllocator allocator, String keysArgument,
      String valuesArgument) {
    if (keysFile == null) throw new IllegalArgumentException(keysArgument + ": expected a file, got null");
    Part k = part(keysFile, allocator, keysArgument);
    Part v = null;
    try {
      if (valuesFile != null) {
        v = part(valuesFile, allocator, valuesArgument);
        if (v.rows != k.rows) {
          throw new IllegalArgumentException(valuesArgument + ": expected " + k.rows + " rows (= keys), got " + v.rows);
        }
      }
      return new KeyValueMemory(k, v, keysArgument);
    } catch (RuntimeException | Error e) {
      closeQuietly(k.owner, e);
      if (v != null) closeQuietly(v.owner, e);
      throw e;
    }
  }

  /** A memory over Arrow matrices the caller owns (not closed by the memory); {@code values} may be null. */
  public static KeyValueMemory of(FixedSizeListVector keys, FixedSizeListVector values) {
    if (keys == null) throw new IllegalArgumentException("keys: expected a matrix [n, d], got null");
    Part k = borrowed(keys, "keys");
    Part v = null;
    if (values != null) {
      v = borrowed(values, "values");
      if (v.rows != k.rows) throw new IllegalArgumentException("values: expected " + k.rows + " rows (= keys), got " + v.rows);
    }
    return new KeyValueMemory(k, v, "keys");
  }

  private static Part borrowed(FixedSizeListVector m, String argument) {
    requireMatrix(DenseMatrices.shape(m), argument);
    return new Part(DenseMatrices.segment(m), DenseMatrices.rows(m), DenseMatrices.cols(m), false, () -> {});
  }

  private static Part part(Path file, BufferAllocator allocator, String argument) {
    Optional<MappedNpy.Mapping> map = MappedNpy.tryMap(file);
    if (map.isPresent()) {
      MappedNpy.Mapping m = map.get();
      if (m.rows() < 1 || m.cols() < 1) {
        m.arena().close();
        throw new IllegalArgumentException(argument + ": expected at least one row and one column, got shape ["
            + m.rows() + ", " + m.cols() + "]");
      }
      return new Part(m.data(), m.rows(), m.cols(), true, m.arena()::close);
    }
    if (allocator == null) throw new IllegalArgumentException("allocator: expected an allocator to read " + file + ", got null");
    FixedSizeListVector v = MatrixFiles.readMatrix(file, allocator);
    try {
      requireMatrix(DenseMatrices.shape(v), argument);
      return new Part(DenseMatrices.segment(v), DenseMatrices.rows(v), DenseMatrices.cols(v), false, v::close);
    } catch (RuntimeException | Error e) {
      v.close();
      throw e;
    }
  }

  private static void requireMatrix(int[] shape, String argument) {
    if (shape.length > 2) {
      throw new IllegalArgumentException(argument + ": expected a matrix [n, d] (or [n]), got shape " + Arrays.toString(shape));
    }
    if (shape[0] < 1 || (shape.length == 2 && shape[1] < 1)) {
      throw new IllegalArgumentException(argument + ": expected at least one row and one column, got shape "
          + Arrays.toString(shape));
    }
  }

  /** n, the number of keys. */
  public int size() { return n; }

  /** d, the key width. */
  public int dim() { return d; }

  /** d_v, the value width (0 without values). */
  public int valueDim() { return dv; }

  /** The name errors about the keys give ({@code keys}, or the file or option it came from). */
  public String keysName() { return keysName; }

  /** Whether the keys are a memory-mapped file (no copy). */
  public boolean isMapped() { return mapped; }

  /** The keys, n·d float32 little-endian, row-major, read-only. */
  public MemorySegment keys() {
    checkOpen();
    return keys.asReadOnly();
  }

  /** The values, n·d_v float32, read-only, when present. */
  public Optional<MemorySegment> values() {
    checkOpen();
    return values == null ? Optional.empty() : Optional.of(values.asReadOnly());
  }

  /** Key {@code row}, entry {@code col} (for inspection, not for hot loops). */
  public float key(int row, int col) {
    checkOpen();
    return keys.getAtIndex(F, (long) row * d + col);
  }

  /**
   * The float64 Euclidean norm of every key; the first call reads every key (in parallel), checks it is
   * finite and caches the norms. Shared, do not modify.
   */
  double[] keyNorms() {
    synchronized (this) {
      checkOpen();
      if (norms != null) return norms;
    }
    double[] out = new double[n];
    int blocks = Math.max(1, (int) Math.min(256, (long) n * d / 65536));
    IntStream.range(0, blocks).parallel().forEach(b -> {
      int lo = (int) ((long) n * b / blocks), hi = (int) ((long) n * (b + 1) / blocks);
      float[] row = new float[d];
      for (int i = lo; i < hi; i++) {
        MemorySegment.copy(keys, F, (long) i * d * Float.BYTES, row, 0, d);
        double s = 0;
        for (int c = 0; c < d; c++) {
          float x = row[c];
          if (!Float.isFinite(x)) {
            throw new IllegalArgumentException(keysName + ": expected finite values, got " + x + " at (" + i + ", " + c + ")");
          }
          s += (double) x * x;
        }
        out[i] = Math.sqrt(s);
      }
    });
    synchronized (this) {
      if (norms == null) norms = out;
      return norms;
    }
  }

  /** Checks that the values are finite (one pass); the error names the first non-finite entry. */
  void requireFiniteValues(String argument) {
    if (values == null) return;
    long total = (long) n * dv;
    for (long i = 0; i < total; i++) {
      float x = values.getAtIndex(F, i);
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException(argument + ": expected finite values, got " + x + " at (" + i / dv + ", " + i % dv + ")");
      }
    }
  }

  void checkOpen() {
    if (closed) throw new IllegalStateException("memory: expected an open memory, got a closed one");
  }

  /** Unmaps mapped files and releases buffers the memory read (borrowed matrices stay open). */
  @Override public void close() {
    if (closed) return;
    closed = true;
    RuntimeException failure = null;
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) failure = new IllegalStateException("memory: could not release a buffer: " + e.getMessage(), e);
      }
    }
    if (failure != null) throw failure;
  }

  private static void closeQuietly(AutoCloseable c, Throwable primary) {
    try {
      c.close();
    } catch (Exception e) {
      primary.addSuppressed(e);
    }
  }

  @Override public String toString() {
    return "KeyValueMemory[n=" + n + ", d=" + d + ", dv=" + dv + (mapped ? ", mapped" : "") + "]";
  }
}
