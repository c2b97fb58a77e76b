package org.attention4j.biosim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Parameters of the two-compartment {@link DendriteModel}, in mV, ms, pF, nS, pA and mM (so that
 * nS · mV = pA and pA · ms / pF = mV).
 *
 * <p>Soma (adaptive exponential integrate-and-fire, Brette &amp; Gerstner 2005, J Neurophysiol
 * 94:3637, their standard parameter set): {@code cSoma} 281 pF, {@code gLeakSoma} 30 nS, {@code eLeak}
 * −70.6 mV, {@code vThreshold} −50.4 mV, {@code deltaT} 2 mV, {@code a} 4 nS, {@code tauW} 144 ms,
 * {@code b} 80.5 pA, {@code vReset} −70.6 mV. The spike is cut at {@code vCut} = V_T + 5Δ_T (the
 * exponential term then diverges within a fraction of a millisecond, so the cut moves spike times by
 * far less than a millisecond; Brette &amp; Gerstner cut at +20 mV).
 *
 * <p>Distal apical tuft: {@code cTuft} 170 pF and a membrane time constant of 7 ms
 * ({@code gLeakTuft} = 170/7 nS), following the dendritic compartment of the two-compartment layer-5
 * models of Naud et al. 2014 (Front Comput Neurosci 8:90) and Naud &amp; Sprekeler 2018 (PNAS
 * 115:E6329); these two values were taken from memory of those papers and not re-checked here. Coupling {@code gCouple} 20 nS between the compartments.
 * Excitatory synapses reverse at {@code eExc} 0 mV; [Mg²⁺] {@code magnesium} 1 mM for the
 * {@link MgBlock} (Jahr &amp; Stevens 1990).
 *
 * <p>Synaptic drive is a mean conductance: proximal (basal, perisomatic) input is AMPA on the soma;
 * distal input is NMDA on the tuft with AMPA alongside, {@code ampaPerNmda} = 0.2 nS of AMPA per nS
 * of NMDA. Under sustained presynaptic firing the mean NMDA conductance exceeds the AMPA one by
 * roughly the ratio of their decay times (tens of ms against a few ms); 0.2 is our estimate, not a
 * fitted value.
 *
 * <p>Dendritic Ca²⁺ spike (the "hot zone" of Larkum, Zhu &amp; Sakmann 1999, Nature 398:338):
 * I_Ca = {@code gCa} · m · h · ({@code eCa} − V_d), with first-order activation m (half
 * {@code mHalf} −30 mV, slope {@code mSlope} 3 mV, {@code tauM} 2 ms) and inactivation h (half
 * {@code hHalf} −35 mV, slope {@code hSlope} 3 mV, {@code tauH} 12 ms), {@code gCa} 30 nS,
 * {@code eCa} 120 mV. Back-propagating action potential: each somatic spike adds 1 to a variable x
 * that decays with {@code tauBap} 2 ms and drives a current {@code bapAmplitude} · x (2500 pA) into
 * the tuft, standing in for the active propagation along the apical trunk that a passive coupling
 * cannot carry (the bAP current of Naud et al. 2014). The Ca²⁺ channel, coupling and bAP values are
 * ours, chosen (not fitted) so that the model shows BAC firing (Larkum et al. 1999): a bAP alone or
 * distal input alone stays below the Ca²⁺-spike threshold, the two together cross it and the soma
 * bursts.
 *
 * <p>{@code burstIsi} 10 ms: spikes closer than this belong to one burst.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record DendriteParameters(
    double cSoma, double gLeakSoma, double eLeak, double vThreshold, double deltaT, double a, double tauW, double b,
    double vReset, double vCut,
    double cTuft, double gLeakTuft, double gCouple, double eExc, double magnesium, double ampaPerNmda,
    double gCa, double eCa, double mHalf, double mSlope, double tauM, double hHalf, double hSlope, double tauH,
    double bapAmplitude, double tauBap, double burstIsi) {

  public DendriteParameters {
    positive("cSoma", cSoma);
    positive("gLeakSoma", gLeakSoma);
    nonNegative("deltaT", deltaT);
    nonNegative("a", a);
    positive("tauW", tauW);
    nonNegative("b", b);
    if (!(vReset < vCut)) throw new IllegalArgumentException("vReset: expected < vCut (" + vCut + " mV), got " + vReset);
    if (deltaT > 0 && !(vCut > vThreshold)) {
      throw new IllegalArgumentException("vCut: expected > vThreshold (" + vThreshold + " mV), got " + vCut);
    }
    positive("cTuft", cTuft);
    positive("gLeakTuft", gLeakTuft);
    nonNegative("gCouple", gCouple);
    nonNegative("magnesium", magnesium);
    nonNegative("ampaPerNmda", ampaPerNmda);
    nonNegative("gCa", gCa);
    positive("mSlope", mSlope);
    positive("tauM", tauM);
    positive("hSlope", hSlope);
    positive("tauH", tauH);
    nonNegative("bapAmplitude", bapAmplitude);
    positive("tauBap", tauBap);
    positive("burstIsi", burstIsi);
    for (double v : new double[] {eLeak, vThreshold, vReset, vCut, eExc, eCa, mHalf, hHalf}) {
      if (!Double.isFinite(v)) throw new IllegalArgumentException("potentials: expected finite values, got " + v);
    }
  }

  /** The default set described in the class comment. */
  public static DendriteParameters defaults() {
    double vT = -50.4, deltaT = 2.0;
    return new DendriteParameters(281, 30, -70.6, vT, deltaT, 4, 144, 80.5, -70.6, vT + 5 * deltaT,
        170, 170.0 / 7.0, 20, 0, 1.0, 0.2,
        30, 120, -30, 3, 2, -35, 3, 12,
        2500, 2, 10);
  }

  /** The same with another coupling conductance (nS). */
  public DendriteParameters withCoupling(double nanosiemens) {
    return new DendriteParameters(cSoma, gLeakSoma, eLeak, vThreshold, deltaT, a, tauW, b, vReset, vCut, cTuft,
        gLeakTuft, nanosiemens, eExc, magnesium, ampaPerNmda, gCa, eCa, mHalf, mSlope, tauM, hHalf, hSlope, tauH,
        bapAmplitude, tauBap, burstIsi);
  }

  /** The same with another extracellular [Mg²⁺] (mM). */
  public DendriteParameters withMagnesium(double millimolar) {
    return new DendriteParameters(cSoma, gLeakSoma, eLeak, vThreshold, deltaT, a, tauW, b, vReset, vCut, cTuft,
        gLeakTuft, gCouple, eExc, millimolar, ampaPerNmda, gCa, eCa, mHalf, mSlope, tauM, hHalf, hSlope, tauH,
        bapAmplitude, tauBap, burstIsi);
  }

  /** The same with another AMPA share of the distal input (nS AMPA per nS NMDA). */
  public DendriteParameters withAmpaPerNmda(double ratio) {
    return new DendriteParameters(cSoma, gLeakSoma, eLeak, vThreshold, deltaT, a, tauW, b, vReset, vCut, cTuft,
        gLeakTuft, gCouple, eExc, magnesium, ratio, gCa, eCa, mHalf, mSlope, tauM, hHalf, hSlope, tauH,
        bapAmplitude, tauBap, burstIsi);
  }

  /** The same with another peak Ca²⁺ conductance (nS); 0 removes the dendritic Ca²⁺ spike. */
  public DendriteParameters withCalcium(double nanosiemens) {
    return new DendriteParameters(cSoma, gLeakSoma, eLeak, vThreshold, deltaT, a, tauW, b, vReset, vCut, cTuft,
        gLeakTuft, gCouple, eExc, magnesium, ampaPerNmda, nanosiemens, eCa, mHalf, mSlope, tauM, hHalf, hSlope, tauH,
        bapAmplitude, tauBap, burstIsi);
  }

  /** The same with another bAP current amplitude (pA); 0 removes back-propagation into the tuft. */
  public DendriteParameters withBap(double picoamperes) {
    return new DendriteParameters(cSoma, gLeakSoma, eLeak, vThreshold, deltaT, a, tauW, b, vReset, vCut, cTuft,
        gLeakTuft, gCouple, eExc, magnesium, ampaPerNmda, gCa, eCa, mHalf, mSlope, tauM, hHalf, hSlope, tauH,
        picoamperes, tauBap, burstIsi);
  }

  /**
   * The passive membrane: no spike current (Δ_T = 0), no adaptation, no Ca²⁺ conductance, no bAP.
   * What remains is linear (for a constant drive without NMDA), with a closed-form solution.
   */
  public DendriteParameters passive() {
    return new DendriteParameters(cSoma, gLeakSoma, eLeak, vThreshold, 0, 0, tauW, 0, vReset, vCut, cTuft,
        gLeakTuft, gCouple, eExc, magnesium, ampaPerNmda, 0, eCa, mHalf, mSlope, tauM, hHalf, hSlope, tauH,
        0, tauBap, burstIsi);
  }

  /** Steady-state Ca²⁺ activation m∞(V). */
  public double mInf(double v) { return 1.0 / (1.0 + Math.exp(-(v - mHalf) / mSlope)); }

  /** Steady-state Ca²⁺ inactivation h∞(V). */
  public double hInf(double v) { return 1.0 / (1.0 + Math.exp((v - hHalf) / hSlope)); }

  private static void positive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(name + ": expected a finite value > 0, got " + v);
  }

  private static void nonNegative(String name, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException(name + ": expected a finite value ≥ 0, got " + v);
  }
}
