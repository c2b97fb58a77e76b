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
 * Fused scaled-dot attention forward ({@code Kernels.attentionForward}, no weights, no mask), one
 * call per head, of the scalar kernels and of the simd kernels on 1 and 2 threads ({@code kernels}),
 * and of ONNX Runtime as a peer on the same shapes: {@code ort:T} runs the com.microsoft
 * {@code MultiHeadAttention} contrib op (query [1, nq, heads·d], key and value [1, heads, nk, d]),
 * {@code ortmm:T} the plain MatMul → Softmax → MatMul graph ([heads, n, d] each), with T intra-op
 * threads. Shapes are {@code nq x nk x d x heads} (d_v = d), from ARCHITECTURE §6: SDPA L=512, 2048
 * and 4096, d=64, 8 heads (and L=2048 with 1 head, the scalar kernels' scaled-down row); decode
 * n_q=1, n_k=4096, d=128, 32 heads.
 * FLOPs per operation = heads · 4 · nq · nk · d (Q·Kᵀ and A·V, 2 per multiply-add), for every kernel.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-modules=jdk.incubator.vector", "-XX:+IgnoreUnrecognizedVMOptions"})
public class AttentionForwardBenchmark {
  @Param({"512x512x64x8", "1024x1024x64x8", "2048x2048x64x1", "2048x2048x64x8", "4096x4096x64x8", "1x4096x128x32"})
  public String shape;

  /** {@code scalar}, {@code simd:T} (T threads), or ONNX Runtime: {@code ort:T} (fused MHA), {@code ortmm:T} (MatMul/Softmax/MatMul). */
  @Param({"scalar", "simd:1", "simd:2", "ort:1", "ort:2"})
  public String kernels;

  private Arena arena;
  private Kernels impl;
  private MemorySegment[] q, k, v, out;
  private int nq, nk, d, heads;
  private float scale;
  private OrtPeer ort;

  @Setup(Level.Trial)
  public void setUp() {
    int[] s = Shapes.dims(shape);
    nq = s[0]; nk = s[1]; d = s[2]; heads = s[3];
    scale = (float) (1 / Math.sqrt(d));
    if (kernels.startsWith("ort")) {
      ort = OrtPeer.attention(kernels, nq, nk, d, heads);
      return;
    }
    impl = Shapes.kernels(kernels);
    arena = Arena.ofShared();
    q = new MemorySegment[heads]; k = new MemorySegment[heads]; v = new MemorySegment[heads]; out = new MemorySegment[heads];
    for (int h = 0; h < heads; h++) {
      q[h] = Shapes.randomFloats(arena, (long) nq * d, 4L * h);
      k[h] = Shapes.randomFloats(arena, (long) nk * d, 4L * h + 1);
      v[h] = Shapes.randomFloats(arena, (long) nk * d, 4L * h + 2);
      out[h] = arena.allocate(4L * nq * d);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (ort != null) ort.close();
    if (arena != null) arena.close();
  }

  @Benchmark
  public Object fusedForward() {
    if (ort != null) return ort.run();
    for (int h = 0; h < heads; h++) impl.attentionForward(q[h], k[h], v[h], out[h], null, nq, nk, d, d, scale, null);
    return out[heads - 1];
  }
}
