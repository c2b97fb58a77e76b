package org.attention4j.graph;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.graph.internal.Csr;
import org.attention4j.graph.internal.GraphLayer;
import org.attention4j.graph.internal.Kind;
import org.attention4j.graph.internal.Network;
import org.attention4j.train.Adam;
import org.attention4j.train.LossResult;
import org.attention4j.train.SoftmaxCrossEntropy;
import org.attention4j.train.Trainer;
import org.attention4j.train.TrainingHistory;
import org.apiguardian.api.API;

/**
 * Semi-supervised node classification with a stack of graph layers ({@link LayerKind}), trained
 * full-batch with attention-train: Adam (decoupled weight decay) on the softmax cross entropy of the
 * labelled nodes, one optimiser step per epoch. Defaults follow the GAT paper's transductive setup:
 * 2 layers, 8 heads of 8 features concatenated then ELU, one output head, dropout 0.6 on every
 * layer's input and on the attention weights, learning rate 0.005.
 *
 * <pre>{@code
 * GraphData karate = KarateClub.load();
 * NodeClassification r = NodeClassifier.builder().kind(LayerKind.GAT).epochs(200).seed(1).build()
 *     .fit(karate.graph(), karate.features(), karate.featureDim(), labelsWithMinusOneForUnknown, providers);
 * r.predictions();  r.edgeWeights().get(0).writeCsv(Path.of("weights.csv"));
 * }</pre>
 *
 * <p>Training is deterministic for a seed: initial parameters, dropout masks (one
 * {@link SplittableRandom} per epoch from the seed) and the held-out split depend on it only.
 * Cost per epoch: O(n·F·H·F' + E·H·F').
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class NodeClassifier {
  /** The label of a node whose class is unknown (it is predicted, not trained on). */
  public static final int UNLABELLED = -1;

  private final Builder b;

  private NodeClassifier(Builder b) { this.b = b; }

  public static Builder builder() { return new Builder(); }

  /** Settings; each setter checks its argument. */
  public static final class Builder {
    private LayerKind kind = LayerKind.GAT;
    private int hidden = 8;
    private int heads = 8;
    private int outputHeads = 1;
    private int layers = 2;
    private double dropout = 0.6;
    private double attentionDropout = 0.6;
    private double learningRate = 0.005;
    private double weightDecay = 5e-4;
    private int epochs = 200;
    private double holdout;
    private String scorer = "dot";
    private long seed;
    private int classes = -1;
    private BooleanSupplier cancellation = () -> false;

    private Builder() {}

    public Builder kind(LayerKind k) {
      this.kind = java.util.Objects.requireNonNull(k, "kind");
      return this;
    }

    /** Features per head of the hidden layers (F'). */
    public Builder hidden(int f) {
      if (f < 1) throw new IllegalArgumentException("hidden: expected at least 1 feature per head, got " + f);
      this.hidden = f;
      return this;
    }

    /** Heads of the hidden layers (concatenated). */
    public Builder heads(int h) {
      if (h < 1) throw new IllegalArgumentException("heads: expected at least 1, got " + h);
      this.heads = h;
      return this;
    }

    /** Heads of the output layer (averaged). */
    public Builder outputHeads(int h) {
      if (h < 1) throw new IllegalArgumentException("outputHeads: expected at least 1, got " + h);
      this.outputHeads = h;
      return this;
    }

    /** The number of graph layers (the last one outputs the class logits). */
    public Builder layers(int l) {
      if (l < 1) throw new IllegalArgumentException("layers: expected at least 1, got " + l);
      this.layers = l;
      return this;
    }

    public Builder dropout(double p) {
      if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout: expected 0 <= p < 1, got " + p);
      this.dropout = p;
      return this;
    }

    public Builder attentionDropout(double p) {
      if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("attentionDropout: expected 0 <= p < 1, got " + p);
      this.attentionDropout = p;
      return this;
    }

    public Builder learningRate(double lr) {
      if (!(lr > 0 && Double.isFinite(lr))) throw new IllegalArgumentException("learningRate: expected a number > 0, got " + lr);
      this.learningRate = lr;
      return this;
    }

    /** Decoupled weight decay (AdamW's λ). */
    public Builder weightDecay(double wd) {
      if (!(wd >= 0 && Double.isFinite(wd))) throw new IllegalArgumentException("weightDecay: expected a number >= 0, got " + wd);
      this.weightDecay = wd;
      return this;
    }

    public Builder epochs(int n) {
      if (n < 1) throw new IllegalArgumentException("epochs: expected at least 1, got " + n);
      this.epochs = n;
      return this;
    }

    /** A seeded fraction of the labelled nodes kept out of training and scored at the end. */
    public Builder holdout(double fraction) {
      if (!(fraction >= 0 && fraction < 1)) {
        throw new IllegalArgumentException("holdout: expected a fraction in [0, 1), got " + fraction);
      }
      this.holdout = fraction;
      return this;
    }

    /** The scorer id of {@link LayerKind#DOT} layers (default {@code dot}). */
    public Builder scorer(String id) {
      this.scorer = java.util.Objects.requireNonNull(id, "scorer");
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** The number of classes (default: the largest label + 1). */
    public Builder classes(int c) {
      if (c < 2) throw new IllegalArgumentException("classes: expected at least 2, got " + c);
      this.classes = c;
      return this;
    }

    /** Polled before every epoch; true cancels training with a {@link java.util.concurrent.CancellationException}. */
    public Builder cancellation(BooleanSupplier c) {
      this.cancellation = java.util.Objects.requireNonNull(c, "cancellation");
      return this;
    }

    public NodeClassifier build() { return new NodeClassifier(this); }
  }

  /** {@link #fit(Graph, float[], int, int[], ProviderConfig)} with features from a dense matrix [n, F]. */
  public NodeClassification fit(Graph graph, FixedSizeListVector features, int[] labels, ProviderConfig providers) {
    DenseMatrices.require(features, "features", graph.nodes(), -1);
    DenseMatrices.requireFinite(features, "features");
    return fit(graph, DenseMatrices.toArray(features), DenseMatrices.cols(features), labels, providers);
  }

  /**
   * Trains on the nodes with a label in [0, C) ({@link #UNLABELLED} = unknown) and predicts every
   * node. {@code providers} gives the allocator (everything allocated is released before this
   * returns) and, for {@link LayerKind#DOT}, the registry that finds the scorer and its settings.
   */
  public NodeClassification fit(Graph graph, float[] features, int featureDim, int[] labels, ProviderConfig providers) {
    int n = graph.nodes();
    if (featureDim < 1 || features.length != (long) n * featureDim) {
      throw new IllegalArgumentException("features: expected " + n + " x " + featureDim + " values (= nodes x width), got "
          + features.length);
    }
    for (int k = 0; k < features.length; k++) {
      if (!Float.isFinite(features[k])) {
        throw new IllegalArgumentException("features: expected finite values, got " + features[k] + " at (row "
            + (k / featureDim) + ", col " + (k % featureDim) + ")");
      }
    }
    if (labels.length != n) throw new IllegalArgumentException("labels: expected " + n + " (= nodes), got " + labels.length);
    int maxLabel = -1;
    for (int i = 0; i < n; i++) {
      if (labels[i] < UNLABELLED) {
        throw new IllegalArgumentException("labels: expected a class >= 0 or -1 (unlabelled), got " + labels[i] + " at node " + i);
      }
      maxLabel = Math.max(maxLabel, labels[i]);
    }
    int c = b.classes > 0 ? b.classes : Math.max(2, maxLabel + 1);
    if (maxLabel >= c) throw new IllegalArgumentException("labels: expected classes in [0, " + c + "), got " + maxLabel);
    int[][] split = split(labels, b.holdout, b.seed);
    int[] train = split[0], held = split[1];
    if (train.length == 0) throw new IllegalArgumentException("labels: expected at least one labelled training node, got none");
    int[] trainLabels = new int[n];
    Arrays.fill(trainLabels, UNLABELLED);
    for (int i : train) trainLabels[i] = labels[i];

    Csr csr = new Csr(n, graph.offsets(), graph.sources(), graph.targets());
    Network.Spec spec = new Network.Spec(Kind.valueOf(b.kind.name()), featureDim, b.hidden, b.heads, c, b.outputHeads, b.layers, b.dropout,
        b.attentionDropout, b.scorer);
    BufferAllocator alloc = providers.allocator().newChildAllocator("graph-train", 0, Long.MAX_VALUE);
    try (alloc) {
      ProviderConfig config = new ProviderConfig(providers.settings(), b.seed, alloc, java.util.Optional.empty(),
          providers.kernels(), providers.lookup());
      try (Network net = Network.create(spec, config, b.seed);
           Adam adam = Adam.builder().learningRate(b.learningRate).weightDecay(b.weightDecay).build(alloc)) {
        SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.create().withIgnoreIndex(UNLABELLED);
        TrainingHistory history = Trainer.builder(net.parameters(), adam).epochs(b.epochs).batchSize(train.length)
            .shuffle(false).seed(b.seed).cancellation(b.cancellation).build()
            .fit(train.length, (batch, gradients) -> {
              Map<String, float[]> p = net.values();
              Network.Pass pass = net.forward(csr, features, p, true, Network.mix(b.seed, 1_000_003L + batch.epoch()));
              try (FixedSizeListVector logits = DenseMatrices.of(batch.allocator(), "logits", n, c, pass.logits());
                   LossResult loss = ce.compute(logits, trainLabels, batch.allocator())) {
                Map<String, float[]> g = net.zeroGradients();
                net.backward(csr, pass, DenseMatrices.toArray(loss.gradient()), p, g);
                Network.store(g, gradients);
                return loss.value();
              }
            }, alloc);
        Map<String, float[]> p = net.values();
        Network.Pass pass = net.forward(csr, features, p, false, 0);
        int[] predictions = argmax(pass.logits(), n, c);
        List<EdgeWeights> weights = new ArrayList<>();
        for (int l = 0; l < net.layerCount(); l++) {
          GraphLayer layer = net.layer(l);
          weights.add(new EdgeWeights(graph.sources(), graph.targets(), layer.heads(), pass.state(l).alpha(),
              b.kind.attends()));
        }
        return new NodeClassification(b.kind, b.layers > 1 ? b.heads : b.outputHeads, history.loss(), predictions, train,
            held, accuracy(predictions, labels, train), accuracy(predictions, labels, held), weights, history.detail());
      }
    }
  }

  private static int[][] split(int[] labels, double holdout, long seed) {
    List<Integer> labelled = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) if (labels[i] >= 0) labelled.add(i);
    int[] idx = labelled.stream().mapToInt(Integer::intValue).toArray();
    SplittableRandom r = new SplittableRandom(Network.mix(seed, 0x5eedL));
    for (int k = idx.length - 1; k > 0; k--) {
      int j = r.nextInt(k + 1);
      int t = idx[k];
      idx[k] = idx[j];
      idx[j] = t;
    }
    int h = (int) Math.floor(holdout * idx.length);
    int[] held = Arrays.copyOfRange(idx, 0, h), train = Arrays.copyOfRange(idx, h, idx.length);
    Arrays.sort(held);
    Arrays.sort(train);
    return new int[][] {train, held};
  }

  private static int[] argmax(float[] logits, int n, int c) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int k = 1; k < c; k++) if (logits[i * c + k] > logits[i * c + best]) best = k;
      y[i] = best;
    }
    return y;
  }

  private static double accuracy(int[] predictions, int[] labels, int[] nodes) {
    if (nodes.length == 0) return Double.NaN;
    int ok = 0;
    for (int i : nodes) if (predictions[i] == labels[i]) ok++;
    return (double) ok / nodes.length;
  }
}
