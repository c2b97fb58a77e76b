package org.attention4j.biosim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The voltage-dependent Mg²⁺ block of NMDA receptors (Jahr &amp; Stevens 1990, J Neurosci 10:3178):
 * the unblocked fraction is
 * <pre>B(V) = 1 / (1 + [Mg²⁺]/3.57 mM · e^(−0.062 V/mV))</pre>
 * with V in mV and [Mg²⁺] in mM. At −70 mV and 1 mM about 4.4 % of the conductance is available,
 * at −20 mV about 51 %, at 0 mV 78 %: depolarisation "unlocks" the receptor.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class MgBlock {
  /** Jahr &amp; Stevens' dissociation constant at 0 mV (mM). */
  public static final double K_ZERO_MILLIMOLAR = 3.57;
  /** Jahr &amp; Stevens' voltage dependence (per mV). */
  public static final double SLOPE_PER_MILLIVOLT = 0.062;

  private MgBlock() {}

  /**
   * The unblocked fraction B(V) in (0, 1].
   *
   * @param millivolts membrane potential (mV)
   * @param magnesiumMillimolar extracellular [Mg²⁺] (mM), ≥ 0
   */
  public static double unblocked(double millivolts, double magnesiumMillimolar) {
    return 1.0 / (1.0 + magnesiumMillimolar / K_ZERO_MILLIMOLAR * Math.exp(-SLOPE_PER_MILLIVOLT * millivolts));
  }
}
