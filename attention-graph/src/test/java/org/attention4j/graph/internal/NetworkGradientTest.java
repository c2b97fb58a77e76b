package org.attention4j.graph.internal;

import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.graph.Graph;
import org.attention4j.graph.Providers;
import org.attention4j.testkit.GradientCheck;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The analytic backward of every layer kind (two layers, two heads, concat then mean, ELU, feature
 * and attention dropout with fixed masks) against central differences of the forward pass, for
 * every parameter tensor and the input features.
 */
@WithRootAllocator
class NetworkGradientTest {
  static Stream<Arguments> kinds() {
    return Stream.of(Arguments.of(Kind.GAT, "dot"), Arguments.of(Kind.GATV2, "dot"),
        Arguments.of(Kind.GCN, "dot"), Arguments.of(Kind.DOT, "dot"),
        Arguments.of(Kind.DOT, "bilinear"), Arguments.of(Kind.DOT, "additive"));
  }

  /** A small graph: a ring of 7 with two chords, one node with only its self-loop, undirected. */
  static Csr graph() {
    int[] src = {0, 1, 2, 3, 4, 5, 6, 0, 2};
    int[] dst = {1, 2, 3, 4, 5, 6, 0, 3, 5};
    Graph g = Graph.fromEdges(8, src, dst, false, true);
    return new Csr(g.nodes(), g.offsets(), g.sources(), g.targets());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("kinds")
  void backwardMatchesCentralDifferences(Kind kind, String scorer, BufferAllocator allocator) {
    Csr g = graph();
    int n = g.nodes(), f = 3, classes = 3;
    Random r = new Random(11);
    float[] x = new float[n * f];
    for (int k = 0; k < x.length; k++) x[k] = (float) r.nextGaussian();
    Network.Spec spec = new Network.Spec(kind, f, 3, 2, classes, 2, 2, 0.3, 0.3, scorer);
    try (Network net = Network.create(spec, Providers.config(allocator, Map.of("h", "4")), 5)) {
      Map<String, float[]> p = net.values();
      for (float[] v : p.values()) for (int k = 0; k < v.length; k++) v[k] += (float) (0.3 * r.nextGaussian()); // non-zero biases too
      float[] cot = new float[n * classes];
      for (int k = 0; k < cot.length; k++) cot[k] = (float) r.nextGaussian();
      long dropSeed = 99;
      Network.Pass pass = net.forward(g, x, p, true, dropSeed);
      Map<String, float[]> grads = net.zeroGradients();
      float[] dx = net.backward(g, pass, cot, p, grads);
      GradientCheck check = GradientCheck.defaults().tolerance(2e-3, 2e-2);
      for (String name : p.keySet()) {
        float[] base = p.get(name);
        check.check(kind + "/" + scorer + " d" + name, grads.get(name), theta -> {
          float[] saved = p.get(name);
          float[] t = new float[theta.length];
          for (int k = 0; k < t.length; k++) t[k] = (float) theta[k];
          p.put(name, t);
          try {
            return dot(cot, net.forward(g, x, p, true, dropSeed).logits());
          } finally {
            p.put(name, saved);
          }
        }, toDouble(base));
      }
      check.check(kind + "/" + scorer + " dx", dx, xs -> {
        float[] t = new float[xs.length];
        for (int k = 0; k < t.length; k++) t[k] = (float) xs[k];
        return dot(cot, net.forward(g, t, p, true, dropSeed).logits());
      }, toDouble(x));
    }
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) s += (double) a[k] * b[k];
    return s;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int k = 0; k < a.length; k++) d[k] = a[k];
    return d;
  }
}
