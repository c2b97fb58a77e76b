package org.attention4j.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.ParameterSet;

/**
 * The buffers an optimiser keeps per parameter tensor (slots such as momentum or the two Adam
 * moments), created as zeros on the first step with that step's layout, then checked against
 * every later step.
 */
public final class OptimizerState implements AutoCloseable {
  private final String owner;
  private final BufferAllocator allocator;
  private final int slots;
  private final List<ParameterSet> state = new ArrayList<>();
  private boolean closed;

  /**
   * @param owner the optimiser's name for messages, e.g. {@code adam}
   * @param slots how many buffers per tensor
   */
  public OptimizerState(String owner, BufferAllocator allocator, int slots) {
    if (allocator == null) throw new IllegalArgumentException("allocator: expected an allocator, got null");
    this.owner = owner;
    this.allocator = allocator;
    this.slots = slots;
  }

  /**
   * Checks parameters and gradients (layout, finite gradients) before anything changes, creating
   * the slots on the first call.
   */
  public void prepare(ParameterSet parameters, ParameterSet gradients) {
    if (closed) throw new IllegalStateException(owner + ": expected an open optimizer, got a closed one");
    if (parameters == null) throw new IllegalArgumentException("parameters: expected a parameter set, got null");
    Tensors.requireSameLayout(parameters, gradients, "parameters", "gradients");
    Tensors.requireFinite(gradients, "gradients");
    if (state.isEmpty()) {
      for (int i = 0; i < slots; i++) state.add(Tensors.zerosLike(parameters, allocator));
    } else {
      Tensors.requireSameLayout(state.get(0), parameters, "the first step's parameters", "parameters");
    }
  }

  /** Slot {@code i} (after {@link #prepare}). */
  public ParameterSet slot(int i) { return state.get(i); }

  @Override public void close() {
    if (closed) return;
    closed = true;
    for (ParameterSet s : state) s.close();
    state.clear();
  }
}
