package org.attention4j.biosim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A two-compartment layer-5 pyramidal neuron: an adaptive exponential integrate-and-fire soma and a
 * distal apical tuft with AMPA and Mg²⁺-blocked NMDA synapses, a dendritic Ca²⁺ spike and
 * back-propagating action potentials (bAPs). State y = (V_s, w, V_d, m, h, x):
 * <pre>
 * C_s dV_s/dt = −g_Ls(V_s − E_L) + g_Ls Δ_T e^((V_s − V_T)/Δ_T) − g_p(V_s − E_e) + g_c(V_d − V_s) − w
 * τ_w dw/dt   = a(V_s − E_L) − w
 * C_d dV_d/dt = −g_Ld(V_d − E_L) + g_c(V_s − V_d) − ρ g_n(V_d − E_e) − g_n B(V_d)(V_d − E_e)
 *               + g_Ca m h (E_Ca − V_d) + c_bAP x
 * τ_m dm/dt = m∞(V_d) − m,   τ_h dh/dt = h∞(V_d) − h,   τ_bAP dx/dt = −x
 * V_s reaches V_cut:  V_s ← V_r,  w ← w + b,  x ← x + 1      (a somatic spike and its bAP)
 * </pre>
 * with proximal AMPA drive g_p, distal NMDA drive g_n (and AMPA ρ g_n), B(V) the {@link MgBlock}.
 * Parameters and their sources: {@link DendriteParameters}.
 *
 * <p>Integration: the adaptive Dormand–Prince 5(4) method of Apache Commons Math
 * ({@code DormandPrince54Integrator}), with absolute tolerance {@code tolerance} (mV for potentials,
 * pA for w, 1 for gates) and the same relative tolerance on every component, steps of at most 1 ms;
 * the spike is an event located to 1e-9 ms (checked at least every 0.25 ms), after which the state is
 * reset and integration restarts. Ca²⁺ spikes are counted by a second event (m rising through 0.5).
 * With the default tolerance 1e-6 the passive single compartment relaxes as its closed form to
 * better than 1e-6 mV (measured: 3e-10 mV) and the passive coupled pair to within 1e-5 mV (measured:
 * 2.5e-6 mV); a tolerance of 1e-8 brings the pair within 1e-6 mV. The tests check all three.
 *
 * <p>Instances are immutable and may be shared between threads; each call builds its own integrator.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class DendriteModel {
  /** Index of the somatic potential in the state. */
  public static final int V_SOMA = 0;
  /** Index of the adaptation current w (pA). */
  public static final int ADAPTATION = 1;
  /** Index of the tuft potential. */
  public static final int V_TUFT = 2;
  /** Index of the Ca²⁺ activation gate m. */
  public static final int CA_ACTIVATION = 3;
  /** Index of the Ca²⁺ inactivation gate h. */
  public static final int CA_INACTIVATION = 4;
  /** Index of the bAP variable x. */
  public static final int BAP = 5;
  /** Dimension of the state. */
  public static final int DIMENSION = 6;
  /** The default tolerance (absolute and relative). */
  public static final double DEFAULT_TOLERANCE = 1e-6;

  private final DendriteParameters p;
  private final double tolerance;

  /** A model with the {@link #DEFAULT_TOLERANCE}. */
  public DendriteModel(DendriteParameters parameters) { this(parameters, DEFAULT_TOLERANCE); }

  /** A model integrated with absolute and relative tolerance {@code tolerance} (in (0, 1e-2]). */
  public DendriteModel(DendriteParameters parameters, double tolerance) {
    this.p = java.util.Objects.requireNonNull(parameters, "parameters");
    if (!(tolerance > 0 && tolerance <= 1e-2)) {
      throw new IllegalArgumentException("tolerance: expected a value in (0, 1e-2], got " + tolerance);
    }
    this.tolerance = tolerance;
  }

  public DendriteParameters parameters() { return p; }

  public double tolerance() { return tolerance; }

  /** Both compartments at E_L, no adaptation, the gates at their steady state at E_L, no bAP. */
  public double[] restingState() {
    double[] y = new double[DIMENSION];
    y[V_SOMA] = p.eLeak();
    y[V_TUFT] = p.eLeak();
    y[CA_ACTIVATION] = p.mInf(p.eLeak());
    y[CA_INACTIVATION] = p.hInf(p.eLeak());
    return y;
  }

  /**
   * Simulates {@code durationMs} from rest under constant mean drives and analyses
   * [{@code discardMs}, {@code durationMs}].
   *
   * @param proximalNs mean AMPA conductance on the soma (nS), ≥ 0
   * @param distalNs mean NMDA conductance on the tuft (nS, with {@code ampaPerNmda} · distalNs of AMPA), ≥ 0
   * @param traceStepMs sampling step of the returned trace, or 0 for none
   */
  public DendriteResponse simulate(double proximalNs, double distalNs, double durationMs, double discardMs,
      double traceStepMs) {
    checkDrive(proximalNs, distalNs);
    if (!(durationMs > 0) || !Double.isFinite(durationMs)) {
      throw new IllegalArgumentException("durationMs: expected a finite value > 0, got " + durationMs);
    }
    if (!(discardMs >= 0 && discardMs < durationMs)) {
      throw new IllegalArgumentException("discardMs: expected a value in [0, durationMs = " + durationMs + "), got " + discardMs);
    }
    if (!(traceStepMs >= 0) || !Double.isFinite(traceStepMs)) {
      throw new IllegalArgumentException("traceStepMs: expected a finite value ≥ 0, got " + traceStepMs);
    }
    DendriteEquations.Run run = DendriteEquations.run(p, tolerance, proximalNs, distalNs, restingState(), durationMs,
        discardMs, traceStepMs);
    double[] spikes = run.spikeTimes().stream().mapToDouble(Double::doubleValue).filter(t -> t >= discardMs).toArray();
    int[] b = DendriteResponse.countBursts(spikes, p.burstIsi());
    double rate = spikes.length / ((durationMs - discardMs) / 1000.0);
    Optional<DendriteResponse.Trace> trace = traceStepMs > 0
        ? Optional.of(new DendriteResponse.Trace(run.traceTime(), run.traceSoma(), run.traceTuft()))
        : Optional.empty();
    return new DendriteResponse(spikes, rate, b[0], b[1], run.calciumEvents(), run.maxSoma() - p.eLeak(),
        run.maxTuft(), run.steps(), trace);
  }

  /**
   * Integrates from {@code y0} for {@code timeMs} under constant drives (spike resets included) and
   * returns the final state; {@code y0} is not changed.
   */
  public double[] integrate(double[] y0, double proximalNs, double distalNs, double timeMs) {
    checkDrive(proximalNs, distalNs);
    if (y0.length != DIMENSION) {
      throw new IllegalArgumentException("y0: expected " + DIMENSION + " components, got " + y0.length);
    }
    if (!(timeMs >= 0) || !Double.isFinite(timeMs)) {
      throw new IllegalArgumentException("timeMs: expected a finite value ≥ 0, got " + timeMs);
    }
    if (timeMs == 0) return Arrays.copyOf(y0, DIMENSION);
    return DendriteEquations.run(p, tolerance, proximalNs, distalNs, Arrays.copyOf(y0, DIMENSION), timeMs, 0, 0)
        .finalState();
  }

  private static void checkDrive(double proximalNs, double distalNs) {
    if (!(proximalNs >= 0) || !Double.isFinite(proximalNs)) {
      throw new IllegalArgumentException("proximalNs: expected a finite conductance ≥ 0, got " + proximalNs);
    }
    if (!(distalNs >= 0) || !Double.isFinite(distalNs)) {
      throw new IllegalArgumentException("distalNs: expected a finite conductance ≥ 0, got " + distalNs);
    }
  }
}
