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
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.io.FileFormat;
import org.attention4j.api.io.LongTensor;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Provider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.graph.Graph;
import org.attention4j.graph.LayerKind;
import org.attention4j.graph.NodeClassification;
import org.attention4j.graph.NodeClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graph train}: node classification with a graph layer on files (CLI.md), through attention-graph. */
@Command(name = "graph", mixinStandardHelpOptions = true, description = "Graph attention: train a node classifier.",
    subcommands = {GraphCommand.TrainCommand.class})
final class GraphCommand {
  private GraphCommand() {}

  /** {@code graph train}. */
  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Train GAT, GATv2, dot (any scorer) or GCN layers for node classification (2 layers: H heads of 8 "
          + "features, ELU, then the class logits; Adam, cross entropy on the labelled nodes) and predict every node.")
  static final class TrainCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--edges", required = true, paramLabel = "F",
        description = "Edge list: CSV src,dst (header optional) or int64 .npy [E, 2] (or an Arrow file of whole numbers).")
    Path edges;

    @Option(names = "--features", required = true, paramLabel = "F", description = "Node features [n, F] (.npy, CSV, Arrow).")
    Path features;

    @Option(names = "--labels", required = true, paramLabel = "F",
        description = "Labels [n], int32/int64 (.npy or CSV); -1 = unlabelled (predicted).")
    Path labels;

    @Option(names = "--layer", required = true, paramLabel = "gat|gatv2|dot|gcn", description = "The layer kind.")
    String layer;

    @Option(names = "--scorer", paramLabel = "ID", description = "Scorer of --layer dot (default: dot).")
    String scorer;

    @Option(names = "--heads", paramLabel = "H", defaultValue = "8", description = "Heads of the hidden layer (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "200", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--holdout", paramLabel = "FRACTION", defaultValue = "0",
        description = "Seeded fraction of the labelled nodes held out and scored (default: ${DEFAULT-VALUE}).")
    double holdout;

    @Option(names = "--directed", description = "Read the edges as directed (default: undirected).")
    boolean directed;

    @Option(names = "--out", paramLabel = "F", description = "Write the predicted label of every node, int64 [n] (.npy or .csv).")
    Path out;

    @Option(names = "--edge-weights", paramLabel = "F",
        description = "Write the first layer's weights: CSV src,dst,head,weight (self-loops included: the rows with src = dst).")
    Path edgeWeights;

    @Option(names = "--json", description = "Print a JSON document to stdout.")
    boolean json;

    @Override public Integer call() {
      LayerKind kind = LayerKind.parse(layer, "--layer");
      if (scorer != null && kind != LayerKind.DOT) {
        throw new IllegalArgumentException("--scorer: expected together with --layer dot, got --layer " + kind.id());
      }
      if (heads < 1) throw new IllegalArgumentException("--heads: expected an integer >= 1, got " + heads);
      if (epochs < 1) throw new IllegalArgumentException("--epochs: expected an integer >= 1, got " + epochs);
      if (!(holdout >= 0 && holdout < 1)) {
        throw new IllegalArgumentException("--holdout: expected a fraction in [0, 1), got " + holdout);
      }
      if (out != null) integerFile(out, "--out");
      if (edgeWeights != null && FileFormat.of(edgeWeights) != FileFormat.CSV) {
        throw new IllegalArgumentException("--edge-weights " + edgeWeights + ": expected a .csv table, got "
            + FileFormat.of(edgeWeights).extension());
      }
      AppComponent app = common.component();
      Registry registry = app.registry();
      String scorerId = scorer == null ? "dot" : scorer;
      List<Provider> used = new ArrayList<>();
      if (kind == LayerKind.DOT) used.add(registry.require(ScorerProvider.class, scorerId));
      Map<Provider, Settings> settings = AttendCommand.distribute(used, CommonOptions.copy(common.settings));
      Settings scorerSettings = used.isEmpty() ? Settings.of("graph", Map.of()) : settings.get(used.get(0));

      Map<String, Object> doc = new LinkedHashMap<>();
      NodeClassification r;
      try (BufferAllocator alloc = app.allocator().newChildAllocator("graph", 0, Long.MAX_VALUE);
           FixedSizeListVector x = MatrixFiles.readMatrix(features, alloc)) {
        int[] shape = DenseMatrices.shape(x);
        if (shape.length != 2 || DenseMatrices.rows(x) < 1) {
          throw new IllegalArgumentException("--features " + features + ": expected a matrix [n, F], got shape "
              + Arrays.toString(shape));
        }
        DenseMatrices.requireFinite(x, "--features " + features);
        int n = DenseMatrices.rows(x);
        int[] y = labels(n);
        Graph g;
        try {
          g = Graph.read(edges, n, directed, true, alloc);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--edges " + e.getMessage(), e);
        }
        ProviderConfig config = new ProviderConfig(scorerSettings, common.seed, alloc, Optional.empty(), registry.kernels(),
            registry);
        r = NodeClassifier.builder().kind(kind).scorer(scorerId).heads(heads).epochs(epochs).holdout(holdout)
            .seed(common.seed).cancellation(Main::cancelled).build().fit(g, x, y, config);
      }
      if (out != null) {
        long[] p = Arrays.stream(r.predictions()).asLongStream().toArray();
        MatrixFiles.writeIntegers(out, new LongTensor(new int[] {p.length}, p));
      }
      if (edgeWeights != null) r.edgeWeights().get(0).writeCsv(edgeWeights);
      doc.put("layer", kind.id());
      doc.put("heads", heads);
      doc.put("epochs", r.epochs());
      doc.put("final_loss", r.finalLoss());
      doc.put("loss", r.loss());
      doc.put("train_accuracy", r.trainAccuracy());
      doc.put("holdout_accuracy", Double.isNaN(r.holdoutAccuracy()) ? null : r.holdoutAccuracy());
      if (json) {
        System.out.println(Json.write(doc));
      } else {
        System.out.printf(Locale.ROOT, "%s, %d heads, %d epochs: final loss %.4f, train accuracy %.3f%s%n", kind.id(), heads,
            r.epochs(), r.finalLoss(), r.trainAccuracy(),
            Double.isNaN(r.holdoutAccuracy()) ? "" : String.format(Locale.ROOT, ", holdout accuracy %.3f", r.holdoutAccuracy()));
      }
      return 0;
    }

    private int[] labels(int n) {
      integerFile(labels, "--labels");
      LongTensor t = MatrixFiles.readIntegers(labels);
      int[] s = t.shape();
      if (!(s.length == 1 || (s.length == 2 && s[1] == 1)) || s[0] != n) {
        throw new IllegalArgumentException("--labels " + labels + ": expected shape [" + n + "] (= feature rows), got "
            + Arrays.toString(s));
      }
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        long v = t.values()[i];
        if (v < -1 || v > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("--labels " + labels + ": expected classes >= 0 or -1 (unlabelled), got " + v
              + " at node " + i);
        }
        y[i] = (int) v;
      }
      return y;
    }

    private static void integerFile(Path file, String option) {
      FileFormat f = FileFormat.of(file);
      if (f != FileFormat.NPY && f != FileFormat.CSV) {
        throw new IllegalArgumentException(option + " " + file + ": expected an integer file .npy or .csv, got " + f.extension()
            + (f == FileFormat.ARROW ? " (Arrow files hold float data only)" : ""));
      }
    }
  }
}
