package org.attention4j.biosim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;
import org.apiguardian.api.API;

/**
 * The Hill-function approximation of an AND promoter: a product of two Hill functions (Alon 2006,
 * An Introduction to Systems Biology, ch. 2; Hill 1910)
 * <pre>E_Hill([A], [B]) = E_max · [A]^n_A / (K_A^n_A + [A]^n_A) · [B]^n_B / (K_B^n_B + [B]^n_B)</pre>
 * For independent binding without leak (ω = 1, λ = ε₀ = 0) the thermodynamic model is exactly this
 * with E_max = 1, n = 1 and the dissociation constants; otherwise the effective constants are
 * fitted.
 *
 * @param max E_max
 * @param kA effective half-activation concentration of A
 * @param nA Hill coefficient of A
 * @param kB effective half-activation concentration of B
 * @param nB Hill coefficient of B
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record HillProduct(double max, double kA, double nA, double kB, double nB) {

  /** E_Hill([A], [B]). */
  public double value(double concA, double concB) { return max * hill(concA, kA, nA) * hill(concB, kB, nB); }

  /** x^n / (K^n + x^n), 0 at x = 0. */
  public static double hill(double x, double k, double n) {
    if (x <= 0) return 0;
    return 1.0 / (1.0 + Math.exp(n * (Math.log(k) - Math.log(x))));
  }

  /**
   * Least-squares fit (Levenberg–Marquardt, parameters in log space so they stay positive) to
   * {@code values[i][j]} at ([A] = {@code concA[i]}, [B] = {@code concB[j]}), all concentrations > 0.
   */
  public static HillProduct fit(double[] concA, double[] concB, double[][] values, HillProduct start) {
    int na = concA.length, nb = concB.length;
    if (values.length != na) throw new IllegalArgumentException("values: expected " + na + " rows, got " + values.length);
    double[] target = new double[na * nb];
    for (int i = 0; i < na; i++) {
      if (!(concA[i] > 0)) throw new IllegalArgumentException("concA: expected > 0, got " + concA[i] + " at " + i);
      if (values[i].length != nb) {
        throw new IllegalArgumentException("values row " + i + ": expected " + nb + " columns, got " + values[i].length);
      }
      System.arraycopy(values[i], 0, target, i * nb, nb);
    }
    for (int j = 0; j < nb; j++) {
      if (!(concB[j] > 0)) throw new IllegalArgumentException("concB: expected > 0, got " + concB[j] + " at " + j);
    }
    double[] lnA = new double[na], lnB = new double[nb];
    for (int i = 0; i < na; i++) lnA[i] = Math.log(concA[i]);
    for (int j = 0; j < nb; j++) lnB[j] = Math.log(concB[j]);
    LeastSquaresOptimizer.Optimum opt = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
        .start(new double[] {Math.log(start.max), Math.log(start.kA), Math.log(start.nA), Math.log(start.kB),
            Math.log(start.nB)})
        .model(point -> {
          double m = Math.exp(point.getEntry(0)), lkA = point.getEntry(1), nA = Math.exp(point.getEntry(2));
          double lkB = point.getEntry(3), nB = Math.exp(point.getEntry(4));
          RealVector value = new ArrayRealVector(na * nb);
          Array2DRowRealMatrix jac = new Array2DRowRealMatrix(na * nb, 5);
          for (int i = 0; i < na; i++) {
            double ha = 1 / (1 + Math.exp(nA * (lkA - lnA[i])));
            for (int j = 0; j < nb; j++) {
              double hb = 1 / (1 + Math.exp(nB * (lkB - lnB[j])));
              int r = i * nb + j;
              double e = m * ha * hb;
              value.setEntry(r, e);
              jac.setEntry(r, 0, e);                                           // d/d ln max
              jac.setEntry(r, 1, -e * (1 - ha) * nA);                          // d/d ln K_A
              jac.setEntry(r, 2, -e * (1 - ha) * nA * (lkA - lnA[i]));         // d/d ln n_A
              jac.setEntry(r, 3, -e * (1 - hb) * nB);
              jac.setEntry(r, 4, -e * (1 - hb) * nB * (lkB - lnB[j]));
            }
          }
          return new Pair<>(value, jac);
        })
        .target(target)
        .maxEvaluations(10_000)
        .maxIterations(10_000)
        .build());
    RealVector x = opt.getPoint();
    return new HillProduct(Math.exp(x.getEntry(0)), Math.exp(x.getEntry(1)), Math.exp(x.getEntry(2)),
        Math.exp(x.getEntry(3)), Math.exp(x.getEntry(4)));
  }
}
