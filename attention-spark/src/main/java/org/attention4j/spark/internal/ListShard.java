package org.attention4j.spark.internal;

import java.io.Serializable;
import java.util.List;

/**
 * The inverted lists {@code firstList … firstList + lists − 1} of an index, held by one task: their
 * keys grouped by list and, within a list, in id order (so the kernel's ties by lower index are ties
 * by lower id, as in the single-machine index), with the kernel form of each key and its float64 norm.
 *
 * @param shard the shard (Spark partition) index
 * @param firstList the first list held
 * @param offsets per held list the start of its keys, lists + 1 entries
 * @param ids the keys' ids, grouped by list
 * @param keys the keys, rows × d
 * @param kernelKeys their kernel form, rows × d'
 * @param norms their float64 norms
 */
public record ListShard(int shard, int firstList, int[] offsets, long[] ids, float[] keys, float[] kernelKeys, double[] norms)
    implements Serializable {

  /** Lists held. */
  public int lists() { return offsets.length - 1; }

  /** Keys held. */
  public int rows() { return ids.length; }

  /**
   * A part of a shard's keys from one source partition: per key its list, its row (the position in
   * id order over all keys, which orders like the id) and its id, and the key.
   */
  public record Chunk(int[] lists, int[] rows, long[] ids, float[] keys) implements Serializable {}

  /**
   * Groups the chunks sent to one shard by list and, within a list, by row; computes the kernel form
   * and norms with {@code scan}.
   */
  public static ListShard of(int shard, int firstList, int lists, List<Chunk> chunks, ListScan scan) {
    int d = scan.d(), dp = scan.kernelDim();
    int n = 0;
    for (Chunk c : chunks) n += c.ids().length;
    int[] offsets = new int[lists + 1];
    for (Chunk c : chunks) for (int l : c.lists()) offsets[l - firstList + 1]++;
    for (int l = 0; l < lists; l++) offsets[l + 1] += offsets[l];
    // counting sort by list; each entry packs (row << 32 | source position) so a list sorts by row
    long[] packed = new long[n];
    int[] fill = offsets.clone();
    int src = 0;
    for (Chunk c : chunks) {
      for (int j = 0; j < c.ids().length; j++, src++) packed[fill[c.lists()[j] - firstList]++] = ((long) c.rows()[j] << 32) | src;
    }
    for (int l = 0; l < lists; l++) java.util.Arrays.sort(packed, offsets[l], offsets[l + 1]);
    long[] allIds = new long[n];
    float[] all = new float[n * d];
    int at = 0;
    for (Chunk c : chunks) {
      System.arraycopy(c.ids(), 0, allIds, at, c.ids().length);
      System.arraycopy(c.keys(), 0, all, at * d, c.ids().length * d);
      at += c.ids().length;
    }
    long[] ids = new long[n];
    float[] keys = new float[n * d], kernel = new float[n * dp];
    double[] norms = new double[n];
    for (int i = 0; i < n; i++) {
      int from = (int) packed[i];
      ids[i] = allIds[from];
      System.arraycopy(all, from * d, keys, i * d, d);
      norms[i] = ListScan.norm(keys, i * d, d);
      scan.keyInto(keys, i * d, norms[i], kernel, i * dp);
    }
    return new ListShard(shard, firstList, offsets, ids, keys, kernel, norms);
  }
}
