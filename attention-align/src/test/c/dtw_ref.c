/*
 * C reference for attention-align's distance-only DTW throughput (not built by Maven; see the
 * module README for the commands and the figures measured with it).
 *
 * The same recursion as DtwRecursion's float64 loop, two rows at a time, squared Euclidean cost of
 * univariate series (d = 1):  D[i][j] = (x_i - y_j)^2 + min(D[i-1][j-1], D[i-1][j], D[i][j-1]).
 * REAL is the type of the costs and of the accumulated rows: float by default (the usual fast C
 * baseline), or -DREAL=double, which is what the Java code computes (float32 inputs, float64 costs
 * and sums), so that build prints the same distance as DtwThroughputMain, bit for bit.
 *
 * Inputs come from a 64-bit LCG (Knuth's MMIX constants), the top 24 bits as a float in [-1, 1):
 * DtwThroughputMain generates the same series.
 *
 *   gcc -O3 -march=native -o dtw_ref dtw_ref.c                 # float
 *   gcc -O3 -march=native -DREAL=double -o dtw_ref64 dtw_ref.c  # float64, as the Java code
 *   ./dtw_ref 40000 40000
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef REAL
#define REAL float
#endif

static uint64_t state;

static float next_float(void) {            /* uniform in [-1, 1), exactly representable */
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (float) (state >> 40) * (1.0f / 16777216.0f) * 2.0f - 1.0f;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static REAL dtw(const float *x, int n, const float *y, int m, REAL *prev, REAL *cur) {
  for (int j = 0; j < m; j++) {             /* first row: a running sum */
    REAL t = (REAL) x[0] - (REAL) y[j];
    cur[j] = t * t + (j == 0 ? (REAL) 0 : cur[j - 1]);
  }
  for (int i = 1; i < n; i++) {
    REAL *swap = prev; prev = cur; cur = swap;
    REAL xi = (REAL) x[i];
    REAL t = xi - (REAL) y[0];
    REAL left = t * t + prev[0];
    cur[0] = left;
    for (int j = 1; j < m; j++) {
      REAL diag = prev[j - 1], up = prev[j];
      REAL best = diag < up ? diag : up;
      best = left < best ? left : best;   /* a ternary: gcc emits vminss; an if became a mispredicted branch */
      REAL u = xi - (REAL) y[j];
      left = u * u + best;
      cur[j] = left;
    }
  }
  return cur[m - 1];
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 40000;
  int m = argc > 2 ? atoi(argv[2]) : n;
  state = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
  float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * m);
  REAL *prev = malloc(sizeof(REAL) * m), *cur = malloc(sizeof(REAL) * m);
  if (!x || !y || !prev || !cur) { fprintf(stderr, "dtw_ref: out of memory\n"); return 1; }
  for (int i = 0; i < n; i++) x[i] = next_float();
  for (int j = 0; j < m; j++) y[j] = next_float();
  double t0 = seconds();
  REAL d = dtw(x, n, y, m, prev, cur);
  double t1 = seconds();
  double dd = (double) d;
  uint64_t bits;
  memcpy(&bits, &dd, sizeof bits);
  printf("C %s: %d x %d, distance %.17g (bits %016llx), %.3f s, %.1f Mcells/s\n", sizeof(REAL) == 4 ? "float" : "double",
         n, m, dd, (unsigned long long) bits, t1 - t0, (double) n * m / (t1 - t0) / 1e6);
  return 0;
}
