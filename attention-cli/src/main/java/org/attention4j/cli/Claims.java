package org.attention4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The chapter's claims (SEED-DIGEST), in report order, each in one sentence. */
final class Claims {
  private Claims() {}

  /** Claim id → {title, one-sentence claim}. */
  static final Map<String, String[]> ALL = new LinkedHashMap<>();

  static {
    put("1.1", "Robustness to input scale and norm",
        "A bilinear score grows linearly with ‖k‖, so one high-norm distractor can hijack the softmax, while the "
            + "additive score is bounded by ‖v‖₁ whatever q and k are.");
    put("1.2", "Expressiveness",
        "The additive scorer is a one-hidden-layer MLP over (q, k), a universal approximator; the bilinear form is "
            + "fixed and cannot fit a similarity that is not bilinear.");
    put("1.3", "Adaptation to domain shift",
        "When keys shift as k' = S k, compensating updates exist for both scorers; their first-order cost scales "
            + "with ‖v‖ for additive and with ‖q‖ for bilinear attention.");
    put("2.1", "Time series",
        "Attention over time points picks out anomalies and change points; the weights' sensitivity to an anomaly "
            + "is constant for bilinear scores and depends on the operating point for additive ones.");
    put("2.2", "Graphs (GAT)",
        "Each node attends to its neighbours with learned weights, unlike GCN's fixed averaging; additive or "
            + "multiplicative scores both fit the message-passing frame.");
    put("2.3", "Retrieval",
        "Attention is a differentiable soft lookup in a key–value memory; trained, it concentrates on the nearest "
            + "entry and acts as approximate nearest-neighbour retrieval.");
    put("2.4", "Sequence alignment",
        "The score matrix is an alignment matrix like DTW's local cost; the energy over global shifts is a "
            + "landscape whose peak recovers the best alignment.");
    put("3.1", "Energy-based view",
        "Scores are negative energies and softmax is the Gibbs distribution: adding a constant changes nothing, "
            + "multiplying by α is temperature T = 1/α.");
    put("3.2", "Kernel smoothing",
        "With unit-norm keys, scaled dot-product attention is Nadaraya–Watson regression with a Gaussian kernel; "
            + "1/√d sets the bandwidth and ‖q‖ adapts it.");
    put("3.3", "Exponential family",
        "p(i | q) ∝ exp(qᵀ W kᵢ) is an exponential-family model whose decision boundaries between two keys are "
            + "hyperplanes in query space.");
    put("3.4", "Multi-head attention",
        "Heads attend in different subspaces; multi-head additive attention needs no fixed 1/√d scale because "
            + "each head's readout learns its temperature.");
    put("4.1", "Dendritic computation as gain modulation",
        "A coincident distal input unlocks NMDA receptors and multiplies a pyramidal neuron's response to its "
            + "proximal input, like a multiplicative attention gain.");
    put("4.2", "Transcriptional logic",
        "A gene expressed only when factors A and B are both bound is a multiplicative AND gate, the analogue "
            + "of a multiplicative score.");
    put("C", "The trade-off",
        "Choosing between additive and multiplicative attention trades expressiveness, efficiency and robustness; "
            + "each trade-off should be measured, not asserted.");
  }

  private static void put(String id, String title, String sentence) { ALL.put(id, new String[] {title, sentence}); }
}
