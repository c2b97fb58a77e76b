package org.attention4j.align;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import java.util.Objects;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.align.internal.CostRows;
import org.attention4j.align.internal.DtwRecursion;
import org.attention4j.align.internal.Landscapes;
import org.attention4j.align.internal.ScorerCost;
import org.attention4j.align.internal.SeriesCost;
import org.attention4j.align.internal.SoftDtwRecursion;
import org.attention4j.align.internal.Window;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * Aligns two series x [n, d] and y [m, d] (dense float32 Arrow matrices, one time step per row; a
 * 1-D array read as [n, 1] is a univariate series): the DTW distance and path, soft-DTW value,
 * gradient and divergence, and the energy landscape over global shifts.
 *
 * <pre>{@code
 * try (Aligner aligner = Aligner.builder().cost(CostSpec.SQEUCLIDEAN).band(Band.sakoeChiba(8)).build()) {
 *   Alignment a = aligner.align(x, y);                  // distance + path
 *   ShiftLandscape e = aligner.landscape(x, y);         // E(τ), τ*
 * }
 * }</pre>
 *
 * <p><b>Costs.</b> {@code sqeuclidean} and {@code abs} are computed in float64 from the float32
 * inputs, so distances equal a float64 reference on the same inputs exactly. {@code scorer:ID}
 * creates the scorer through the registry ({@code providers.lookup()}) with d_q = d_k = d, on the
 * first call, and uses C = −s; its float32 rows go through the registry's
 * {@code Kernels.dtwRow}. Scores are computed in row blocks from {@code providers.allocator()}.
 *
 * <p><b>Memory.</b> {@link #distance} and {@link #softDtwValue} need O(n + m) memory (two rows of the
 * recursion; no n × m table), whatever the size. {@link #align} keeps one byte per cell inside the
 * band and refuses more than {@link Dtw#MAX_PATH_CELLS}; {@link #softDtw} keeps 16 bytes per cell
 * and refuses more than {@link SoftDtw#MAX_GRADIENT_CELLS}; {@link #costMatrix} keeps 8.
 *
 * <p>Inputs are checked (shape, equal widths, at least one row, finite values) and never closed.
 * An aligner is not thread-safe; close it to release a scorer it created.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Aligner implements AutoCloseable {
  private final CostSpec cost;
  private final Band band;
  private final ProviderConfig providers;
  private Scorer scorer;
  private int scorerDim = -1;
  private boolean closed;

  private Aligner(CostSpec cost, Band band, ProviderConfig providers) {
    this.cost = cost;
    this.band = band;
    this.providers = providers;
  }

  /** A builder: squared Euclidean cost and no band unless told otherwise. */
  public static Builder builder() { return new Builder(); }

  /**
   * Configures an {@link Aligner}.
   *
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private CostSpec cost = CostSpec.SQEUCLIDEAN;
    private Band band = Band.none();
    private ProviderConfig providers;

    private Builder() {}

    /** The local cost (default {@link CostSpec#SQEUCLIDEAN}). */
    public Builder cost(CostSpec spec) {
      this.cost = Objects.requireNonNull(spec, "cost");
      return this;
    }

    /** The band for DTW and soft-DTW (default {@link Band#none()}); the landscape ignores it. */
    public Builder band(Band b) {
      this.band = Objects.requireNonNull(b, "band");
      return this;
    }

    /**
     * What a {@code scorer:ID} cost is created with: the registry ({@code lookup}), the kernels, the
     * scorer's settings, seed and parameters, and the allocator its scores come from. Needed only for
     * scorer costs.
     */
    public Builder providers(ProviderConfig config) {
      this.providers = Objects.requireNonNull(config, "providers");
      return this;
    }

    /** The aligner; a scorer cost without {@link #providers} is refused. */
    public Aligner build() {
      if (cost.isScorer() && providers == null) {
        throw new IllegalArgumentException("providers: expected a ProviderConfig (registry, allocator) for cost " + cost
            + ", got none");
      }
      return new Aligner(cost, band, providers);
    }
  }

  /** The local cost. */
  public CostSpec cost() { return cost; }

  /** The band of DTW and soft-DTW. */
  public Band band() { return band; }

  /** The DTW distance Σ C along the optimal path, in O(n + m) memory at any size. */
  public double distance(FixedSizeListVector x, FixedSizeListVector y) {
    Inputs in = inputs(x, y);
    Window w = band.window(in.n, in.m);
    try (CostRows rows = rows(in, w)) {
      return Dtw.requirePath(DtwRecursion.distance(rows, w, kernels()), w, band);
    }
  }

  /** The DTW distance and the optimal path; refused above {@link Dtw#MAX_PATH_CELLS} cells in the band. */
  public Alignment align(FixedSizeListVector x, FixedSizeListVector y) {
    Inputs in = inputs(x, y);
    Window w = band.window(in.n, in.m);
    Dtw.checkPathCells(w, band);
    try (CostRows rows = rows(in, w)) {
      DtwRecursion.Result r = DtwRecursion.path(rows, w, kernels());
      if (r == null) throw Dtw.noPath(w, band);
      return new Alignment(r.distance(), r.rows(), r.cols());
    }
  }

  /** The soft-DTW value at smoothing {@code gamma} &gt; 0, in O(n + m) memory at any size. */
  public double softDtwValue(FixedSizeListVector x, FixedSizeListVector y, double gamma) {
    SoftDtw.checkGamma(gamma);
    Inputs in = inputs(x, y);
    Window w = band.window(in.n, in.m);
    try (CostRows rows = rows(in, w)) {
      return Dtw.requirePath(SoftDtwRecursion.value(rows, w, gamma), w, band);
    }
  }

  /** The soft-DTW value and its gradient with respect to the costs, the expected alignment matrix. */
  public SoftDtw.Result softDtw(FixedSizeListVector x, FixedSizeListVector y, double gamma) {
    SoftDtw.checkGamma(gamma);
    Inputs in = inputs(x, y);
    SoftDtw.checkGradientCells(in.n, in.m);
    Window w = band.window(in.n, in.m);
    try (CostRows rows = rows(in, w)) {
      SoftDtwRecursion.Gradient g = SoftDtwRecursion.gradient(rows, w, gamma);
      Dtw.requirePath(g.value(), w, band);
      return new SoftDtw.Result(g.value(), new Float64Matrix(in.n, in.m, g.expectedAlignment()));
    }
  }

  /**
   * The soft-DTW divergence {@code sdtw(x, y) − ½(sdtw(x, x) + sdtw(y, y))}: 0 for identical series,
   * and unlike the value it does not reward a series for matching itself badly.
   */
  public double softDtwDivergence(FixedSizeListVector x, FixedSizeListVector y, double gamma) {
    double xy = softDtwValue(x, y, gamma);
    double xx = softDtwValue(x, x, gamma);
    double yy = softDtwValue(y, y, gamma);
    return xy - 0.5 * (xx + yy);
  }

  /** The landscape over |τ| ≤ ⌊min(n, m)/4⌋. */
  public ShiftLandscape landscape(FixedSizeListVector x, FixedSizeListVector y) {
    Inputs in = inputs(x, y);
    return landscape(x, y, Landscapes.defaultMaxShift(in.n, in.m));
  }

  /** The landscape over |τ| ≤ {@code maxShift}, which must be in [0, min(n, m) − 1]. */
  public ShiftLandscape landscape(FixedSizeListVector x, FixedSizeListVector y, int maxShift) {
    Inputs in = inputs(x, y);
    ShiftLandscape.checkMaxShift(maxShift, in.n, in.m, "maxShift");
    try (CostRows rows = rows(in, Window.of(in.n, in.m, -1))) {
      return ShiftLandscape.from(Landscapes.compute(rows, maxShift));
    }
  }

  /** The full local cost matrix C [n, m] (e.g. for a figure); refused above {@link SoftDtw#MAX_GRADIENT_CELLS}. */
  public Float64Matrix costMatrix(FixedSizeListVector x, FixedSizeListVector y) {
    Inputs in = inputs(x, y);
    long cells = (long) in.n * in.m;
    if (cells > SoftDtw.MAX_GRADIENT_CELLS) {
      throw new IllegalArgumentException("cost matrix: expected at most " + SoftDtw.MAX_GRADIENT_CELLS + " cells, got "
          + cells + " (" + in.n + " x " + in.m + ")");
    }
    double[] out = new double[(int) cells], row = new double[in.m];
    try (CostRows rows = rows(in, Window.of(in.n, in.m, -1))) {
      for (int i = 0; i < in.n; i++) {
        rows.row(i, 0, in.m, row);
        System.arraycopy(row, 0, out, i * in.m, in.m);
      }
    }
    return new Float64Matrix(in.n, in.m, out);
  }

  /** Closes the scorer this aligner created, if any. Idempotent. */
  @Override public void close() {
    closed = true;
    if (scorer != null) {
      Scorer s = scorer;
      scorer = null;
      s.close();
    }
  }

  // ---- internals ---------------------------------------------------------------------------------

  private record Inputs(FixedSizeListVector x, FixedSizeListVector y, int n, int m, int d) {}

  private Inputs inputs(FixedSizeListVector x, FixedSizeListVector y) {
    if (closed) throw new IllegalStateException("aligner: expected an open aligner, got a closed one");
    int d = requireSeries(x, "x");
    int dy = requireSeries(y, "y");
    if (dy != d) throw new IllegalArgumentException("y: expected " + d + " columns (= x), got " + dy);
    return new Inputs(x, y, DenseMatrices.rows(x), DenseMatrices.rows(y), d);
  }

  private static int requireSeries(FixedSizeListVector v, String argument) {
    DenseMatrices.require(v, argument, -1);
    int[] shape = DenseMatrices.shape(v);
    if (shape.length > 2) {
      throw new IllegalArgumentException(argument + ": expected a series [n, d] (or [n]), got shape " + Arrays.toString(shape));
    }
    if (DenseMatrices.rows(v) < 1) throw new IllegalArgumentException(argument + ": expected at least one row, got 0");
    if (DenseMatrices.cols(v) < 1) throw new IllegalArgumentException(argument + ": expected at least one column, got 0");
    DenseMatrices.requireFinite(v, argument);
    return DenseMatrices.cols(v);
  }

  private Kernels kernels() { return providers == null ? null : providers.kernels(); }

  private CostRows rows(Inputs in, Window w) {
    return switch (cost.kind()) {
      case SQEUCLIDEAN, ABS -> new SeriesCost(DenseMatrices.toArray(in.x), in.n, DenseMatrices.toArray(in.y), in.m, in.d,
          cost.kind() == CostSpec.Kind.SQEUCLIDEAN);
      case SCORER -> new ScorerCost(scorer(in.d), cost.toString(), in.x, in.y, w, providers.allocator());
    };
  }

  private Scorer scorer(int d) {
    if (scorer == null) {
      ScorerProvider provider = providers.lookup().require(ScorerProvider.class, cost.scorerId());
      scorer = provider.create(providers, d, d);
      scorerDim = d;
    } else if (scorerDim != d) {
      throw new IllegalArgumentException("x: expected " + scorerDim + " columns (the " + cost + " scorer was created for d = "
          + scorerDim + "), got " + d);
    }
    return scorer;
  }
}
