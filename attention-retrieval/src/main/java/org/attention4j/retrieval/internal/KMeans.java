package org.attention4j.retrieval.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.stream.IntStream;
import org.attention4j.api.spi.Kernels;

/**
 * Seeded k-means for IVF partitions: k-means++ seeding (D² sampling) on a sample, Lloyd iterations
 * on a larger sample, then every key assigned to its nearest centroid. Assignment goes through the
 * inner-product top-k kernel: argmin ‖x − c‖² = argmax [x, 1]·[c, −‖c‖²/2]. Samples are drawn with
 * {@code new Random(seed)}, so a seed gives the same partitions for the same keys and kernels.
 */
public final class KMeans {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int BATCH = 2048;

  private KMeans() {}

  /** Trained centroids [nlist·d], row-major. */
  public static float[] train(MemorySegment keys, int n, int d, int nlist, int iterations, long seed, Kernels kernels,
      int sampleSize) {
    Random rnd = new Random(seed);
    int m = Math.min(n, Math.max(nlist, sampleSize));
    int[] sample = sample(n, m, rnd);
    float[] x = new float[m * d];
    for (int i = 0; i < m; i++) MemorySegment.copy(keys, F, (long) sample[i] * d * Float.BYTES, x, i * d, d);
    float[] c = plusPlus(x, Math.min(m, Math.max(nlist, 8 * nlist)), d, nlist, rnd);
    int[] assign = new int[m];
    for (int it = 0; it < iterations; it++) {
      assign(MemorySegment.ofArray(x), m, d, c, nlist, kernels, assign);
      double[] sum = new double[nlist * d];
      int[] count = new int[nlist];
      for (int i = 0; i < m; i++) {
        int l = assign[i];
        count[l]++;
        for (int j = 0; j < d; j++) sum[l * d + j] += x[i * d + j];
      }
      for (int l = 0; l < nlist; l++) {
        if (count[l] == 0) {                           // an empty list takes a random sample point
          System.arraycopy(x, rnd.nextInt(m) * d, c, l * d, d);
        } else {
          for (int j = 0; j < d; j++) c[l * d + j] = (float) (sum[l * d + j] / count[l]);
        }
      }
    }
    return c;
  }

  /** Nearest centroid (squared L2; ties to the lower list) of each of the n rows of {@code rows}. */
  public static void assign(MemorySegment rows, int n, int d, float[] centroids, int nlist, Kernels kernels, int[] out) {
    int dp = d + 1;
    float[] aug = new float[nlist * dp];
    for (int l = 0; l < nlist; l++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        aug[l * dp + j] = centroids[l * d + j];
        s += (double) centroids[l * d + j] * centroids[l * d + j];
      }
      aug[l * dp + d] = (float) (-s / 2);
    }
    MemorySegment cs = MemorySegment.ofArray(aug);
    int batches = (n + BATCH - 1) / BATCH;
    IntStream range = IntStream.range(0, batches);
    ("simd".equals(kernels.id()) ? range : range.parallel()).forEach(b -> {
      int lo = b * BATCH, nb = Math.min(BATCH, n - lo);
      float[] q = new float[nb * dp];
      for (int i = 0; i < nb; i++) {
        MemorySegment.copy(rows, F, (long) (lo + i) * d * Float.BYTES, q, i * dp, d);
        q[i * dp + d] = 1f;
      }
      int[] ids = new int[nb];
      float[] sc = new float[nb];
      kernels.topK(cs, nlist, dp, MemorySegment.ofArray(q), nb, 1, MemorySegment.ofArray(ids), MemorySegment.ofArray(sc));
      System.arraycopy(ids, 0, out, lo, nb);
    });
  }

  private static int[] sample(int n, int m, Random rnd) {
    if (m == n) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) all[i] = i;
      return all;
    }
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    for (int i = 0; i < m; i++) {
      int j = i + rnd.nextInt(n - i), t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] out = new int[m];
    System.arraycopy(idx, 0, out, 0, m);
    java.util.Arrays.sort(out);
    return out;
  }

  /** k-means++ on the first {@code m0} sample points. */
  private static float[] plusPlus(float[] x, int m0, int d, int nlist, Random rnd) {
    float[] c = new float[nlist * d];
    double[] dist = new double[m0];
    int first = rnd.nextInt(m0);
    System.arraycopy(x, first * d, c, 0, d);
    java.util.Arrays.fill(dist, Double.POSITIVE_INFINITY);
    for (int l = 0; l < nlist; l++) {
      if (l > 0) {
        double total = 0;
        for (double v : dist) total += v;
        int pick;
        if (total > 0) {
          double r = rnd.nextDouble() * total, acc = 0;
          pick = m0 - 1;
          for (int i = 0; i < m0; i++) {
            acc += dist[i];
            if (acc >= r) {
              pick = i;
              break;
            }
          }
        } else {
          pick = rnd.nextInt(m0);                      // every point already a centroid: duplicates
        }
        System.arraycopy(x, pick * d, c, l * d, d);
      }
      final int cl = l;
      IntStream.range(0, m0).parallel().forEach(i -> {
        double s = 0;
        for (int j = 0; j < d; j++) {
          double t = (double) x[i * d + j] - c[cl * d + j];
          s += t * t;
        }
        if (s < dist[i]) dist[i] = s;
      });
    }
    return c;
  }
}
