package org.attention4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.align.Aligner;
import org.attention4j.align.Alignment;
import org.attention4j.align.Band;
import org.attention4j.align.CostSpec;
import org.attention4j.align.Dtw;
import org.attention4j.align.ShiftLandscape;
import org.attention4j.align.ShiftPosterior;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.Settings;
import org.attention4j.api.io.FileFormat;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Provider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScorerProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code align}: DTW distance and path, soft-DTW value and the energy landscape over shifts of two
 * series read from files (CLI.md), through attention-align's {@link Aligner}.
 */
@Command(name = "align", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Align two series x [n, d] and y [m, d]: DTW distance and path, soft-DTW, and the energy landscape "
        + "E(tau) over global shifts (y[t] = x[t - tau]).")
final class AlignCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--x", required = true, paramLabel = "F", description = "Series x [n, d] (or [n]).")
  Path xFile;

  @Option(names = "--y", required = true, paramLabel = "F", description = "Series y [m, d] (or [m]).")
  Path yFile;

  @Option(names = "--cost", paramLabel = "sqeuclidean|abs|scorer:ID", defaultValue = "sqeuclidean",
      description = "Local cost: squared Euclidean (default), L1, or the negated score of a scorer.")
  String costName;

  @Option(names = "--params", paramLabel = "F", description = "Parameter file (.safetensors) of the scorer (with --cost scorer:ID).")
  Path params;

  @Option(names = "--band", paramLabel = "W", description = "Sakoe-Chiba band: keep cells with |i - j*n/m| <= W.")
  Integer band;

  @Option(names = "--soft", paramLabel = "GAMMA", description = "Also compute the soft-DTW value at smoothing GAMMA > 0.")
  Double gamma;

  @Option(names = "--max-shift", paramLabel = "S", description = "Landscape over |tau| <= S (default floor(min(n, m)/4)).")
  Integer maxShift;

  @Option(names = "--posterior-temperature", paramLabel = "T",
      description = "Also the posterior over shifts: softmax of the mean landscape at temperature T > 0.")
  Double temperature;

  @Option(names = "--path", paramLabel = "F", description = "Write the warping path, int64 [L, 2] of (i, j) (.npy or .csv).")
  Path pathFile;

  @Option(names = "--json", description = "Print a JSON document to stdout.")
  boolean json;

  @Override public Integer call() {
    CostSpec cost = CostSpec.parse(costName, "--cost");
    if (band != null && band < 0) throw new IllegalArgumentException("--band: expected an integer >= 0, got " + band);
    if (gamma != null && !(gamma > 0 && Double.isFinite(gamma))) {
      throw new IllegalArgumentException("--soft: expected a finite smoothing GAMMA > 0, got " + gamma);
    }
    if (maxShift != null && maxShift < 0) throw new IllegalArgumentException("--max-shift: expected an integer >= 0, got " + maxShift);
    if (temperature != null && !(temperature > 0 && Double.isFinite(temperature))) {
      throw new IllegalArgumentException("--posterior-temperature: expected a finite number > 0, got " + temperature);
    }
    if (pathFile != null) {
      FileFormat f = FileFormat.of(pathFile);
      if (f != FileFormat.NPY && f != FileFormat.CSV) {
        throw new IllegalArgumentException("--path " + pathFile + ": expected an int64 path file .npy or .csv, got "
            + f.extension()
            + (f == FileFormat.ARROW ? " (Arrow files hold float data only)" : ""));
      }
    }
    if (params != null && !cost.isScorer()) {
      throw new IllegalArgumentException("--params: expected together with --cost scorer:ID, got --cost " + cost);
    }
    AppComponent app = common.component();
    Registry registry = app.registry();
    ScorerProvider scorerProvider = cost.isScorer() ? registry.require(ScorerProvider.class, cost.scorerId()) : null;
    List<Provider> used = new ArrayList<>();
    if (scorerProvider != null) used.add(scorerProvider);
    Map<Provider, Settings> settings = AttendCommand.distribute(used, CommonOptions.copy(common.settings));

    Map<String, Object> doc = new LinkedHashMap<>();
    try (BufferAllocator alloc = app.allocator().newChildAllocator("align", 0, Long.MAX_VALUE);
         FixedSizeListVector x = MatrixFiles.readMatrix(xFile, alloc);
         FixedSizeListVector y = MatrixFiles.readMatrix(yFile, alloc);
         ParameterSet paramSet = params == null ? null : MatrixFiles.readParameters(params, alloc)) {
      int n = series(x, "--x " + xFile), m = series(y, "--y " + yFile);
      if (DenseMatrices.cols(y) != DenseMatrices.cols(x)) {
        throw new IllegalArgumentException("--y " + yFile + ": expected " + DenseMatrices.cols(x) + " columns (= --x), got "
            + DenseMatrices.cols(y));
      }
      int s = maxShift != null ? maxShift : ShiftLandscape.defaultMaxShift(n, m);
      if (s > Math.min(n, m) - 1) {
        throw new IllegalArgumentException("--max-shift: expected a shift in [0, min(n, m) - 1] = [0, " + (Math.min(n, m) - 1)
            + "], got " + s);
      }
      Band b = band == null ? Band.none() : Band.sakoeChiba(band);
      long cells = b.cells(n, m);
      if (pathFile != null && cells > Dtw.MAX_PATH_CELLS) {     // refuse before any work
        throw new IllegalArgumentException("--path: expected at most " + Dtw.MAX_PATH_CELLS + " cells for a full warping "
            + "path, got " + cells + " (" + n + " x " + m + (band == null ? "" : ", band " + band) + "); restrict it with "
            + "--band W, or leave out --path for the distance alone, which works at any size");
      }
      ProviderConfig config = new ProviderConfig(scorerProvider == null ? Settings.of("align", Map.of())
          : settings.get(scorerProvider), common.seed, alloc, Optional.ofNullable(paramSet), registry.kernels(), registry);
      try (Aligner aligner = Aligner.builder().cost(cost).band(b).providers(config).build()) {
        double distance;
        Integer pathLength = null;
        if (cells <= Dtw.MAX_PATH_CELLS) {
          Alignment a = aligner.align(x, y);
          distance = a.distance();
          pathLength = a.pathLength();
          if (pathFile != null) MatrixFiles.writeIntegers(pathFile, a.pathAsInt64(), a.pathLength(), 2);
        } else {
          distance = aligner.distance(x, y);                  // O(n + m) memory at any size
        }
        doc.put("distance", distance);
        doc.put("distance_sqrt", distance >= 0 ? Math.sqrt(distance) : null);
        if (gamma != null) doc.put("soft_value", aligner.softDtwValue(x, y, gamma));
        doc.put("path_length", pathLength);
        ShiftLandscape l = aligner.landscape(x, y, s);
        doc.put("tau_star", l.tauStar());
        Map<String, Object> land = new LinkedHashMap<>();
        land.put("tau", l.tau());
        land.put("mean", l.mean());
        land.put("sum", l.sum());
        land.put("count", l.count());
        doc.put("landscape", land);
        if (temperature != null) {
          ShiftPosterior p = l.posterior(temperature);
          Map<String, Object> post = new LinkedHashMap<>();
          post.put("tau_map", p.tauMap());
          post.put("margin", p.margin());
          post.put("entropy", p.entropy());
          doc.put("posterior", post);
        }
      }
    }
    if (json) {
      System.out.println(Json.write(doc));
    } else {
      System.out.printf(Locale.ROOT, "distance %s (sqrt %s), path length %s, tau* %s%s%s%n", doc.get("distance"),
          doc.get("distance_sqrt"), doc.get("path_length"), doc.get("tau_star"),
          doc.containsKey("soft_value") ? ", soft-DTW " + doc.get("soft_value") : "",
          doc.containsKey("posterior") ? ", posterior " + doc.get("posterior") : "");
    }
    return 0;
  }

  /** Checks a series read from a file ([n, d] or [n], at least one row and column, finite); returns n. */
  private static int series(FixedSizeListVector v, String argument) {
    int[] shape = DenseMatrices.shape(v);
    if (shape.length > 2) {
      throw new IllegalArgumentException(argument + ": expected a series [n, d] (or [n]), got shape " + Arrays.toString(shape));
    }
    if (DenseMatrices.rows(v) < 1 || DenseMatrices.cols(v) < 1) {
      throw new IllegalArgumentException(argument + ": expected at least one row and one column, got shape "
          + Arrays.toString(shape));
    }
    DenseMatrices.requireFinite(v, argument);
    return DenseMatrices.rows(v);
  }
}
