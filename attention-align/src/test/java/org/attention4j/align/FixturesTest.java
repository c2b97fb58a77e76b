package org.attention4j.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.io.LongTensor;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential tests against src/test/python/make_fixtures.py (numpy, float64, explicit loops, on the
 * same float32 inputs): random series, unequal lengths, length 1, constant series, integer series
 * full of ties, bands, both costs.
 *
 * <p>Tolerances: DTW distances, paths, landscape sums, counts, means and τ* are compared
 * <b>exactly</b> (the same float64 operations in the same order); soft-DTW values and expected
 * alignments to {@value #SOFT_RTOL} relative (+ {@value #SOFT_ATOL} absolute, for entries that
 * underflow towards 0), since exp and log may differ by an ulp between Java and numpy; the
 * posterior's margin and entropy to 1e-12 (numpy normalises with a pairwise sum).
 */
@WithRootAllocator
class FixturesTest {
  static final double SOFT_RTOL = 1e-6;
  static final double SOFT_ATOL = 1e-12;

  static Path fixtures() {
    try {
      return Path.of(FixturesTest.class.getResource("/fixtures/expected.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode expected() throws IOException {
    try (InputStream in = Files.newInputStream(fixtures().resolve("expected.json"))) {
      return new ObjectMapper().readTree(in);
    }
  }

  static double[] doubles(JsonNode n) {
    double[] out = new double[n.size()];
    for (int i = 0; i < out.length; i++) out[i] = n.get(i).doubleValue();
    return out;
  }

  static int[] ints(JsonNode n) {
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) out[i] = n.get(i).intValue();
    return out;
  }

  static double[] flatten(JsonNode rows) {
    List<Double> all = new ArrayList<>();
    for (JsonNode r : rows) for (JsonNode v : r) all.add(v.doubleValue());
    return all.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @TestFactory Stream<DynamicTest> everyCaseMatchesTheFloat64Reference(BufferAllocator allocator) throws IOException {
    JsonNode doc = expected();
    assertTrue(doc.get("cases").size() >= 15, "fixture cases: " + doc.get("cases").size());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : doc.get("cases")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c, allocator)));
    }
    return tests.stream();
  }

  private static void check(JsonNode c, BufferAllocator allocator) {
    String name = c.get("name").asText();
    int bandW = c.get("band").asInt();
    Band band = bandW < 0 ? Band.none() : Band.sakoeChiba(bandW);
    CostSpec cost = CostSpec.parse(c.get("cost").asText());
    try (ParameterSet inputs = MatrixFiles.readParameters(fixtures().resolve("inputs.safetensors"), allocator);
         Aligner aligner = Aligner.builder().cost(cost).band(band).build()) {
      FixedSizeListVector x = inputs.get(name + ".x"), y = inputs.get(name + ".y");
      double distance = c.get("distance").doubleValue();

      Alignment a = aligner.align(x, y);
      assertEquals(distance, a.distance(), name + ": distance (exact)");
      LongTensor path = MatrixFiles.readIntegers(fixtures().resolve(c.get("path_file").asText()));
      assertArrayEquals(new int[] {c.get("path_length").asInt(), 2}, path.shape(), name);
      assertArrayEquals(path.values(), a.pathAsInt64(), name + ": path (exact, ties diagonal > up > left)");
      assertEquals(distance, aligner.distance(x, y), name + ": distance-only mode (exact)");
      assertEquals(Math.sqrt(distance), a.distanceSqrt(), name + ": tslearn's sqrt convention");

      Float64Matrix costs = aligner.costMatrix(x, y);
      assertEquals(a, Dtw.align(costs, band), name + ": Dtw over the cost matrix");

      for (JsonNode s : c.get("soft_dtw")) {
        double gamma = s.get("gamma").doubleValue();
        double value = s.get("value").doubleValue();
        String what = name + ", soft-DTW γ=" + gamma;
        assertClose(value, aligner.softDtwValue(x, y, gamma), what + " value");
        assertClose(value, SoftDtw.value(costs, gamma, band), what + " value over the cost matrix");
        if (s.has("expected_alignment")) {
          SoftDtw.Result r = aligner.softDtw(x, y, gamma);
          assertClose(value, r.value(), what + " value with the gradient");
          Tolerances.assertClose(r.expectedAlignment().values(), flatten(s.get("expected_alignment")), SOFT_ATOL, SOFT_RTOL,
              what + " expected alignment", costs.cols());
        }
      }

      JsonNode l = c.get("landscape");
      ShiftLandscape land = aligner.landscape(x, y, l.get("max_shift").asInt());
      assertArrayEquals(ints(l.get("tau")), land.tau(), name + ": tau");
      assertArrayEquals(ints(l.get("count")), land.count(), name + ": count");
      assertArrayEquals(doubles(l.get("sum")), land.sum(), name + ": sum (exact)");
      assertArrayEquals(doubles(l.get("mean")), land.mean(), name + ": mean (exact)");
      assertEquals(l.get("tau_star").asInt(), land.tauStar(), name + ": tau*");
      assertEquals(l.get("max_shift").asInt(), ShiftLandscape.defaultMaxShift(c.get("n").asInt(), c.get("m").asInt()));
      assertArrayEquals(land.mean(), ShiftLandscape.of(costs, land.maxShift()).mean(), name + ": landscape of the matrix");

      JsonNode p = c.get("posterior");
      ShiftPosterior post = land.posterior(p.get("temperature").doubleValue());
      assertEquals(p.get("tau_map").asInt(), post.tauMap(), name + ": tau_map");
      assertEquals(p.get("margin").doubleValue(), post.margin(), 1e-12, name + ": margin");
      assertEquals(p.get("entropy").doubleValue(), post.entropy(), 1e-12, name + ": entropy");
    }
  }

  static void assertClose(double expected, double actual, String what) {
    assertTrue(Tolerances.close(actual, expected, SOFT_ATOL, SOFT_RTOL),
        what + ": expected " + expected + " within " + SOFT_RTOL + " relative, got " + actual);
  }
}
