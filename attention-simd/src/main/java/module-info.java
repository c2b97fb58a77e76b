/**
 * The {@code simd} kernels: every op of {@link org.attention4j.api.spi.Kernels} written with the
 * Vector API (Panama) — register-tiled matmul, masked row softmax and its backward, a fused,
 * tiled, multi-threaded scaled-dot attention with an online (flash-attention style) softmax,
 * attention backward, the additive tanh-reduce and its backward, exact top-k and DTW rows. It
 * exports nothing: the registry finds the provider and makes it active when it is usable (the
 * incubator module is present and C2 is on), else lists it with the reason and keeps the scalar
 * reference. This is the only Attention4J module that reads {@code jdk.incubator.vector}.
 *
 * @provides org.attention4j.api.spi.KernelProvider {@code simd} (priority 10)
 */
module org.attention4j.simd {
  requires org.attention4j.api;
  requires jdk.incubator.vector;
  requires jdk.management;      // HotSpotDiagnosticMXBean: is C2 on, is FMA on

  provides org.attention4j.api.spi.KernelProvider with org.attention4j.simd.internal.SimdKernelProvider;
}
