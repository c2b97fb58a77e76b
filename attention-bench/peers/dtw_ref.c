/*
 * C reference for the DTW kernels (issue "Kernels (additive, retrieval, alignment)"): the unbanded
 * DTW distance of two 1-D float32 series, local cost (x[i] - y[j])^2, accumulated in double
 * (CLI.md: costs and sums are float64 from the float32 inputs), two rolling rows, one thread.
 * With "float" as the 4th argument the accumulation is float instead (ARCHITECTURE §6's float row).
 *
 *   cc -O3 -o dtw_ref dtw_ref.c && ./dtw_ref 4096 4096 5 [double|float]
 *
 * Prints one line: "dtw_ref n=N m=M acc=double best_s=S mcells_per_s=R distance=D" (best of the
 * repeats, cells = n·m). The inputs are a fixed pseudo-random walk, so the distance is reproducible.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double dtw_double(const float *x, int n, const float *y, int m, double *prev, double *cur) {
  prev[0] = 0.0;
  for (int j = 1; j <= m; j++) prev[j] = 1e300;
  for (int i = 1; i <= n; i++) {
    cur[0] = 1e300;
    const double xi = x[i - 1];
    for (int j = 1; j <= m; j++) {
      double diff = xi - (double) y[j - 1];
      double best = prev[j - 1];               /* diagonal first (CLI.md tie order) */
      if (prev[j] < best) best = prev[j];      /* then (i-1, j) */
      if (cur[j - 1] < best) best = cur[j - 1]; /* then (i, j-1) */
      cur[j] = diff * diff + best;
    }
    double *t = prev; prev = cur; cur = t;
  }
  return prev[m];
}

static double dtw_float(const float *x, int n, const float *y, int m, float *prev, float *cur) {
  prev[0] = 0.0f;
  for (int j = 1; j <= m; j++) prev[j] = 1e30f;
  for (int i = 1; i <= n; i++) {
    cur[0] = 1e30f;
    const float xi = x[i - 1];
    for (int j = 1; j <= m; j++) {
      float diff = xi - y[j - 1];
      float best = prev[j - 1];
      if (prev[j] < best) best = prev[j];
      if (cur[j - 1] < best) best = cur[j - 1];
      cur[j] = diff * diff + best;
    }
    float *t = prev; prev = cur; cur = t;
  }
  return prev[m];
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 4096;
  int m = argc > 2 ? atoi(argv[2]) : 4096;
  int reps = argc > 3 ? atoi(argv[3]) : 5;
  int use_float = argc > 4 && strcmp(argv[4], "float") == 0;
  if (n < 1 || m < 1 || reps < 1) {
    fprintf(stderr, "usage: dtw_ref N M REPS [double|float]\n");
    return 2;
  }
  float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * m);
  unsigned long long s = 42;
  float w = 0;
  for (int i = 0; i < n; i++) { s = s * 6364136223846793005ULL + 1442695040888963407ULL; w += (float) ((s >> 40) / 16777216.0 - 0.5); x[i] = w; }
  w = 0;
  for (int j = 0; j < m; j++) { s = s * 6364136223846793005ULL + 1442695040888963407ULL; w += (float) ((s >> 40) / 16777216.0 - 0.5); y[j] = w; }
  void *prev = malloc(sizeof(double) * (m + 1)), *cur = malloc(sizeof(double) * (m + 1));
  double best = 1e300, distance = 0;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    distance = use_float ? dtw_float(x, n, y, m, prev, cur) : dtw_double(x, n, y, m, prev, cur);
    double t = now() - t0;
    if (t < best) best = t;
  }
  printf("dtw_ref n=%d m=%d acc=%s best_s=%.6f mcells_per_s=%.1f distance=%.6f\n", n, m,
         use_float ? "float" : "double", best, (double) n * m / best / 1e6, distance);
  free(x); free(y); free(prev); free(cur);
  return 0;
}
