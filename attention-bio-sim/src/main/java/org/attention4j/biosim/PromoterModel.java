package org.attention4j.biosim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A thermodynamic (Shea–Ackers) promoter with two activators A and B (Ackers, Johnson &amp; Shea 1982,
 * PNAS 79:1129; Shea &amp; Ackers 1985, J Mol Biol 181:211; Buchler, Gerland &amp; Hwa 2003, PNAS
 * 100:5136; Bintu et al. 2005, Curr Opin Genet Dev 15:116). With a = [A]/K_A and b = [B]/K_B, the
 * four binding states have statistical weights
 * <pre>empty: 1    A only: a    B only: b    A and B: ω a b</pre>
 * (ω ≥ 1: cooperative binding, ω = 1: independent), Z = 1 + a + b + ωab, and the expression level
 * is the occupancy-weighted activity
 * <pre>E([A], [B]) = (ε₀ + λ_A a + λ_B b + ω a b) / Z</pre>
 * with the AB state fully active (1), single-bound states leaky (λ_A, λ_B) and the empty promoter at
 * basal activity ε₀. E lies in [0, 1] and tends to 1 when both activators saturate. The numerator
 * of ∂E/∂a is (λ_A − ε₀) + b(λ_A − λ_B) + ωb(1 − ε₀) + ωb²(1 − λ_B) (and symmetrically for b), so E
 * is nondecreasing in [A] and in [B] whenever ω ≥ 1 and 0 ≤ ε₀ ≤ min(λ_A, λ_B) ≤ max(λ_A, λ_B) ≤ 1;
 * the tests check this over grids of random promoters.
 *
 * @param kA dissociation constant of A (concentration unit of the caller, e.g. nM), > 0
 * @param kB dissociation constant of B, > 0
 * @param omega cooperativity ω, > 0
 * @param leakA activity of the A-only state λ_A in [0, 1]
 * @param leakB activity of the B-only state λ_B in [0, 1]
 * @param basal activity of the empty promoter ε₀ in [0, 1]
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record PromoterModel(double kA, double kB, double omega, double leakA, double leakB, double basal) {
  public PromoterModel {
    positive("kA", kA);
    positive("kB", kB);
    positive("omega", omega);
    unit("leakA", leakA);
    unit("leakB", leakB);
    unit("basal", basal);
  }

  /** The same leak for both single-bound states. */
  public static PromoterModel of(double kA, double kB, double omega, double leak, double basal) {
    return new PromoterModel(kA, kB, omega, leak, leak, basal);
  }

  /** State probabilities {empty, A only, B only, A and B} at concentrations [A], [B] ≥ 0. */
  public double[] stateProbabilities(double concA, double concB) {
    double a = ratio("concA", concA, kA), b = ratio("concB", concB, kB);
    double ab = omega * a * b, z = 1 + a + b + ab;
    return new double[] {1 / z, a / z, b / z, ab / z};
  }

  /** The expression level E([A], [B]) in [0, 1]. */
  public double expression(double concA, double concB) {
    double a = ratio("concA", concA, kA), b = ratio("concB", concB, kB);
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      throw new IllegalArgumentException("concentrations: expected finite ratios to K, got " + concA + ", " + concB);
    }
    double ab = omega * a * b;
    return (basal + leakA * a + leakB * b + ab) / (1 + a + b + ab);
  }

  /** The same promoter with another cooperativity. */
  public PromoterModel withOmega(double w) { return new PromoterModel(kA, kB, w, leakA, leakB, basal); }

  /** The same promoter with both leaks set to {@code leak}. */
  public PromoterModel withLeak(double leak) { return new PromoterModel(kA, kB, omega, leak, leak, basal); }

  private static double ratio(String name, double c, double k) {
    if (!(c >= 0) || !Double.isFinite(c)) throw new IllegalArgumentException(name + ": expected a finite concentration ≥ 0, got " + c);
    return c / k;
  }

  private static void positive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(name + ": expected a finite value > 0, got " + v);
  }

  private static void unit(String name, double v) {
    if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(name + ": expected a value in [0, 1], got " + v);
  }
}
