package org.attention4j.biosim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apiguardian.api.API;

/**
 * A least-squares fit of a response surface r[i][j] (rows: one input's levels, columns: the other's)
 * by a separable form with the same number of free parameters, rows + cols − 1:
 * <ul>
 *   <li>{@link Form#MULTIPLICATIVE}: r ≈ f_i · g_j, the best rank-1 approximation (Eckart–Young: the
 *       leading singular triple, σ₁ u₁ v₁ᵀ); one parameter is lost to the scale shared by f and g.
 *       Reported with max |g| = 1, so f is in the unit of r and g is a relative gain.</li>
 *   <li>{@link Form#ADDITIVE}: r ≈ f_i + g_j, row means plus column means minus the grand mean (the
 *       main effects of a two-way layout); one parameter is lost to the shared offset. Reported with
 *       Σ g = 0.</li>
 * </ul>
 * Quality: R² = 1 − RSS/TSS and AIC = n ln(RSS/n) + 2k (Gaussian residuals, constants dropped; with
 * equal k the AIC difference is n ln(RSS_a/RSS_b)). An RSS of exactly 0 is floored at the smallest
 * normal double so that AIC stays finite.
 *
 * @param form which separable form
 * @param rowEffects f_i, one per row
 * @param columnEffects g_j, one per column
 * @param fitted the fitted surface
 * @param rss residual sum of squares
 * @param rSquared coefficient of determination (1 for a constant surface fitted exactly)
 * @param aic Akaike's information criterion
 * @param parameters free parameters k = rows + cols − 1
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SurfaceFit(Form form, double[] rowEffects, double[] columnEffects, double[][] fitted, double rss,
    double rSquared, double aic, int parameters) {

  /** The separable form. */
  public enum Form { MULTIPLICATIVE, ADDITIVE }

  /** The best rank-1 fit r ≈ f_i · g_j. */
  public static SurfaceFit multiplicative(double[][] r) {
    int rows = checkRows(r), cols = r[0].length;
    SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(r, true));
    double sigma = svd.getSingularValues()[0];
    double[] u = svd.getU().getColumn(0), v = svd.getV().getColumn(0);
    int big = 0;
    for (int j = 1; j < cols; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
    double scale = v[big];                              // g = v / v[big]: max |g| = 1, that entry positive
    double[] f = new double[rows], g = new double[cols];
    for (int j = 0; j < cols; j++) g[j] = scale == 0 ? 0 : v[j] / scale;
    for (int i = 0; i < rows; i++) f[i] = sigma * u[i] * scale;
    double[][] fit = new double[rows][cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) fit[i][j] = f[i] * g[j];
    return of(Form.MULTIPLICATIVE, f, g, fit, r);
  }

  /** The least-squares additive fit r ≈ f_i + g_j. */
  public static SurfaceFit additive(double[][] r) {
    int rows = checkRows(r), cols = r[0].length;
    double grand = 0;
    double[] f = new double[rows], g = new double[cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        f[i] += r[i][j] / cols;
        g[j] += r[i][j] / rows;
        grand += r[i][j];
      }
    }
    grand /= (double) rows * cols;
    for (int j = 0; j < cols; j++) g[j] -= grand;
    double[][] fit = new double[rows][cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) fit[i][j] = f[i] + g[j];
    return of(Form.ADDITIVE, f, g, fit, r);
  }

  private static SurfaceFit of(Form form, double[] f, double[] g, double[][] fit, double[][] r) {
    int rows = r.length, cols = r[0].length, n = rows * cols;
    double mean = 0;
    for (double[] row : r) for (double x : row) mean += x / n;
    double rss = 0, tss = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        rss += (r[i][j] - fit[i][j]) * (r[i][j] - fit[i][j]);
        tss += (r[i][j] - mean) * (r[i][j] - mean);
      }
    }
    double r2 = tss == 0 ? (rss == 0 ? 1 : 0) : 1 - rss / tss;
    int k = rows + cols - 1;
    double aic = n * Math.log(Math.max(rss, Double.MIN_NORMAL) / n) + 2.0 * k;
    return new SurfaceFit(form, f, g, fit, rss, r2, aic, k);
  }

  private static int checkRows(double[][] r) {
    if (r.length < 2 || r[0].length < 2) {
      throw new IllegalArgumentException("surface: expected at least 2 × 2 values, got " + r.length + " × "
          + (r.length == 0 ? 0 : r[0].length));
    }
    for (int i = 0; i < r.length; i++) {
      if (r[i].length != r[0].length) {
        throw new IllegalArgumentException("surface row " + i + ": expected " + r[0].length + " values, got " + r[i].length);
      }
      for (int j = 0; j < r[i].length; j++) {
        if (!Double.isFinite(r[i][j])) {
          throw new IllegalArgumentException("surface: expected finite values, got " + r[i][j] + " at (" + i + ", " + j + ")");
        }
      }
    }
    return r.length;
  }
}
