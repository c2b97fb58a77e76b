package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.io.MaskData;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code attend} end to end against numpy: every scorer × normalizer × configuration of the
 * committed fixtures in {@code src/test/resources/attend/} (written by
 * {@code src/test/python/make_attend_fixtures.py}; see there for the inputs, the parameters written
 * by numpy and the float64 references). Each case runs the command line in-process
 * ({@link Main#run}, as {@code ./attention4j attend} does) on the fixture files and reads back the
 * {@code .npy} output and weights it wrote.
 *
 * <p>Tolerance: {@code |a − b| ≤ 1e-5 + 1e-5·|b|} ({@link Tolerances#FLOAT32_ATOL},
 * {@link Tolerances#FLOAT32_RTOL}) for outputs and weights; the weights are zero exactly where the
 * reference is zero and non-zero where it is not (the references keep every allowed entry at least
 * 1e-4, in units of s / T, from its sparse support threshold, far above the float32 rounding of a
 * score); the fully masked row of {@code mask.npy} has exactly zero weights and output. The float64
 * references are read with the api's reader, which rounds them to float32: at most 2⁻²⁴ ≈ 6e-8
 * relative, under 1% of the relative tolerance, and zeros stay zero.
 */
@WithRootAllocator
class AttendFixturesTest {
  /** The committed fixtures (Surefire runs in the module's folder). */
  static final Path FIXTURES = Path.of("src/test/resources/attend");
  static final List<String> SCORERS = List.of("additive", "bilinear", "dot", "scaled-dot");
  static final List<String> NORMALIZERS = List.of("softmax", "sparsemax", "entmax15");
  static final List<String> CONFIGS = List.of("none", "mask", "causal", "t0_5", "t2");
  static final int EMPTY_ROW = 2;

  @TempDir Path dir;

  static Stream<Arguments> everyCase() {
    List<Arguments> out = new ArrayList<>();
    for (String s : SCORERS) for (String n : NORMALIZERS) for (String c : CONFIGS) out.add(Arguments.of(s, n, c));
    return out.stream();
  }

  private static String fixture(String scorer, String file) {
    Path p = FIXTURES.resolve(scorer).resolve(file);
    assertTrue(Files.isRegularFile(p), p + ": expected a committed fixture (run src/test/python/make_attend_fixtures.py)");
    return p.toString();
  }

  /** {@code attend} for one case: the scorer's inputs, its parameter file if it has one, the configuration's option. */
  private List<String> attend(String scorer, String normalizer, String config) {
    List<String> args = new ArrayList<>(List.of("attend", "--scorer", scorer, "--normalizer", normalizer));
    if (Files.exists(FIXTURES.resolve(scorer).resolve("params.safetensors"))) {
      args.addAll(List.of("--params", fixture(scorer, "params.safetensors")));
    }
    switch (config) {
      case "none" -> { }
      case "mask" -> args.addAll(List.of("--mask", fixture(scorer, "mask.npy")));
      case "causal" -> args.add("--causal");
      case "t0_5" -> args.addAll(List.of("--temperature", "0.5"));
      case "t2" -> args.addAll(List.of("--temperature", "2"));
      default -> throw new IllegalArgumentException("config: expected one of " + CONFIGS + ", got " + config);
    }
    args.addAll(List.of("--query", fixture(scorer, "q.npy"), "--keys", fixture(scorer, "k.npy"), "--values",
        fixture(scorer, "v.npy"), "--out", dir.resolve("o.npy").toString(), "--weights", dir.resolve("w.npy").toString()));
    return args;
  }

  @ParameterizedTest(name = "{0} {1} {2}") @MethodSource("everyCase")
  void attendMatchesNumpy(String scorer, String normalizer, String config, BufferAllocator allocator) {
    CliTest.Run r = CliTest.run(attend(scorer, normalizer, config).toArray(String[]::new));
    String at = scorer + " " + normalizer + " " + config;
    assertEquals(0, r.code(), at + ": " + r.err());
    assertEquals("", r.err().strip(), at + ": nothing on stderr");
    String ref = normalizer + "_" + config + "_";
    try (FixedSizeListVector o = MatrixFiles.readMatrix(dir.resolve("o.npy"), allocator);
         FixedSizeListVector w = MatrixFiles.readMatrix(dir.resolve("w.npy"), allocator);
         FixedSizeListVector refO = MatrixFiles.readMatrix(Path.of(fixture(scorer, ref + "output.npy")), allocator);
         FixedSizeListVector refW = MatrixFiles.readMatrix(Path.of(fixture(scorer, ref + "weights.npy")), allocator)) {
      assertArrayEquals(DenseMatrices.shape(refO), DenseMatrices.shape(o), at + ": output shape");
      assertArrayEquals(DenseMatrices.shape(refW), DenseMatrices.shape(w), at + ": weights shape");
      Tolerances.assertClose(o, toDouble(refO), Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL, at + " output");
      Tolerances.assertClose(w, toDouble(refW), Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL, at + " weights");
      float[] got = DenseMatrices.toArray(w), expected = DenseMatrices.toArray(refW);
      int nk = DenseMatrices.cols(w);
      for (int e = 0; e < got.length; e++) {
        String where = at + " weights (row " + e / nk + ", col " + e % nk + ")";
        if (expected[e] == 0) assertEquals(0f, got[e], where + ": expected exactly 0 as numpy");
        else assertTrue(got[e] != 0, where + ": expected non-zero as numpy (" + expected[e] + "), got 0");
      }
      if (config.equals("mask")) {
        assertArrayEquals(new float[nk], DenseMatrices.toRows(w)[EMPTY_ROW], at + ": the fully masked row's weights");
        assertArrayEquals(new float[DenseMatrices.cols(o)], DenseMatrices.toRows(o)[EMPTY_ROW], at + ": the fully masked row's output");
      }
    }
  }

  private static double[] toDouble(FixedSizeListVector v) {
    float[] f = DenseMatrices.toArray(v);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  /** --key-padding AND --causal selects the same keys as the equivalent --mask file: identical files. */
  @Test void keyPaddingAndCausalEqualTheEquivalentMask(BufferAllocator allocator) throws Exception {
    MaskData m = MatrixFiles.readMask(Path.of(fixture("additive", "mask.npy")));
    int nq = m.shape()[0], nk = m.shape()[1];
    long[] padding = new long[nk], combined = new long[nq * nk];
    for (int j = 0; j < nk; j++) padding[j] = j % 4 == 1 ? 0 : 1;                // keys 1 and 5 are padding
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) combined[i * nk + j] = padding[j] == 1 && j <= i + (nk - nq) ? 1 : 0;
    }
    MatrixFiles.writeIntegers(dir.resolve("kp.npy"), padding, nk);
    MatrixFiles.writeIntegers(dir.resolve("m.npy"), combined, nq, nk);
    for (String normalizer : NORMALIZERS) {
      List<String> a = attend("additive", normalizer, "none"), b = new ArrayList<>(a);
      a.addAll(List.of("--key-padding", dir.resolve("kp.npy").toString(), "--causal"));
      CliTest.Run ra = CliTest.run(a.toArray(String[]::new));
      assertEquals(0, ra.code(), ra.err());
      Files.move(dir.resolve("o.npy"), dir.resolve("o-kp.npy"), StandardCopyOption.REPLACE_EXISTING);
      Files.move(dir.resolve("w.npy"), dir.resolve("w-kp.npy"), StandardCopyOption.REPLACE_EXISTING);
      b.addAll(List.of("--mask", dir.resolve("m.npy").toString()));
      CliTest.Run rb = CliTest.run(b.toArray(String[]::new));
      assertEquals(0, rb.code(), rb.err());
      assertArrayEquals(Files.readAllBytes(dir.resolve("o.npy")), Files.readAllBytes(dir.resolve("o-kp.npy")), normalizer + " output");
      assertArrayEquals(Files.readAllBytes(dir.resolve("w.npy")), Files.readAllBytes(dir.resolve("w-kp.npy")), normalizer + " weights");
      try (FixedSizeListVector w = MatrixFiles.readMatrix(dir.resolve("w.npy"), allocator)) {
        for (int i = 0; i < nq; i++) assertEquals(0f, DenseMatrices.get(w, i, 1), normalizer + ": padding key 1, query " + i);
      }
    }
  }

  // --- parameter files that do not fit: exit 2, one line naming the tensor, or listing the expected names

  private CliTest.Run attendWith(String scorer, ParameterSet params) {
    Path file = dir.resolve("bad.safetensors");
    MatrixFiles.writeParameters(file, params);
    List<String> args = attend(scorer, "softmax", "none");
    int at = args.indexOf("--params");
    if (at >= 0) args.set(at + 1, file.toString());
    else args.addAll(List.of("--params", file.toString()));
    return CliTest.run(args.toArray(String[]::new));
  }

  private static void assertOneLine(String expected, CliTest.Run r) {
    assertEquals(2, r.code(), r.err());
    assertEquals("attention4j attend: " + expected, r.err().strip(), "stderr");
    assertEquals("", r.out(), "stdout");
  }

  @Test void aWrongParameterShapeNamesTheTensorExpectedAndActualShape(BufferAllocator allocator) {
    try (ParameterSet p = new ParameterSet().put("W", DenseMatrices.allocate(allocator, "W", 4, 5))) {
      assertOneLine("W: expected shape [5, 4], got [4, 5]", attendWith("bilinear", p));
    }
    try (ParameterSet p = new ParameterSet().put("W_q", DenseMatrices.allocate(allocator, "W_q", 7, 5))
        .put("W_k", DenseMatrices.allocate(allocator, "W_k", 7, 5))
        .put("v", DenseMatrices.allocateShaped(allocator, "v", 7))) {
      assertOneLine("W_k: expected shape [7, 4], got [7, 5]", attendWith("additive", p));
    }
    try (ParameterSet p = new ParameterSet().put("W_q", DenseMatrices.allocate(allocator, "W_q", 7, 5))
        .put("W_k", DenseMatrices.allocate(allocator, "W_k", 7, 4))
        .put("v", DenseMatrices.allocate(allocator, "v", 7, 1))) {
      assertOneLine("v: expected shape [7], got [7, 1]", attendWith("additive", p));
    }
  }

  @Test void aMissingOrUnknownTensorListsTheExpectedNames(BufferAllocator allocator) {
    String additive = "W_q [7, 5], W_k [7, 4], v [7], b [7] (optional)";
    try (ParameterSet p = new ParameterSet().put("W_q", DenseMatrices.allocate(allocator, "W_q", 7, 5))
        .put("W_k", DenseMatrices.allocate(allocator, "W_k", 7, 4))) {
      assertOneLine("parameters: missing tensor 'v'; expected " + additive, attendWith("additive", p));
    }
    try (ParameterSet p = new ParameterSet().put("w_q", DenseMatrices.allocate(allocator, "w_q", 7, 5))
        .put("W_k", DenseMatrices.allocate(allocator, "W_k", 7, 4))
        .put("v", DenseMatrices.allocateShaped(allocator, "v", 7))) {
      assertOneLine("parameters: unknown tensor 'w_q'; expected " + additive, attendWith("additive", p));
    }
    try (ParameterSet p = new ParameterSet()) {
      assertOneLine("parameters: missing tensor 'W'; expected W [5, 4]", attendWith("bilinear", p));
    }
    try (ParameterSet p = new ParameterSet().put("W", DenseMatrices.allocate(allocator, "W", 5, 4))
        .put("U", DenseMatrices.allocate(allocator, "U", 5, 4))) {
      assertOneLine("parameters: unknown tensor 'U'; expected W [5, 4]", attendWith("bilinear", p));
    }
    try (ParameterSet p = new ParameterSet().put("V", DenseMatrices.allocate(allocator, "V", 5, 4))) {
      assertOneLine("parameters: unknown tensor 'V'; expected W [5, 4]", attendWith("bilinear", p));
    }
    try (ParameterSet p = new ParameterSet().put("W", DenseMatrices.allocate(allocator, "W", 4, 4))) {
      assertOneLine("parameters: expected none (dot has no parameters), got [W]", attendWith("dot", p));
    }
  }
}
