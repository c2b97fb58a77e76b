package org.attention4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * dα/dε: the closed forms against central differences (float64, tolerance 1e-7 relative to the
 * largest |dα/dε|), against numpy's complex-step derivative (1e-9), and against the scorers' own
 * backward passes (float32 scores, 1e-4); the bilinear slope is constant, the additive one is not.
 */
@WithRootAllocator
class SensitivityTest {
  private static final double TOL_FD = 1e-7;
  private static final double TOL_REFERENCE = 1e-9;
  private static final double TOL_BACKWARD = 1e-4;
  private final Registry registry = Registry.load(List.of());

  private static double[] gaussian(Random r, int n, double sd) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = r.nextGaussian() * sd;
    return x;
  }

  private static double[][] gaussian(Random r, int rows, int cols, double sd) {
    double[][] x = new double[rows][];
    for (int i = 0; i < rows; i++) x[i] = gaussian(r, cols, sd);
    return x;
  }

  private static Sensitivity.Additive randomAdditive(Random r, int h, int d) {
    return new Sensitivity.Additive(gaussian(r, h, d, 0.7), gaussian(r, h, d, 0.7), gaussian(r, h, 1), gaussian(r, h, 0.3));
  }

  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    double scale = 0, err = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      err = Math.max(err, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(err <= tol * Math.max(scale, 1e-12), what + ": max error " + err + " vs scale " + scale);
  }

  @ParameterizedTest @ValueSource(doubles = {-4, -1, -0.1, 0, 0.3, 2, 6})
  void closedFormsMatchCentralDifferences(double eps) {
    Random r = new Random(11);
    int d = 6, n = 7, j = 3;
    double[] q = gaussian(r, d, 1), u = gaussian(r, d, 1);
    double[][] keys = gaussian(r, n, d, 1);
    for (Sensitivity.KeyScore f : List.of(randomAdditive(r, 9, d), new Sensitivity.Bilinear(gaussian(r, d, d, 0.5)))) {
      Sensitivity.Point an = Sensitivity.analytic(f, q, keys, j, u, eps);
      Sensitivity.Point fd = Sensitivity.finiteDifference(f, q, keys, j, u, eps, 1e-5);
      assertClose(an.weightSlopes(), fd.weightSlopes(), TOL_FD, f.getClass().getSimpleName() + " dα/dε at ε = " + eps);
      assertEquals(an.scoreSlope(), fd.scoreSlope(), TOL_FD * Math.max(1, Math.abs(an.scoreSlope())));
      double sum = 0;
      for (double x : an.weightSlopes()) sum += x;
      assertEquals(0, sum, 1e-12, "the weights stay a distribution: Σ dα_i/dε = 0");
    }
  }

  @Test void closedFormsMatchNumpyComplexStep() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/fixtures/sensitivity.json")) {
      root = new ObjectMapper().readTree(in);
    }
    int j = root.get("key").asInt();
    double[] q = vector(root.get("q")), u = vector(root.get("u"));
    double[][] keys = matrix(root.get("keys"));
    JsonNode add = root.get("additive");
    Map<String, Sensitivity.KeyScore> forms = Map.of(
        "additive", new Sensitivity.Additive(matrix(add.get("W_q")), matrix(add.get("W_k")), vector(add.get("v")),
            vector(add.get("b"))),
        "bilinear", new Sensitivity.Bilinear(matrix(root.get("bilinear").get("W"))));
    int checked = 0;
    for (Map.Entry<String, Sensitivity.KeyScore> e : forms.entrySet()) {
      for (JsonNode c : root.get("expected").get(e.getKey())) {
        double eps = c.get("epsilon").asDouble();
        Sensitivity.Point p = Sensitivity.analytic(e.getValue(), q, keys, j, u, eps);
        assertClose(vector(c.get("alpha")), p.weights(), TOL_REFERENCE, e.getKey() + " α at ε = " + eps);
        assertClose(vector(c.get("dalpha")), p.weightSlopes(), TOL_REFERENCE, e.getKey() + " dα/dε at ε = " + eps);
        assertEquals(c.get("ds").asDouble(), p.scoreSlope(), TOL_REFERENCE * Math.max(1, Math.abs(p.scoreSlope())));
        checked++;
      }
    }
    assertEquals(14, checked);
  }

  private Scorer create(String id, int d, Map<String, String> settings, BufferAllocator a) {
    ProviderConfig config = new ProviderConfig(Settings.of(id, settings), 5, a, Optional.empty(), registry.kernels(), registry);
    return registry.require(ScorerProvider.class, id).create(config, d, d);
  }

  @Test void scorersOwnBackwardMatchesTheClosedForms(BufferAllocator allocator) {
    Random r = new Random(3);
    int d = 8, n = 6, j = 1;
    double[] q = gaussian(r, d, 1), u = gaussian(r, d, 1);
    double[][] keys = gaussian(r, n, d, 1);
    try (Scorer additive = create("additive", d, Map.of("h", "12"), allocator);
         Scorer bilinear = create("bilinear", d, Map.of(), allocator)) {
      Sensitivity.KeyScore fa = Sensitivity.Additive.of(additive.parameters());
      Sensitivity.KeyScore fb = Sensitivity.Bilinear.of(bilinear.parameters());
      for (double eps : new double[] {-3, 0, 0.7, 5}) {
        for (var pair : List.of(Map.entry(additive, fa), Map.entry(bilinear, fb))) {
          Sensitivity.Point an = Sensitivity.analytic(pair.getValue(), q, keys, j, u, eps);
          Sensitivity.Point bw = Sensitivity.backward(pair.getKey(), q, keys, j, u, eps, allocator);
          Sensitivity.Point fd = Sensitivity.finiteDifference(pair.getKey(), q, keys, j, u, eps, 1e-2, allocator);
          assertClose(an.weightSlopes(), bw.weightSlopes(), TOL_BACKWARD, "backward at ε = " + eps);
          assertClose(an.weightSlopes(), fd.weightSlopes(), 1e-2, "float32 finite differences at ε = " + eps);
        }
      }
    }
  }

  @ParameterizedTest @ValueSource(strings = {"dot", "scaled-dot", "bilinear", "additive"})
  void anyScorersBackwardMatchesItsFiniteDifferences(String id, BufferAllocator allocator) {
    Random r = new Random(8);
    int d = 4;
    double[] q = gaussian(r, d, 1), u = gaussian(r, d, 1);
    double[][] keys = gaussian(r, 5, d, 1);
    try (Scorer s = create(id, d, id.equals("additive") ? Map.of("h", "6") : Map.of(), allocator)) {
      Sensitivity.Point bw = Sensitivity.backward(s, q, keys, 4, u, 0.5, allocator);
      Sensitivity.Point fd = Sensitivity.finiteDifference(s, q, keys, 4, u, 0.5, 1e-2, allocator);
      assertClose(bw.weightSlopes(), fd.weightSlopes(), 1e-2, id);
    }
  }

  @Test void bilinearSlopeIsConstantAdditiveIsNot() {
    Random r = new Random(21);
    int d = 5;
    double[] q = gaussian(r, d, 1), u = gaussian(r, d, 1);
    double[][] keys = gaussian(r, 4, d, 1);
    Sensitivity.Bilinear bil = new Sensitivity.Bilinear(gaussian(r, d, d, 0.5));
    Sensitivity.Additive add = randomAdditive(r, 8, d);
    double b0 = Sensitivity.analytic(bil, q, keys, 0, u, 0).scoreSlope();
    double aMin = Double.POSITIVE_INFINITY, aMax = Double.NEGATIVE_INFINITY;
    for (double eps = -5; eps <= 5; eps += 0.5) {
      assertEquals(b0, Sensitivity.analytic(bil, q, keys, 0, u, eps).scoreSlope(), 1e-12, "bilinear ds/dε = qᵀWu");
      double a = Sensitivity.analytic(add, q, keys, 0, u, eps).scoreSlope();
      aMin = Math.min(aMin, a);
      aMax = Math.max(aMax, a);
    }
    assertTrue(aMax - aMin > 0.1 * Math.max(Math.abs(aMin), Math.abs(aMax)), "additive ds/dε moves with ε: " + aMin + " .. " + aMax);
    // saturation: a key scaled far out drives every unit to |tanh| ≈ 1, and the slope towards 0
    double[][] far = keys.clone();
    far[0] = keys[0].clone();
    for (int c = 0; c < d; c++) far[0][c] *= 1e3;
    double linear = Math.abs(Sensitivity.analytic(add, q, keys, 0, u, 0).scoreSlope());
    double saturated = Math.abs(Sensitivity.analytic(add, q, far, 0, u, 0).scoreSlope());
    assertTrue(saturated < 1e-6 * Math.max(linear, 1e-300) || saturated < 1e-12, saturated + " vs " + linear);
  }

  @Test void badInputsAreRefusedWithTheArgument() {
    Sensitivity.Bilinear bil = new Sensitivity.Bilinear(new double[][] {{1, 0}, {0, 1}});
    double[][] keys = {{1, 2}, {3, 4}};
    IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
        () -> Sensitivity.analytic(bil, new double[] {1, 1}, keys, 2, new double[] {1, 0}, 0));
    assertEquals("key: expected an index in [0, 2), got 2", key.getMessage());
    IllegalArgumentException dir = assertThrows(IllegalArgumentException.class,
        () -> Sensitivity.analytic(bil, new double[] {1, 1}, keys, 0, new double[] {1, 0, 0}, 0));
    assertEquals("direction: expected 2 entries (= key width), got 3", dir.getMessage());
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> Sensitivity.analytic(bil, new double[] {Double.NaN, 1}, keys, 0, new double[] {1, 0}, 0));
    assertEquals("query: expected finite values, got NaN", nan.getMessage());
    IllegalArgumentException step = assertThrows(IllegalArgumentException.class,
        () -> Sensitivity.finiteDifference(bil, new double[] {1, 1}, keys, 0, new double[] {1, 0}, 0, 0));
    assertEquals("step: expected a finite h > 0, got 0.0", step.getMessage());
  }

  private static double[] vector(JsonNode n) {
    double[] out = new double[n.size()];
    for (int i = 0; i < out.length; i++) out[i] = n.get(i).asDouble();
    return out;
  }

  private static double[][] matrix(JsonNode n) {
    double[][] out = new double[n.size()][];
    for (int i = 0; i < out.length; i++) out[i] = vector(n.get(i));
    return out;
  }
}
