package org.attention4j.graph.internal;

import java.util.List;
import java.util.Map;
import org.attention4j.api.ParameterSet.TensorSpec;


/**
 * One graph layer: messages m_j (per head, width F'), weights α_ij over the edges j → i received by
 * each node (an edge softmax of scores e_ij, or fixed for GCN), and the output
 * out_i = Σ_j α_ij m_j (+ bias), heads concatenated or averaged. Forward and analytic backward on
 * float arrays; every per-edge step is O(E·H) or O(E·H·F'), every per-node step O(n·H·F'·F_in).
 *
 * <p>Parameters are read from and gradients added to maps keyed by full tensor name
 * ({@code prefix + name}); the {@link Network} keeps them in Arrow parameter sets for the optimiser.
 * Edge arrays are laid out [E, H] row-major: entry {@code e·H + h}.
 */
public abstract class GraphLayer implements AutoCloseable {
  /** The LeakyReLU slope of GAT and GATv2 (both papers use 0.2). */
  public static final float NEGATIVE_SLOPE = 0.2f;

  protected final String prefix;
  protected final int in;
  protected final int heads;
  protected final int dim;
  protected final boolean concat;

  protected GraphLayer(String prefix, int in, int heads, int dim, boolean concat) {
    if (in < 1) throw new IllegalArgumentException("input width: expected at least 1, got " + in);
    if (heads < 1) throw new IllegalArgumentException("heads: expected at least 1, got " + heads);
    if (dim < 1) throw new IllegalArgumentException("width per head: expected at least 1, got " + dim);
    this.prefix = prefix;
    this.in = in;
    this.heads = heads;
    this.dim = dim;
    this.concat = concat;
  }

  /** What a forward pass keeps for the backward pass and for inspection. */
  public static final class State {
    float[] x;          // input [n, in]
    float[] msg;        // messages [n, H·F']
    float[] alpha;      // weights [E, H] before attention dropout
    float[] alphaUsed;  // weights [E, H] after attention dropout (== alpha without it)
    float[] dropMask;   // [E, H] scale 0 or 1/(1−p), or null
    float[] out;        // [n, outDim]
    Object extra;       // layer-specific intermediates

    /** The weights α [E, H] (before dropout). */
    public float[] alpha() { return alpha; }

    /** The output [n, outDim]. */
    public float[] out() { return out; }
  }

  public int inDim() { return in; }

  public int heads() { return heads; }

  public int headDim() { return dim; }

  public int outDim() { return concat ? heads * dim : dim; }

  /** The tensors of this layer, full names. */
  public abstract List<TensorSpec> specs();

  /** Whether α is an edge softmax of learned scores (false for GCN). */
  protected boolean attends() { return true; }

  /** Messages [n, H·F'] from the input; may keep intermediates in {@code s.extra}. */
  protected abstract float[] messages(Csr g, State s, Map<String, float[]> p);

  /** Scores e [E, H] (after messages). */
  protected abstract float[] scores(Csr g, State s, Map<String, float[]> p);

  /** Fixed weights [E, H] of a layer that does not attend. */
  protected float[] fixedWeights(Csr g) { throw new UnsupportedOperationException(); }

  /** Backward of {@link #scores}: adds into dMsg, dx and the gradients. */
  protected abstract void scoresBackward(Csr g, State s, float[] de, Map<String, float[]> p, Map<String, float[]> grads,
      float[] dMsg, float[] dx);

  /** Backward of {@link #messages}: adds into dx and the gradients. */
  protected abstract void messagesBackward(Csr g, State s, float[] dMsg, Map<String, float[]> p,
      Map<String, float[]> grads, float[] dx);

  /**
   * Forward on input x [n, in]. {@code dropMask} [E, H] (or null) multiplies the weights after the
   * softmax (attention dropout; not applied to a layer that does not attend).
   */
  public final State forward(Csr g, float[] x, Map<String, float[]> p, float[] dropMask) {
    int n = g.nodes();
    if (x.length != (long) n * in) {
      throw new IllegalArgumentException("features: expected " + ((long) n * in) + " values (= " + n + " x " + in + "), got "
          + x.length);
    }
    State s = new State();
    s.x = x;
    s.msg = messages(g, s, p);
    if (attends()) {
      float[] e = scores(g, s, p);
      s.alpha = EdgeOps.softmax(g, e, heads);
      s.dropMask = dropMask;
      s.alphaUsed = dropMask == null ? s.alpha : EdgeOps.times(s.alpha, dropMask);
    } else {
      s.alpha = fixedWeights(g);
      s.alphaUsed = s.alpha;
    }
    s.out = EdgeOps.aggregate(g, s.alphaUsed, s.msg, heads, dim, concat, p.get(prefix + "bias"));
    return s;
  }

  /** Backward: given dL/dout [n, outDim], adds dL/dθ into {@code grads} and returns dL/dx [n, in]. */
  public final float[] backward(Csr g, State s, float[] dOut, Map<String, float[]> p, Map<String, float[]> grads) {
    int n = g.nodes();
    float[] dx = new float[n * in];
    float[] dMsg = new float[s.msg.length];
    EdgeOps.biasBackward(dOut, n, outDim(), grads.get(prefix + "bias"));
    float[] dAlphaUsed = EdgeOps.aggregateBackward(g, s.alphaUsed, s.msg, dOut, heads, dim, concat, dMsg);
    if (attends()) {
      float[] dAlpha = s.dropMask == null ? dAlphaUsed : EdgeOps.times(dAlphaUsed, s.dropMask);
      float[] de = EdgeOps.softmaxBackward(g, s.alpha, dAlpha, heads);
      scoresBackward(g, s, de, p, grads, dMsg, dx);
    }
    messagesBackward(g, s, dMsg, p, grads, dx);
    return dx;
  }

  @Override public void close() {}
}
