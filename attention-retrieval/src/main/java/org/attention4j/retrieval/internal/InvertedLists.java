package org.attention4j.retrieval.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;
import org.attention4j.api.spi.Kernels;

/**
 * Keys grouped by partition (list): an off-heap copy of the keys in list order, its kernel form for
 * the metric ({@link KernelKeys}), and per list the original ids. A search takes, per query, the
 * lists to probe; each list is scanned once by the top-k kernel for all queries that probe it, and
 * each query's candidates are rescored in float64 from the original keys and ranked by (score, id).
 */
public final class InvertedLists implements AutoCloseable {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int MARGIN = 8;

  private final int[] order;
  private final int[] offsets;
  private final int n;
  private final int d;
  private final Arena arena;
  private final KernelKeys kernelKeys;

  private InvertedLists(int[] order, int[] offsets, int n, int d, Arena arena, KernelKeys kernelKeys) {
    this.order = order;
    this.offsets = offsets;
    this.n = n;
    this.d = d;
    this.arena = arena;
    this.kernelKeys = kernelKeys;
  }

  /** Groups keys by {@code assignment} (list of each key, in [0, nlist)). */
  public static InvertedLists build(MemorySegment keys, int n, int d, double[] norms, int[] assignment, int nlist,
      KernelKeys.Kind kind, String keysName) {
    int[] offsets = new int[nlist + 1];
    for (int l : assignment) offsets[l + 1]++;
    for (int l = 0; l < nlist; l++) offsets[l + 1] += offsets[l];
    int[] fill = offsets.clone(), order = new int[n];
    for (int i = 0; i < n; i++) order[fill[assignment[i]]++] = i;   // ids ascending within a list
    return fromOrder(keys, n, d, norms, order, offsets, kind, keysName);
  }

  /** Rebuilds the lists from a saved order and offsets (checked). */
  public static InvertedLists fromOrder(MemorySegment keys, int n, int d, double[] norms, int[] order, int[] offsets,
      KernelKeys.Kind kind, String keysName) {
    Arena arena = Arena.ofShared();
    try {
      MemorySegment copy = arena.allocate((long) n * d * Float.BYTES, 64);
      double[] reNorms = new double[n];
      IntStream.range(0, Math.max(1, n / 4096 + 1)).parallel().forEach(b -> {
        int lo = b * 4096, hi = Math.min(n, lo + 4096);
        for (int i = lo; i < hi; i++) {
          MemorySegment.copy(keys, (long) order[i] * d * Float.BYTES, copy, (long) i * d * Float.BYTES, (long) d * Float.BYTES);
          reNorms[i] = norms[order[i]];
        }
      });
      KernelKeys kk = KernelKeys.prepare(kind, copy, n, d, reNorms, keysName);
      return new InvertedLists(order, offsets, n, d, arena, kk);
    } catch (RuntimeException | Error e) {
      arena.close();
      throw e;
    }
  }

  /** The number of lists. */
  public int lists() { return offsets.length - 1; }

  /** Keys in list l. */
  public int listSize(int l) { return offsets[l + 1] - offsets[l]; }

  /** Ids in list order. */
  public int[] order() { return order; }

  /** List boundaries in {@link #order()}, nlist + 1 entries. */
  public int[] offsets() { return offsets; }

  /**
   * The top k of each query among the keys of its probed lists: {@code routes[q]} ranks every list
   * for query q; the first {@code nprobe} are scanned, and more in route order while they hold fewer
   * than k keys. Writes ids and float64 scores [nq, k]; returns the number of keys scanned.
   */
  public long search(MemorySegment originalKeys, double[] norms, int metric, boolean descending, float[] queries, int nq,
      int k, int[][] routes, int nprobe, Kernels kernels, long[] idsOut, double[] scoresOut, String argument) {
    int dp = kernelKeys.dim(), nl = lists();
    float[] kq = new float[Math.max(1, nq) * dp];
    for (int i = 0; i < nq; i++) kernelKeys.queryInto(queries, i * d, d, kq, i * dp, argument, i);
    int[] probeCount = new int[nq];
    int[] listQueries = new int[nl];
    long scanned = 0;
    for (int q = 0; q < nq; q++) {
      int p = 0, keys = 0;
      while (p < nl && (p < nprobe || keys < k)) keys += listSize(routes[q][p++]);
      probeCount[q] = p;
      scanned += keys;
      for (int j = 0; j < p; j++) listQueries[routes[q][j]]++;
    }
    int[][] byList = new int[nl][];
    for (int l = 0; l < nl; l++) byList[l] = new int[listQueries[l]];
    int[] fill = new int[nl];
    for (int q = 0; q < nq; q++) for (int j = 0; j < probeCount[q]; j++) byList[routes[q][j]][fill[routes[q][j]]++] = q;
    // candidates per query: probes × (k + margin), filled per list
    int want = k + MARGIN;
    int[][] cand = new int[nq][];
    int[] candFill = new int[nq];
    for (int q = 0; q < nq; q++) {
      int cap = 0;
      for (int j = 0; j < probeCount[q]; j++) cap += Math.min(want, listSize(routes[q][j]));
      cand[q] = new int[cap];
    }
    IntStream lists = IntStream.range(0, nl);
    (("simd".equals(kernels.id()) || scanned * d < 1 << 20) ? lists : lists.parallel()).forEach(l -> {
      int[] qs = byList[l];
      int size = listSize(l);
      if (qs.length == 0 || size == 0) return;
      int kc = Math.min(want, size);
      float[] bq = new float[qs.length * dp];
      for (int r = 0; r < qs.length; r++) System.arraycopy(kq, qs[r] * dp, bq, r * dp, dp);
      int[] ids = new int[qs.length * kc];
      float[] sc = new float[qs.length * kc];
      MemorySegment seg = kernelKeys.segment().asSlice((long) offsets[l] * dp * Float.BYTES, (long) size * dp * Float.BYTES);
      kernels.topK(seg, size, dp, MemorySegment.ofArray(bq), qs.length, kc, MemorySegment.ofArray(ids), MemorySegment.ofArray(sc));
      for (int r = 0; r < qs.length; r++) {
        int q = qs[r];
        synchronized (cand[q]) {
          for (int j = 0; j < kc; j++) cand[q][candFill[q]++] = order[offsets[l] + ids[r * kc + j]];
        }
      }
    });
    IntStream queriesRange = IntStream.range(0, nq);
    long rescoring = 0;
    for (int q = 0; q < nq; q++) rescoring += (long) candFill[q] * d;
    (rescoring >= 1 << 20 ? queriesRange.parallel() : queriesRange).forEach(q -> {
      int[] c = java.util.Arrays.copyOf(cand[q], candFill[q]);
      double[] s = new double[c.length];
      float[] row = new float[d];
      for (int j = 0; j < c.length; j++) {
        MemorySegment.copy(originalKeys, F, (long) c[j] * d * Float.BYTES, row, 0, d);
        s[j] = Scoring.score(metric, queries, q * d, row, d, norms[c[j]]);
      }
      Ranking.Scored top = Ranking.best(c, s, k, descending);
      System.arraycopy(top.ids(), 0, idsOut, q * k, k);
      System.arraycopy(top.scores(), 0, scoresOut, q * k, k);
    });
    return scanned;
  }

  @Override public void close() {
    try {
      kernelKeys.close();
    } finally {
      arena.close();
    }
  }
}
