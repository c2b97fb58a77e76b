package org.attention4j.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.attention4j.api.spi.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Exact top-k by inner product ({@code Kernels.topK}) at the ARCHITECTURE §6 retrieval row: n keys
 * × d (1M × 128 float32 = 512 MB) memory-mapped from a temporary file, as a retrieval index would
 * be, and one batch of queries per operation. Reported as queries per second = ops/s · batch.
 * The scalar kernels are left out of the default parameters (about 10 s per batch).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-modules=jdk.incubator.vector", "-XX:+IgnoreUnrecognizedVMOptions"})
public class TopKBenchmark {
  /** {@code n x d x batch x k}. */
  @Param({"1000000x128x64x10"})
  public String shape;

  /** {@code scalar}, or {@code simd:T} (T threads). */
  @Param({"simd:1", "simd:2"})
  public String kernels;

  private Arena arena;
  private Path file;
  private Kernels impl;
  private MemorySegment keys, queries, ids, scores;
  private int n, d, nq, k;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    int[] s = Shapes.dims(shape);
    n = s[0]; d = s[1]; nq = s[2]; k = s[3];
    impl = Shapes.kernels(kernels);
    arena = Arena.ofShared();
    file = Files.createTempFile("topk-keys", ".f32");
    long bytes = 4L * n * d;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      MemorySegment w = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
      SplittableRandom random = new SplittableRandom(21);
      for (long i = 0; i < (long) n * d; i++) w.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) random.nextGaussian());
      w.force();
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      keys = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes, arena);
    }
    queries = Shapes.randomFloats(arena, (long) nq * d, 22);
    ids = arena.allocate(4L * nq * k);
    scores = arena.allocate(4L * nq * k);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    arena.close();
    Files.deleteIfExists(file);
  }

  @Benchmark
  public MemorySegment innerProductTopK() {
    impl.topK(keys, n, d, queries, nq, k, ids, scores);
    return ids;
  }
}
