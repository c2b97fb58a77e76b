package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attend --layer multihead} against PyTorch 1.13.1: the committed files in
 * {@code src/test/resources/multihead/} (written by attention-multihead's
 * {@code src/test/python/make_fixtures.py}) hold a {@code torch.nn.MultiheadAttention} with
 * embed_dim 8, 2 heads, kdim 6, vdim 4 and biases, saved as safetensors under PyTorch's names,
 * batched inputs [2, n, d], a per-item boolean attn_mask and key padding in PyTorch's polarity, and
 * PyTorch's output [2, 3, 8] and per-head weights [2, 2, 3, 5] (batch_first=True,
 * average_attn_weights=False). Tolerance 1e-5 + 1e-5·|ref|.
 */
@WithRootAllocator
class AttendMultiheadTest {
  static final Path FIXTURES = Path.of("src/test/resources/multihead");

  @TempDir Path dir;

  private static String fixture(String file) {
    Path p = FIXTURES.resolve(file);
    assertTrue(Files.isRegularFile(p), p + ": expected a committed fixture");
    return p.toString();
  }

  private List<String> attend(String params) {
    return new ArrayList<>(List.of("attend", "--layer", "multihead", "--heads", "2", "--scorer", "scaled-dot", "--params", params,
        "--query", fixture("query.npy"), "--keys", fixture("keys.npy"), "--values", fixture("values.npy"),
        "--mask", fixture("mask.npy"), "--key-padding", fixture("key_padding.npy"), "--mask-convention", "torch",
        "--out", dir.resolve("o.npy").toString(), "--weights", dir.resolve("w.npy").toString()));
  }

  @Test void matchesPyTorchOutputAndPerHeadWeights(BufferAllocator allocator) throws Exception {
    List<String> args = attend(fixture("params.safetensors"));
    args.add("--json");
    CliTest.Run r = CliTest.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals("multihead", doc.get("layer").asText());
    assertEquals("[2,3,8]", doc.get("shapes").get("output").toString());
    assertEquals("[2,2,3,5]", doc.get("shapes").get("weights").toString());
    try (FixedSizeListVector o = MatrixFiles.readMatrix(dir.resolve("o.npy"), allocator);
         FixedSizeListVector w = MatrixFiles.readMatrix(dir.resolve("w.npy"), allocator);
         FixedSizeListVector refO = MatrixFiles.readMatrix(Path.of(fixture("output.npy")), allocator);
         FixedSizeListVector refW = MatrixFiles.readMatrix(Path.of(fixture("weights.npy")), allocator)) {
      assertArrayEquals(DenseMatrices.shape(refO), DenseMatrices.shape(o), "output shape");
      assertArrayEquals(DenseMatrices.shape(refW), DenseMatrices.shape(w), "weights shape");
      Tolerances.assertClose(o, toDouble(refO), Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL, "output vs PyTorch");
      Tolerances.assertClose(w, toDouble(refW), Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL, "weights vs PyTorch");
    }
  }

  /** Without --mask-convention torch the same files mean the opposite keys: the weights no longer match. */
  @Test void ourMaskPolarityReadsTheFilesTheOtherWayRound(BufferAllocator allocator) {
    List<String> args = attend(fixture("params.safetensors"));
    args.removeAll(List.of("--mask-convention", "torch"));
    CliTest.Run r = CliTest.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    try (FixedSizeListVector w = MatrixFiles.readMatrix(dir.resolve("w.npy"), allocator);
         FixedSizeListVector refW = MatrixFiles.readMatrix(Path.of(fixture("weights.npy")), allocator)) {
      assertTrue(!Tolerances.compare(DenseMatrices.toArray(w), toDouble(refW), Tolerances.FLOAT32_ATOL,
          Tolerances.FLOAT32_RTOL).passed(), "inverted masks must select other keys");
    }
  }

  @Test void refusesBiasKByName(BufferAllocator allocator) {
    Path withBiasK = dir.resolve("bias_k.safetensors");
    try (ParameterSet p = MatrixFiles.readParameters(Path.of(fixture("params.safetensors")), allocator)) {
      p.put("bias_k", DenseMatrices.allocateShaped(allocator, "bias_k", 1, 1, 8));
      MatrixFiles.writeParameters(withBiasK, p);
    }
    CliTest.Run r = CliTest.run(attend(withBiasK.toString()).toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("bias_k: expected no such tensor"), r.err());
  }

  @Test void refusesHeadsThatDoNotDivideEmbedDim() {
    List<String> args = attend(fixture("params.safetensors"));
    args.set(args.indexOf("--heads") + 1, "3");
    CliTest.Run r = CliTest.run(args.toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("heads: expected a divisor of embed_dim 8"), r.err());
  }

  @Test void additiveHeadsFromTheSeedWriteOneWeightSlabPerHead(BufferAllocator allocator) {
    CliTest.Run r = CliTest.run("attend", "--layer", "multihead", "--heads", "4", "--scorer", "additive", "--set", "h=5",
        "--query", fixture("query.npy"), "--keys", fixture("keys.npy"), "--values", fixture("values.npy"),
        "--out", dir.resolve("o.npy").toString(), "--weights", dir.resolve("w.npy").toString());
    assertEquals(0, r.code(), r.err());
    try (FixedSizeListVector w = MatrixFiles.readMatrix(dir.resolve("w.npy"), allocator)) {
      assertArrayEquals(new int[] {2, 4, 3, 5}, DenseMatrices.shape(w));
      for (float[] row : DenseMatrices.toRows(w)) {
        double s = 0;
        for (float x : row) s += x;
        assertEquals(1.0, s, 1e-5, "each head's row sums to 1");
      }
    }
  }

  private static double[] toDouble(FixedSizeListVector v) {
    float[] f = DenseMatrices.toArray(v);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }
}
