package org.attention4j.api.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.attention4j.api.spi.Kernels;

/**
 * The scalar reference kernels: plain loops, float32 data, float64 accumulators where a sum runs
 * over a whole row (so the reference is not the weakest link). Every fast kernel is tested against
 * this one.
 */
public final class ScalarKernels implements Kernels {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

  @Override public String id() { return "scalar"; }

  @Override public String describe() { return "scalar (reference loops, float64 accumulation)"; }

  private static float f(MemorySegment s, long i) { return s.getAtIndex(F, i); }

  private static void put(MemorySegment s, long i, float v) { s.setAtIndex(F, i, v); }

  private static boolean allowed(MemorySegment mask, long i) {
    return mask == null || mask.get(ValueLayout.JAVA_BYTE, i) != 0;
  }

  @Override
  public void matmul(MemorySegment a, boolean transA, MemorySegment b, boolean transB, MemorySegment c, int m, int n,
      int k, float alpha, float beta) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int p = 0; p < k; p++) {
          float av = transA ? f(a, (long) p * m + i) : f(a, (long) i * k + p);
          float bv = transB ? f(b, (long) j * k + p) : f(b, (long) p * n + j);
          acc += (double) av * bv;
        }
        long ci = (long) i * n + j;
        double prior = beta == 0f ? 0 : beta * (double) f(c, ci);
        put(c, ci, (float) (alpha * acc + prior));
      }
    }
  }

  @Override
  public void softmaxRows(MemorySegment s, MemorySegment out, int rows, int cols, float scale, MemorySegment mask) {
    for (int i = 0; i < rows; i++) {
      long base = (long) i * cols;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) {
        if (allowed(mask, base + j)) max = Math.max(max, (double) scale * f(s, base + j));
      }
      if (max == Double.NEGATIVE_INFINITY) {           // nothing to attend: zero weights, never NaN
        for (int j = 0; j < cols; j++) put(out, base + j, 0f);
        continue;
      }
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        if (allowed(mask, base + j)) sum += Math.exp((double) scale * f(s, base + j) - max);
      }
      for (int j = 0; j < cols; j++) {
        put(out, base + j, allowed(mask, base + j) ? (float) (Math.exp((double) scale * f(s, base + j) - max) / sum) : 0f);
      }
    }
  }

  @Override
  public void softmaxBackwardRows(MemorySegment a, MemorySegment dA, MemorySegment dS, int rows, int cols, float scale) {
    for (int i = 0; i < rows; i++) {
      long base = (long) i * cols;
      double dot = 0;
      for (int j = 0; j < cols; j++) dot += (double) f(a, base + j) * f(dA, base + j);
      for (int j = 0; j < cols; j++) {
        double aij = f(a, base + j);             // a zero weight (masked key, empty row) gives +0, never -0
        put(dS, base + j, aij == 0 ? 0f : (float) (scale * aij * (f(dA, base + j) - dot)));
      }
    }
  }

  @Override
  public void attentionForward(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment out,
      MemorySegment weights, int nq, int nk, int d, int dv, float scale, MemorySegment mask) {
    double[] row = new double[nk];
    for (int i = 0; i < nq; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < nk; j++) {
        if (!allowed(mask, (long) i * nk + j)) { row[j] = Double.NEGATIVE_INFINITY; continue; }
        double dot = 0;
        for (int p = 0; p < d; p++) dot += (double) f(q, (long) i * d + p) * f(k, (long) j * d + p);
        row[j] = (double) scale * (float) dot;
        max = Math.max(max, row[j]);
      }
      double sum = 0;
      for (int j = 0; j < nk; j++) {
        row[j] = max == Double.NEGATIVE_INFINITY || row[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(row[j] - max);
        sum += row[j];
      }
      for (int j = 0; j < nk; j++) {
        row[j] = sum == 0 ? 0 : row[j] / sum;
        if (weights != null) put(weights, (long) i * nk + j, (float) row[j]);
      }
      for (int c = 0; c < dv; c++) {
        double acc = 0;
        for (int j = 0; j < nk; j++) if (row[j] != 0) acc += row[j] * f(v, (long) j * dv + c);
        put(out, (long) i * dv + c, (float) acc);
      }
    }
  }

  @Override
  public void attentionBackward(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment dOut, MemorySegment dq,
      MemorySegment dk, MemorySegment dvOut, int nq, int nk, int d, int dvDim, float scale, MemorySegment mask) {
    double[] gk = new double[nk * d];
    double[] gv = new double[nk * dvDim];
    double[] p = new double[nk];
    double[] dp = new double[nk];
    for (int i = 0; i < nq; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < nk; j++) {
        if (!allowed(mask, (long) i * nk + j)) { p[j] = Double.NEGATIVE_INFINITY; continue; }
        double dot = 0;
        for (int c = 0; c < d; c++) dot += (double) f(q, (long) i * d + c) * f(k, (long) j * d + c);
        p[j] = (double) scale * (float) dot;
        max = Math.max(max, p[j]);
      }
      double sum = 0;
      for (int j = 0; j < nk; j++) {
        p[j] = max == Double.NEGATIVE_INFINITY || p[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[j] - max);
        sum += p[j];
      }
      double rowDot = 0;
      for (int j = 0; j < nk; j++) {
        p[j] = sum == 0 ? 0 : p[j] / sum;
        double acc = 0;
        for (int c = 0; c < dvDim; c++) {
          double go = f(dOut, (long) i * dvDim + c);
          acc += go * f(v, (long) j * dvDim + c);
          gv[j * dvDim + c] += p[j] * go;
        }
        dp[j] = acc;
        rowDot += p[j] * acc;
      }
      for (int c = 0; c < d; c++) {
        double acc = 0;
        for (int j = 0; j < nk; j++) {
          double ds = p[j] * (dp[j] - rowDot) * scale;
          acc += ds * f(k, (long) j * d + c);
        }
        put(dq, (long) i * d + c, (float) acc);
      }
      for (int j = 0; j < nk; j++) {
        double ds = p[j] * (dp[j] - rowDot) * scale;
        if (ds == 0) continue;
        for (int c = 0; c < d; c++) gk[j * d + c] += ds * f(q, (long) i * d + c);
      }
    }
    for (int idx = 0; idx < gk.length; idx++) put(dk, idx, (float) gk[idx]);
    for (int idx = 0; idx < gv.length; idx++) put(dvOut, idx, (float) gv[idx]);
  }

  @Override
  public void additiveScores(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment s, int nq, int nk, int h) {
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        double acc = 0;
        for (int c = 0; c < h; c++) acc += (double) f(w, c) * Math.tanh((double) f(p, (long) i * h + c) + f(r, (long) j * h + c));
        put(s, (long) i * nk + j, (float) acc);
      }
    }
  }

  @Override
  public void additiveBackward(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment dS, MemorySegment dP,
      MemorySegment dR, MemorySegment dw, int nq, int nk, int h) {
    double[] gp = new double[nq * h];
    double[] gr = new double[nk * h];
    double[] gw = new double[h];
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        double g = f(dS, (long) i * nk + j);
        if (g == 0) continue;
        for (int c = 0; c < h; c++) {
          double t = Math.tanh((double) f(p, (long) i * h + c) + f(r, (long) j * h + c));
          gw[c] += g * t;
          double inner = g * f(w, c) * (1 - t * t);
          gp[i * h + c] += inner;
          gr[j * h + c] += inner;
        }
      }
    }
    for (int idx = 0; idx < gp.length; idx++) put(dP, idx, (float) gp[idx]);
    for (int idx = 0; idx < gr.length; idx++) put(dR, idx, (float) gr[idx]);
    for (int idx = 0; idx < h; idx++) put(dw, idx, (float) gw[idx]);
  }

  @Override
  public void topK(MemorySegment keys, int n, int d, MemorySegment queries, int nq, int k, MemorySegment ids,
      MemorySegment scores) {
    int[] bestId = new int[k];
    float[] best = new float[k];
    for (int i = 0; i < nq; i++) {
      int filled = 0;
      for (int j = 0; j < n; j++) {
        double dot = 0;
        for (int c = 0; c < d; c++) dot += (double) f(queries, (long) i * d + c) * f(keys, (long) j * d + c);
        float sc = (float) dot;
        // insertion into a sorted list, best first; a later id never displaces an equal score
        if (filled < k || sc > best[filled - 1]) {
          int pos = filled < k ? filled++ : k - 1;
          while (pos > 0 && best[pos - 1] < sc) {
            best[pos] = best[pos - 1];
            bestId[pos] = bestId[pos - 1];
            pos--;
          }
          best[pos] = sc;
          bestId[pos] = j;
        }
      }
      for (int c = 0; c < k; c++) {
        ids.setAtIndex(I, (long) i * k + c, bestId[c]);
        put(scores, (long) i * k + c, best[c]);
      }
    }
  }

  @Override
  public void dtwRow(MemorySegment prev, MemorySegment cost, MemorySegment cur, int m, int lo, int hi, boolean firstRow) {
    double left = Double.POSITIVE_INFINITY;
    for (int j = 0; j < m; j++) {
      if (j < lo || j >= hi) {
        cur.setAtIndex(D, j, Double.POSITIVE_INFINITY);
        left = Double.POSITIVE_INFINITY;
        continue;
      }
      double best;
      if (firstRow) {
        best = j == 0 ? 0 : left;
      } else {
        double diag = j == 0 ? Double.POSITIVE_INFINITY : prev.getAtIndex(D, j - 1);
        double up = prev.getAtIndex(D, j);
        best = Math.min(diag, Math.min(up, left));
      }
      double v = best + f(cost, j);
      cur.setAtIndex(D, j, v);
      left = v;
    }
  }
}
