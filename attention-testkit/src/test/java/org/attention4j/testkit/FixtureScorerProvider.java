package org.attention4j.testkit;

import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * A small correct scorer, s(q, k) = w · qᵀk with one parameter w [1, 1] drawn from the seed, and
 * deliberately broken variants of it: each {@link Defect} breaks exactly one conformance check.
 */
final class FixtureScorerProvider implements ScorerProvider {
  enum Defect {
    NONE, BAD_ID, BLANK_VERSION, EXCLUDING_RANGE, UNPARSEABLE_RANGE, SILENT_WIDTHS, UNNAMED_WIDTH_ERROR, ACCEPTS_NAN,
    WRONG_DQUERY, WRONG_DPARAMETER, PAIRS_TRANSPOSED, PAIRS_OVERWRITE, UNSEEDED, SHARED_SCRATCH, LEAKS
  }

  private final Defect defect;

  FixtureScorerProvider(Defect defect) { this.defect = defect; }

  @Override public String id() { return defect == Defect.BAD_ID ? "Fixture_Dot" : "fixture-dot"; }

  @Override public String description() { return "w · qᵀk, a conformance-suite fixture (" + defect + ")"; }

  @Override public String version() { return defect == Defect.BLANK_VERSION ? " " : "0.1.0"; }

  @Override public String spiRange() {
    return switch (defect) {
      case EXCLUDING_RANGE -> "[9.0,10.0)";
      case UNPARSEABLE_RANGE -> "0.1+";
      default -> "[0.1,0.2)";
    };
  }

  @Override public List<TensorSpec> tensors(ProviderConfig config, int queryDim, int keyDim) {
    return List.of(new TensorSpec("w", new int[] {1, 1}, false));
  }

  @Override public Scorer create(ProviderConfig config, int queryDim, int keyDim) {
    if (queryDim != keyDim) {
      throw new IllegalArgumentException("keyDim: expected " + queryDim + " (= queryDim), got " + keyDim);
    }
    float w;
    if (config.parameters().isPresent()) {
      config.parameters().get().check(tensors(config, queryDim, keyDim));
      w = DenseMatrices.get(config.parameters().get().get("w"), 0, 0);
    } else {
      long seed = defect == Defect.UNSEEDED ? System.nanoTime() : config.seed();
      w = (float) (1 + 0.5 * new Random(seed).nextGaussian());
    }
    ParameterSet params = new ParameterSet();
    params.put("w", DenseMatrices.of(config.allocator(), "w", 1, 1, new float[] {w}));
    return new FixtureScorer(defect, queryDim, params);
  }

  private static final class FixtureScorer implements Scorer {
    private final Defect defect;
    private final int d;
    private final ParameterSet params;
    private float[] scratch;                                  // SHARED_SCRATCH: the classic thread-safety bug

    FixtureScorer(Defect defect, int d, ParameterSet params) {
      this.defect = defect;
      this.d = d;
      this.params = params;
    }

    @Override public int queryDim() { return d; }

    @Override public int keyDim() { return d; }

    private float w() { return DenseMatrices.get(params.get("w"), 0, 0); }

    private void check(FixedSizeListVector q, FixedSizeListVector k) {
      if (defect == Defect.UNNAMED_WIDTH_ERROR) {
        if (DenseMatrices.cols(q) != d || DenseMatrices.cols(k) != d) throw new IllegalArgumentException("width mismatch");
      } else if (defect != Defect.SILENT_WIDTHS) {
        DenseMatrices.require(q, "query", d);
        DenseMatrices.require(k, "keys", d);
      }
      if (defect != Defect.ACCEPTS_NAN) {
        DenseMatrices.requireFinite(q, "query");
        DenseMatrices.requireFinite(k, "keys");
      }
    }

    private float dot(float[] q, int i, float[] k, int j, int cq, int ck) {
      float acc = 0;
      for (int p = 0; p < Math.min(Math.min(cq, ck), d); p++) acc += q[i * cq + p] * k[j * ck + p];
      return acc;
    }

    @Override public FixedSizeListVector score(FixedSizeListVector queries, FixedSizeListVector keys, BufferAllocator allocator) {
      check(queries, keys);
      int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
      int cq = DenseMatrices.cols(queries), ck = DenseMatrices.cols(keys);
      float[] q = DenseMatrices.toArray(queries), k = DenseMatrices.toArray(keys);
      if (defect == Defect.SHARED_SCRATCH) {
        scratch = q;
        try {
          Thread.sleep(1);                                    // widen the window, as a slow kernel would
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        q = scratch.length == q.length ? scratch : q;
      }
      if (defect == Defect.LEAKS) allocator.buffer(64);      // never closed
      float[] s = new float[nq * nk];
      for (int i = 0; i < nq; i++) for (int j = 0; j < nk; j++) s[i * nk + j] = w() * dot(q, i, k, j, cq, ck);
      return DenseMatrices.of(allocator, "scores", nq, nk, s);
    }

    @Override public FixedSizeListVector scorePairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
        BufferAllocator allocator) {
      check(queries, keys);
      float[] q = DenseMatrices.toArray(queries), k = DenseMatrices.toArray(keys);
      float[] s = new float[src.length];
      for (int e = 0; e < src.length; e++) {
        int i = defect == Defect.PAIRS_TRANSPOSED ? dst[e] % DenseMatrices.rows(queries) : src[e];
        int j = defect == Defect.PAIRS_TRANSPOSED ? src[e] % DenseMatrices.rows(keys) : dst[e];
        s[e] = w() * dot(q, i, k, j, d, d);
      }
      return DenseMatrices.of(allocator, "scores", src.length, 1, s);
    }

    @Override public Gradients backward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector dScores,
        BufferAllocator allocator) {
      check(queries, keys);
      int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
      DenseMatrices.require(dScores, "dScores", nq, nk);
      float[] q = DenseMatrices.toArray(queries), k = DenseMatrices.toArray(keys), g = DenseMatrices.toArray(dScores);
      float w = w();
      float[] dq = new float[nq * d], dk = new float[nk * d];
      float dw = 0;
      for (int i = 0; i < nq; i++) {
        for (int j = 0; j < nk; j++) {
          float gij = g[i * nk + j];
          dw += gij * dot(q, i, k, j, d, d);
          for (int p = 0; p < d; p++) {
            dq[i * d + p] += w * gij * k[j * d + p];
            dk[j * d + p] += w * gij * q[i * d + p];
          }
        }
      }
      if (defect == Defect.WRONG_DQUERY) for (int i = 0; i < dq.length; i++) dq[i] = -dq[i];
      if (defect == Defect.WRONG_DPARAMETER) dw *= 2;
      return gradients(dq, dk, dw, nq, nk, allocator);
    }

    @Override public Gradients backwardPairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
        FixedSizeListVector dScores, BufferAllocator allocator) {
      check(queries, keys);
      int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
      DenseMatrices.require(dScores, "dScores", src.length, 1);
      float[] q = DenseMatrices.toArray(queries), k = DenseMatrices.toArray(keys), g = DenseMatrices.toArray(dScores);
      float w = w();
      float[] dq = new float[nq * d], dk = new float[nk * d];
      float dw = 0;
      for (int e = 0; e < src.length; e++) {
        int i = src[e], j = dst[e];
        dw += g[e] * dot(q, i, k, j, d, d);
        for (int p = 0; p < d; p++) {
          float gq = w * g[e] * k[j * d + p], gk = w * g[e] * q[i * d + p];
          if (defect == Defect.PAIRS_OVERWRITE) {             // a repeated edge loses the earlier contribution
            dq[i * d + p] = gq;
            dk[j * d + p] = gk;
          } else {
            dq[i * d + p] += gq;
            dk[j * d + p] += gk;
          }
        }
      }
      return gradients(dq, dk, dw, nq, nk, allocator);
    }

    private Gradients gradients(float[] dq, float[] dk, float dw, int nq, int nk, BufferAllocator allocator) {
      ParameterSet dParams = new ParameterSet();
      FixedSizeListVector dqv = null, dkv = null;
      try {
        dParams.put("w", DenseMatrices.of(allocator, "dw", 1, 1, new float[] {dw}));
        dqv = DenseMatrices.of(allocator, "dQuery", nq, d, dq);
        dkv = DenseMatrices.of(allocator, "dKeys", nk, d, dk);
        return new Gradients(dqv, dkv, dParams);
      } catch (RuntimeException e) {
        dParams.close();
        if (dqv != null) dqv.close();
        throw e;
      }
    }

    @Override public ParameterSet parameters() { return params; }

    @Override public void close() { params.close(); }
  }
}
