package org.attention4j.multihead.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed PyTorch 1.13.1 fixtures ({@code src/test/resources/fixtures/mha-*.safetensors},
 * written by {@code src/test/python/make_fixtures.py}): the layer loads each state dict under
 * PyTorch's names and reproduces {@code torch.nn.MultiheadAttention}'s output and per-head weights
 * (batch_first, average_attn_weights=False), with PyTorch-polarity masks and key padding, packed and
 * separate projections (kdim ≠ vdim ≠ embed_dim), with and without bias, batched and unbatched; and
 * the gradients of L = ⟨dOutput, O⟩ for inputs and every parameter against autograd. Tolerance
 * |a − b| ≤ 1e-5 + 1e-5·|b|. The {@code additive} case compares additive heads with a float64 numpy
 * reference (PyTorch has none).
 *
 * <p>Rows PyTorch fills with NaN (a query with every key masked out, case {@code fully-masked}) are
 * checked against this project's rule instead: zero weights in every head and output = out_proj.bias.
 */
@WithRootAllocator
class TorchFixtureTest {
  private static final double ATOL = 1e-5, RTOL = 1e-5;

  @ParameterizedTest
  @ValueSource(strings = {"packed", "nobias-masked", "kvdim", "onehead", "fully-masked", "additive", "cli"})
  void matchesPyTorch(String name, BufferAllocator allocator) {
    try (ParameterSet f = MatrixFiles.readParameters(Fixtures.fixture("mha-" + name + ".safetensors"), allocator);
         ParameterSet params = MatrixFiles.readParameters(Fixtures.fixture("mha-" + name + ".params.safetensors"), allocator)) {
      FixedSizeListVector q = f.get("query"), k = f.get("keys"), v = f.get("values");
      int[] qs = DenseMatrices.shape(q), ks = DenseMatrices.shape(k), vs = DenseMatrices.shape(v);
      boolean batched = qs.length == 3;
      int[] ws = DenseMatrices.shape(f.get("weights"));   // [B, H, n_q, n_k]
      int b = ws[0], heads = ws[1], nq = ws[2], nk = ws[3], e = qs[qs.length - 1];
      String scorer = name.equals("additive") ? "additive" : "scaled-dot";
      List<Mask> masks = Fixtures.torchMasks(f.get("attn_mask_torch"), f.get("key_padding_torch"));
      try (AttentionLayer layer = Fixtures.provider().create(Fixtures.config(allocator,
              Map.of("heads", Integer.toString(heads), "scorer", scorer), 0, Optional.of(params)), e, ks[ks.length - 1],
              vs[vs.length - 1]);
           AttentionResult r = batched ? layer.forwardBatch(q, k, v, masks, 1f, true, allocator)
               : layer.forward(q, k, v, masks.get(0), 1f, true, allocator)) {
        assertEquals(str(batched ? new int[] {b, nq, e} : new int[] {nq, e}), str(DenseMatrices.shape(r.output())),
            name + ": output shape");
        assertEquals(str(batched ? ws : new int[] {heads, nq, nk}), str(DenseMatrices.shape(r.weights().orElseThrow())),
            name + ": weights shape");
        float[] out = DenseMatrices.toArray(r.output()), w = DenseMatrices.toArray(r.weights().orElseThrow());
        double[] refOut = Fixtures.doubles(f.get("output")), refW = Fixtures.doubles(f.get("weights"));
        float[] nan = DenseMatrices.toArray(f.get("nan_rows"));
        float[] outBias = params.contains("out_proj.bias") ? DenseMatrices.toArray(params.get("out_proj.bias")) : new float[e];
        int nanRows = 0;
        for (int item = 0; item < b; item++) {
          for (int i = 0; i < nq; i++) {
            boolean torchNan = nan[item * nq + i] != 0;
            nanRows += torchNan ? 1 : 0;
            for (int c = 0; c < e; c++) {
              int at = (item * nq + i) * e + c;
              String where = name + " output item " + item + " row " + i + " col " + c;
              if (torchNan) assertEquals(outBias[c], out[at], 0f, where + ": fully masked, expected out_proj.bias");
              else assertTrue(Tolerances.close(out[at], refOut[at], ATOL, RTOL), where + ": " + out[at] + " vs PyTorch " + refOut[at]);
            }
            for (int h = 0; h < heads; h++) {
              for (int j = 0; j < nk; j++) {
                int at = ((item * heads + h) * nq + i) * nk + j;
                String where = name + " weights item " + item + " head " + h + " row " + i + " key " + j;
                if (torchNan) assertEquals(0f, w[at], 0f, where + ": fully masked, expected 0");
                else assertTrue(Tolerances.close(w[at], refW[at], ATOL, RTOL), where + ": " + w[at] + " vs " + refW[at]);
                if (!masks.get(item).allows(i, j, nq, nk)) assertEquals(0f, w[at], 0f, where + ": masked key, expected exactly 0");
              }
            }
          }
        }
        assertEquals(name.equals("fully-masked") ? 1 : 0, nanRows, name + ": rows PyTorch fills with NaN");
        if (f.contains("dOutput")) checkGradients(name, layer, f, masks, batched, allocator);
      }
    }
  }

  /** Autograd's gradients of L = ⟨dOutput, O⟩; batched cases sum the parameter gradients over items. */
  private static void checkGradients(String name, AttentionLayer layer, ParameterSet f, List<Mask> masks, boolean batched,
      BufferAllocator allocator) {
    FixedSizeListVector q = f.get("query"), k = f.get("keys"), v = f.get("values"), dOut = f.get("dOutput");
    int b = batched ? DenseMatrices.shape(q)[0] : 1;
    float[][] dq = new float[b][], dk = new float[b][], dv = new float[b][];
    java.util.Map<String, double[]> dParams = new java.util.LinkedHashMap<>();
    for (int item = 0; item < b; item++) {
      try (FixedSizeListVector qi = item(q, item, batched, allocator); FixedSizeListVector ki = item(k, item, batched, allocator);
           FixedSizeListVector vi = item(v, item, batched, allocator); FixedSizeListVector di = item(dOut, item, batched, allocator);
           AttentionLayer.Gradients g = layer.backward(qi, ki, vi, masks.get(item), 1f, di, allocator)) {
        dq[item] = DenseMatrices.toArray(g.dQueries());
        dk[item] = DenseMatrices.toArray(g.dKeys());
        dv[item] = DenseMatrices.toArray(g.dValues());
        for (String p : g.dParameters().names()) {
          float[] x = DenseMatrices.toArray(g.dParameters().get(p));
          double[] acc = dParams.computeIfAbsent(p, key -> new double[x.length]);
          for (int i = 0; i < x.length; i++) acc[i] += x[i];
        }
      }
    }
    Tolerances.assertClose(concat(dq), Fixtures.doubles(f.get("dQuery")), ATOL, RTOL, name + " dQuery");
    Tolerances.assertClose(concat(dk), Fixtures.doubles(f.get("dKeys")), ATOL, RTOL, name + " dKeys");
    Tolerances.assertClose(concat(dv), Fixtures.doubles(f.get("dValues")), ATOL, RTOL, name + " dValues");
    assertEquals(layer.parameters().names(), dParams.keySet(), name + ": one gradient per parameter");
    for (var e : dParams.entrySet()) {
      Tolerances.assertClose(e.getValue(), Fixtures.doubles(f.get("d" + e.getKey())), ATOL, RTOL, name + " d" + e.getKey(), 0);
    }
  }

  private static FixedSizeListVector item(FixedSizeListVector v, int item, boolean batched, BufferAllocator allocator) {
    int[] s = DenseMatrices.shape(v);
    int rows = batched ? s[1] : s[0], cols = s[s.length - 1];
    FixedSizeListVector out = DenseMatrices.allocate(allocator, v.getName(), rows, cols);
    long bytes = (long) rows * cols * Float.BYTES;
    MemorySegment.copy(DenseMatrices.segment(v), item * bytes, DenseMatrices.segment(out), 0, bytes);
    return out;
  }

  private static float[] concat(float[][] parts) {
    int n = 0;
    for (float[] p : parts) n += p.length;
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void refusesBiasKAndBiasVByName(BufferAllocator allocator) {
    try (ParameterSet params = MatrixFiles.readParameters(Fixtures.fixture("mha-packed.params.safetensors"), allocator)) {
      params.put("bias_k", DenseMatrices.allocateShaped(allocator, "bias_k", 1, 1, 8));
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> Fixtures.provider().create(Fixtures.config(allocator, Map.of("heads", "2"), 0, Optional.of(params)), 8, 8, 8));
      assertTrue(e.getMessage().startsWith("bias_k: expected no such tensor"), e.getMessage());
    }
  }

  private static String str(int[] s) { return java.util.Arrays.toString(s); }
}
