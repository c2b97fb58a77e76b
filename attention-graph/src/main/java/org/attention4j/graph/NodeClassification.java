package org.attention4j.graph;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link NodeClassifier#fit} returns: the predicted class of every node (after training,
 * without dropout), the training loss per epoch, accuracies, and the per-edge weights of every layer.
 *
 * @param kind the layer kind
 * @param heads the heads of the hidden layers
 * @param loss mean cross entropy over the training nodes, one per epoch
 * @param predictions argmax class of every node [n]
 * @param trainNodes the nodes trained on
 * @param holdoutNodes the labelled nodes held out (may be empty)
 * @param trainAccuracy accuracy on the training nodes
 * @param holdoutAccuracy accuracy on the held-out nodes (NaN when there are none)
 * @param edgeWeights the weights of each layer, first layer first
 * @param stopDetail why training stopped (the toolkit's one-line detail)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record NodeClassification(LayerKind kind, int heads, List<Double> loss, int[] predictions, int[] trainNodes,
    int[] holdoutNodes, double trainAccuracy, double holdoutAccuracy, List<EdgeWeights> edgeWeights, String stopDetail) {
  public NodeClassification {
    loss = List.copyOf(loss);
    edgeWeights = List.copyOf(edgeWeights);
  }

  /** The number of completed epochs. */
  public int epochs() { return loss.size(); }

  /** The last epoch's loss (NaN before any). */
  public double finalLoss() { return loss.isEmpty() ? Double.NaN : loss.get(loss.size() - 1); }

  /** The fraction of {@code nodes} whose prediction equals {@code truth} (NaN for no nodes). */
  public double accuracy(int[] truth, int[] nodes) {
    if (nodes.length == 0) return Double.NaN;
    int ok = 0;
    for (int i : nodes) if (predictions[i] == truth[i]) ok++;
    return (double) ok / nodes.length;
  }
}
