package org.attention4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ONNX Runtime (Java API, CPU) as a peer in the same JMH run: one committed graph from
 * {@code src/main/resources/onnx/} (written by {@code peers/make_onnx_graphs.py}), a session with
 * {@code threads} intra-op threads (1 inter-op thread, sequential execution, all graph
 * optimisations), inputs in direct buffers made once, and the output pinned (preallocated), so a
 * {@link #run()} measures ORT's compute and not Java-side copies or allocation.
 */
final class OrtPeer implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
  private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
  private final Map<String, FloatBuffer> buffers = new LinkedHashMap<>();

  /**
   * @param graph  resource name under {@code /onnx/} without the extension
   * @param threads intra-op threads
   * @param inputShapes input name → shape (filled with uniform [-1, 1) floats from {@code seed})
   * @param outputShapes output name → shape
   */
  OrtPeer(String graph, int threads, Map<String, long[]> inputShapes, Map<String, long[]> outputShapes, long seed) {
    try {
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(resource(graph), options);
      SplittableRandom random = new SplittableRandom(seed);
      for (Map.Entry<String, long[]> e : inputShapes.entrySet()) {
        FloatBuffer b = directFloats(e.getValue());
        for (int i = 0; i < b.capacity(); i++) b.put(i, (float) (2 * random.nextDouble() - 1));
        buffers.put(e.getKey(), b);
        inputs.put(e.getKey(), OnnxTensor.createTensor(env, b, e.getValue()));
      }
      for (Map.Entry<String, long[]> e : outputShapes.entrySet()) {
        FloatBuffer b = directFloats(e.getValue());
        buffers.put(e.getKey(), b);
        outputs.put(e.getKey(), OnnxTensor.createTensor(env, b, e.getValue()));
      }
    } catch (OrtException e) {
      throw new IllegalStateException("onnxruntime: cannot set up graph " + graph + ": " + e.getMessage(), e);
    }
  }

  /** One inference into the pinned output; returns the output tensor (so JMH cannot drop the call). */
  OnnxTensor run() {
    try (OrtSession.Result ignored = session.run(inputs, outputs)) {
      return outputs.values().iterator().next();
    } catch (OrtException e) {
      throw new IllegalStateException("onnxruntime: run failed: " + e.getMessage(), e);
    }
  }

  /**
   * The direct buffer behind an input or the pinned output (ORT reads and writes it in place:
   * direct, native-order buffers are wrapped, not copied).
   */
  FloatBuffer buffer(String name) {
    FloatBuffer b = buffers.get(name);
    if (b == null) throw new IllegalArgumentException("name: expected one of " + buffers.keySet() + ", got " + name);
    return b;
  }

  @Override
  public void close() {
    try {
      for (OnnxTensor t : inputs.values()) t.close();
      for (OnnxTensor t : outputs.values()) t.close();
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("onnxruntime: close failed: " + e.getMessage(), e);
    }
  }

  /**
   * Attention of {@code heads} heads, nq × nk, head size d. {@code ort:T}: the fused com.microsoft
   * MultiHeadAttention graph {@code mha-<shape>} (query [1, nq, heads·d] as the op takes it, key and
   * value [1, heads, nk, d] as a key/value cache holds them); {@code ortmm:T}: the plain graph
   * {@code mmsm-<shape>}, Softmax(Q·Kᵀ/√d)·V on [heads, n, d].
   */
  static OrtPeer attention(String spec, int nq, int nk, int d, int heads) {
    String[] parts = parseSpec(spec);
    String shape = nq + "x" + nk + "x" + d + "x" + heads;
    Map<String, long[]> in = new LinkedHashMap<>();
    Map<String, long[]> out = new LinkedHashMap<>();
    switch (parts[0]) {
      case "ort" -> {
        in.put("query", new long[] {1, nq, (long) heads * d});
        in.put("key", new long[] {1, heads, nk, d});
        in.put("value", new long[] {1, heads, nk, d});
        out.put("output", new long[] {1, nq, (long) heads * d});
        return new OrtPeer("mha-" + shape, Integer.parseInt(parts[1]), in, out, 21);
      }
      case "ortmm" -> {
        in.put("query", new long[] {heads, nq, d});
        in.put("key", new long[] {heads, nk, d});
        in.put("value", new long[] {heads, nk, d});
        out.put("output", new long[] {heads, nq, d});
        return new OrtPeer("mmsm-" + shape, Integer.parseInt(parts[1]), in, out, 22);
      }
      default -> throw new IllegalArgumentException("kernels: expected ort:T or ortmm:T, got " + spec);
    }
  }

  /** C = A·Bᵀ, A [m, k], B [n, k] ({@code ort:T}, graph {@code matmul-<m>x<n>x<k>}). */
  static OrtPeer matmul(String spec, int m, int n, int k) {
    String[] parts = parseSpec(spec);
    if (!parts[0].equals("ort")) throw new IllegalArgumentException("kernels: expected ort:T, got " + spec);
    Map<String, long[]> in = new LinkedHashMap<>();
    in.put("a", new long[] {m, k});
    in.put("b", new long[] {n, k});
    return new OrtPeer("matmul-" + m + "x" + n + "x" + k, Integer.parseInt(parts[1]), in, Map.of("c", new long[] {m, n}), 23);
  }

  private static String[] parseSpec(String spec) {
    String[] parts = spec.split(":");
    if (parts.length != 2 || !parts[1].matches("[1-9][0-9]*")) {
      throw new IllegalArgumentException("kernels: expected ort:T or ortmm:T with T ≥ 1 threads, got " + spec);
    }
    return parts;
  }

  private static FloatBuffer directFloats(long[] shape) {
    long n = 1;
    for (long s : shape) n *= s;
    return ByteBuffer.allocateDirect(Math.toIntExact(4 * n)).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static byte[] resource(String graph) {
    String name = "/onnx/" + graph + ".onnx";
    try (InputStream in = OrtPeer.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalArgumentException("graph: expected a resource " + name + " (see peers/make_onnx_graphs.py), got none");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
