package org.attention4j.graph;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.SplittableRandom;
import org.apiguardian.api.API;

/**
 * A seeded stochastic block model with class-dependent features and a homophily knob. Node i is in
 * class i mod C. Each of the E = n·d̄/2 undirected edges picks a uniform node u, then with
 * probability h (the homophily) a uniform other node of u's class, else a uniform node of another
 * class; so the expected edge homophily is h (h = 1/C: no block structure; h &lt; 1/C:
 * heterophilous). Duplicate pairs are merged by {@link Graph}. Features: x_i = μ_{y_i} + ε with
 * class means μ_c ~ N(0, (s²/F)·I) and ε ~ N(0, I), so the signal-to-noise ratio is set by s (the
 * root-mean-square distance of a mean from the origin). O(n·F + E) time.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class StochasticBlockModel {
  private int nodes = 400;
  private int classes = 4;
  private double averageDegree = 8;
  private double homophily = 0.8;
  private int featureDim = 16;
  private double featureSignal = 1.0;
  private long seed;

  private StochasticBlockModel() {}

  public static StochasticBlockModel builder() { return new StochasticBlockModel(); }

  public StochasticBlockModel nodes(int n) {
    if (n < 2) throw new IllegalArgumentException("nodes: expected at least 2, got " + n);
    this.nodes = n;
    return this;
  }

  public StochasticBlockModel classes(int c) {
    if (c < 2) throw new IllegalArgumentException("classes: expected at least 2, got " + c);
    this.classes = c;
    return this;
  }

  public StochasticBlockModel averageDegree(double d) {
    if (!(d > 0 && Double.isFinite(d))) throw new IllegalArgumentException("averageDegree: expected a number > 0, got " + d);
    this.averageDegree = d;
    return this;
  }

  public StochasticBlockModel homophily(double h) {
    if (!(h >= 0 && h <= 1)) throw new IllegalArgumentException("homophily: expected a fraction in [0, 1], got " + h);
    this.homophily = h;
    return this;
  }

  public StochasticBlockModel featureDim(int f) {
    if (f < 1) throw new IllegalArgumentException("featureDim: expected at least 1, got " + f);
    this.featureDim = f;
    return this;
  }

  public StochasticBlockModel featureSignal(double s) {
    if (!(s >= 0 && Double.isFinite(s))) throw new IllegalArgumentException("featureSignal: expected a number >= 0, got " + s);
    this.featureSignal = s;
    return this;
  }

  public StochasticBlockModel seed(long s) {
    this.seed = s;
    return this;
  }

  /** Draws the graph, features and labels. */
  public GraphData generate() {
    if (nodes < 2L * classes) {
      throw new IllegalArgumentException("nodes: expected at least 2 per class (" + (2 * classes) + "), got " + nodes);
    }
    long edges = Math.round(nodes * averageDegree / 2);
    if (edges > Integer.MAX_VALUE / 2 - nodes) throw new IllegalArgumentException("averageDegree: expected fewer edges, got " + edges);
    SplittableRandom random = new SplittableRandom(seed);
    int[] labels = new int[nodes];
    for (int i = 0; i < nodes; i++) labels[i] = i % classes;
    int[] src = new int[(int) edges], dst = new int[(int) edges];
    for (int e = 0; e < edges; e++) {
      int u = random.nextInt(nodes), v;
      int cu = labels[u];
      do {
        int c = cu;
        if (random.nextDouble() >= homophily) c = (cu + 1 + random.nextInt(classes - 1)) % classes;
        v = member(c, random);
      } while (v == u);
      src[e] = u;
      dst[e] = v;
    }
    float[] means = new float[classes * featureDim];
    double scale = featureSignal / Math.sqrt(featureDim);
    for (int k = 0; k < means.length; k++) means[k] = (float) (scale * gaussian(random));
    float[] x = new float[nodes * featureDim];
    for (int i = 0; i < nodes; i++) {
      for (int f = 0; f < featureDim; f++) x[i * featureDim + f] = means[labels[i] * featureDim + f] + (float) gaussian(random);
    }
    String name = String.format(java.util.Locale.ROOT, "sbm(n=%d, C=%d, d=%.3g, h=%.3g)", nodes, classes, averageDegree,
        homophily);
    return new GraphData(name, nodes, src, dst, x, featureDim, labels, classes);
  }

  /** A uniform node of class c (nodes c, c + C, c + 2C, … below n). */
  private int member(int c, SplittableRandom random) {
    int count = (nodes - c + classes - 1) / classes;
    return c + classes * random.nextInt(count);
  }

  /** Box–Muller (one value per call; simple and exactly reproducible). */
  private static double gaussian(SplittableRandom r) {
    double u1 = 1 - r.nextDouble(), u2 = r.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
  }
}
