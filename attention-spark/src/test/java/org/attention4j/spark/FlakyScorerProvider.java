package org.attention4j.spark;

import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * A test scorer ({@code flaky-dot}): the installed {@code dot} scorer, except that the first score
 * call after {@link #arm()} throws — a task that fails once, as a lost executor would make it.
 */
public final class FlakyScorerProvider implements ScorerProvider {
  static final AtomicBoolean ARMED = new AtomicBoolean();
  static final AtomicBoolean FIRED = new AtomicBoolean();

  static void arm() {
    FIRED.set(false);
    ARMED.set(true);
  }

  @Override public String id() { return "flaky-dot"; }

  @Override public String description() { return "dot, failing once when armed (tests)"; }

  @Override public Scorer create(ProviderConfig config, int queryDim, int keyDim) {
    Scorer dot = config.lookup().require(ScorerProvider.class, "dot").create(config, queryDim, keyDim);
    return new Scorer() {
      @Override public int queryDim() { return dot.queryDim(); }
      @Override public int keyDim() { return dot.keyDim(); }
      @Override public FixedSizeListVector score(FixedSizeListVector q, FixedSizeListVector k, BufferAllocator a) {
        if (ARMED.compareAndSet(true, false)) {
          FIRED.set(true);
          throw new IllegalStateException("flaky-dot: injected task failure");
        }
        return dot.score(q, k, a);
      }
      @Override public FixedSizeListVector scorePairs(FixedSizeListVector q, FixedSizeListVector k, int[] src, int[] dst,
          BufferAllocator a) { return dot.scorePairs(q, k, src, dst, a); }
      @Override public Gradients backward(FixedSizeListVector q, FixedSizeListVector k, FixedSizeListVector dS,
          BufferAllocator a) { return dot.backward(q, k, dS, a); }
      @Override public Gradients backwardPairs(FixedSizeListVector q, FixedSizeListVector k, int[] src, int[] dst,
          FixedSizeListVector dS, BufferAllocator a) { return dot.backwardPairs(q, k, src, dst, dS, a); }
      @Override public ParameterSet parameters() { return dot.parameters(); }
      @Override public OptionalDouble dotProductScale() { return OptionalDouble.empty(); }
      @Override public void close() { dot.close(); }
    };
  }
}
