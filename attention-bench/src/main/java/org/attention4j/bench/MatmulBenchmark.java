package org.attention4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * The scores of one head, {@code S = Q·Kᵀ} ({@code Kernels.matmul} with {@code transB}), of the
 * scalar kernels and of the simd kernels on 1 and 2 threads ({@code kernels}), and of ONNX Runtime
 * ({@code ort:T}: the graph MatMul(A, Transpose(B)), T intra-op threads) as a peer. Shapes {@code m x n x k}: one head of the SDPA rows of ARCHITECTURE §6 (L=512 and
 * L=2048, d=64). FLOPs per operation = 2 · m · n · k.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-modules=jdk.incubator.vector", "-XX:+IgnoreUnrecognizedVMOptions"})
public class MatmulBenchmark {
  @Param({"512x512x64", "2048x2048x64"})
  public String shape;

  /** {@code scalar}, {@code simd:T} (T threads), or {@code ort:T} (ONNX Runtime, T intra-op threads). */
  @Param({"scalar", "simd:1", "simd:2", "ort:1", "ort:2"})
  public String kernels;

  private Arena arena;
  private Kernels impl;
  private MemorySegment a, b, c;
  private int m, n, k;
  private OrtPeer ort;

  @Setup(Level.Trial)
  public void setUp() {
    int[] s = Shapes.dims(shape);
    m = s[0]; n = s[1]; k = s[2];
    if (kernels.startsWith("ort")) {
      ort = OrtPeer.matmul(kernels, m, n, k);
      return;
    }
    impl = Shapes.kernels(kernels);
    arena = Arena.ofShared();
    a = Shapes.randomFloats(arena, (long) m * k, 1);
    b = Shapes.randomFloats(arena, (long) n * k, 2);
    c = arena.allocate(4L * m * n);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (ort != null) ort.close();
    if (arena != null) arena.close();
  }

  @Benchmark
  public Object scoresQKt() {
    if (ort != null) return ort.run();
    impl.matmul(a, false, b, true, c, m, n, k, 1f, 0f);
    return c;
  }
}
