package org.attention4j.multihead.internal.scenario;

import java.util.SplittableRandom;
import org.attention4j.api.Mask;

/**
 * The synthetic task: n = 2·pairs positions, each key symbol at exactly two positions, a random
 * payload symbol at every position. Input row of position i: one-hot key symbol | one-hot payload |
 * one-hot position (zero-padded to a multiple of the heads). Target row: one-hot payload of the
 * previous position (i − 1 mod n) | one-hot payload of the other position with the same key symbol
 * (zero elsewhere).
 */
record PairTask(int pairs, int payloads, int heads) {
  int n() { return 2 * pairs; }

  int embed() {
    int raw = pairs + payloads + n();
    return (raw + heads - 1) / heads * heads;
  }

  /** Sequences stacked row-wise: inputs and targets [count·n, E], and per sequence its keys, payloads and matches. */
  record Batch(float[] inputs, float[] targets, int[][] keys, int[][] payload, int[][] match) {}

  Batch sample(int count, SplittableRandom random) {
    int n = n(), e = embed();
    float[] x = new float[count * n * e], t = new float[count * n * e];
    int[][] keys = new int[count][n], pay = new int[count][n], match = new int[count][n];
    for (int s = 0; s < count; s++) {
      int[] k = keys[s];
      for (int i = 0; i < n; i++) k[i] = i % pairs;
      for (int i = n - 1; i > 0; i--) {          // Fisher–Yates
        int j = random.nextInt(i + 1), tmp = k[i];
        k[i] = k[j];
        k[j] = tmp;
      }
      for (int i = 0; i < n; i++) pay[s][i] = random.nextInt(payloads);
      for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (j != i && k[j] == k[i]) match[s][i] = j;
      for (int i = 0; i < n; i++) {
        int row = (s * n + i) * e;
        x[row + k[i]] = 1;
        x[row + pairs + pay[s][i]] = 1;
        x[row + pairs + payloads + i] = 1;
        t[row + pay[s][(i + n - 1) % n]] = 1;
        t[row + payloads + pay[s][match[s][i]]] = 1;
      }
    }
    return new Batch(x, t, keys, pay, match);
  }

  /** count sequences in one call: a position attends the other positions of its own sequence only. */
  Mask blockMask(int count) {
    int n = n(), size = count * n;
    boolean[] allowed = new boolean[size * size];
    for (int i = 0; i < size; i++) {
      int s = i / n;
      for (int j = s * n; j < (s + 1) * n; j++) allowed[i * size + j] = j != i;
    }
    return Mask.explicit(size, size, allowed);
  }

  record HeadStats(double[] massPrevious, double[] massMatch, double[] entropy) {}

  /** Per head, over query positions whose previous and matching positions differ. weights [H, size, size]. */
  HeadStats headStats(Batch b, float[] weights, int heads, int count) {
    int n = n(), size = count * n;
    double[] prev = new double[heads], match = new double[heads], entropy = new double[heads];
    int queries = 0;
    for (int s = 0; s < count; s++) {
      for (int i = 0; i < n; i++) {
        int p = (i + n - 1) % n, m = b.match()[s][i];
        if (p == m) continue;
        queries++;
        int row = s * n + i;
        for (int k = 0; k < heads; k++) {
          int base = (k * size + row) * size;
          prev[k] += weights[base + s * n + p];
          match[k] += weights[base + s * n + m];
          for (int j = 0; j < n; j++) {
            double w = weights[base + s * n + j];
            if (w > 0) entropy[k] -= w * Math.log(w);
          }
        }
      }
    }
    for (int k = 0; k < heads; k++) {
      prev[k] /= queries;
      match[k] /= queries;
      entropy[k] /= queries;
    }
    return new HeadStats(prev, match, entropy);
  }

  /** Fraction of (position, block) pairs whose largest output entry is the right payload. out [count·n, E]. */
  double accuracy(Batch b, float[] out, int count) {
    int n = n(), e = embed(), right = 0, total = 0;
    for (int s = 0; s < count; s++) {
      for (int i = 0; i < n; i++) {
        int row = (s * n + i) * e;
        int[] want = {b.payload()[s][(i + n - 1) % n], b.payload()[s][b.match()[s][i]]};
        for (int block = 0; block < 2; block++) {
          int best = 0;
          for (int c = 1; c < payloads; c++) if (out[row + block * payloads + c] > out[row + block * payloads + best]) best = c;
          right += best == want[block] ? 1 : 0;
          total++;
        }
      }
    }
    return (double) right / total;
  }
}
