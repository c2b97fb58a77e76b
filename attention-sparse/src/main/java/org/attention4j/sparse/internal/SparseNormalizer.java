package org.attention4j.sparse.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.spi.Normalizer;

/**
 * A row-wise sparse normalizer over the allowed keys of each row: gathers the allowed scores of a
 * row, divides them by T, maps them in float64 and writes float32. Disallowed keys get exactly 0; a
 * row with no allowed key gives all zeros. Scores at allowed positions must be finite (disallowed
 * positions are never read, so they may hold anything, even −∞).
 */
final class SparseNormalizer implements Normalizer {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** Which map. */
  enum Kind {
    /** Martins &amp; Astudillo (2016). */
    SPARSEMAX("sparsemax"),
    /** α = 1.5, Peters, Niculae &amp; Martins (2019). */
    ENTMAX15("entmax15");

    final String id;

    Kind(String id) { this.id = id; }
  }

  private final Kind kind;

  SparseNormalizer(Kind kind) { this.kind = kind; }

  @Override
  public FixedSizeListVector normalize(FixedSizeListVector scores, Mask mask, float temperature, BufferAllocator allocator) {
    DenseMatrices.require(scores, "scores", -1);
    checkTemperature(temperature);
    int rows = DenseMatrices.rows(scores), cols = DenseMatrices.cols(scores);
    byte[] allowed = mask.toBytes(rows, cols);
    DenseMatrices.requireFiniteWhereAllowed(scores, "scores", MemorySegment.ofArray(allowed));
    MemorySegment s = DenseMatrices.segment(scores);
    int[] index = new int[cols];
    double[] z = new double[cols], p = new double[cols], scratch = new double[cols];
    FixedSizeListVector out = DenseMatrices.allocate(allocator, "weights", rows, cols);   // zero-filled
    try {
      MemorySegment o = DenseMatrices.segment(out);
      for (int i = 0; i < rows; i++) {
        long base = (long) i * cols;
        int n = 0;
        for (int j = 0; j < cols; j++) {
          if (allowed[(int) base + j] == 0) continue;
          float x = s.getAtIndex(F, base + j);
          index[n] = j;
          z[n++] = x / (double) temperature;
        }
        if (n == 0) continue;                             // nothing to attend: zero weights
        if (kind == Kind.SPARSEMAX) SparseMaps.sparsemax(z, n, p, scratch);
        else SparseMaps.entmax15(z, n, p, scratch);
        for (int c = 0; c < n; c++) o.setAtIndex(F, base + index[c], (float) p[c]);
      }
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }

  @Override
  public FixedSizeListVector backward(FixedSizeListVector weights, FixedSizeListVector dWeights, Mask mask,
      float temperature, BufferAllocator allocator) {
    DenseMatrices.require(weights, "weights", -1);
    int rows = DenseMatrices.rows(weights), cols = DenseMatrices.cols(weights);
    DenseMatrices.require(dWeights, "dWeights", rows, cols);
    checkTemperature(temperature);
    byte[] allowed = mask.toBytes(rows, cols);
    MemorySegment a = DenseMatrices.segment(weights), g = DenseMatrices.segment(dWeights);
    int[] index = new int[cols];
    double[] p = new double[cols], dA = new double[cols], dz = new double[cols];
    double invT = 1.0 / temperature;
    FixedSizeListVector out = DenseMatrices.allocate(allocator, "dScores", rows, cols);   // zero-filled
    try {
      MemorySegment o = DenseMatrices.segment(out);
      for (int i = 0; i < rows; i++) {
        long base = (long) i * cols;
        int n = 0;
        for (int j = 0; j < cols; j++) {
          float w = a.getAtIndex(F, base + j);
          if (allowed[(int) base + j] == 0 || !(w > 0)) continue;   // the support: allowed and positive
          index[n] = j;
          p[n] = w;
          dA[n++] = g.getAtIndex(F, base + j);
        }
        if (n == 0) continue;
        if (kind == Kind.SPARSEMAX) SparseMaps.sparsemaxBackward(p, dA, n, dz);
        else SparseMaps.entmax15Backward(p, dA, n, dz);
        for (int c = 0; c < n; c++) o.setAtIndex(F, base + index[c], (float) (dz[c] * invT));
      }
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }

  /** Temperatures must be finite and positive. */
  static void checkTemperature(float temperature) {
    if (!(temperature > 0) || !Float.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature: expected a finite number > 0, got " + temperature);
    }
  }

  @Override public String toString() { return kind.id; }
}
