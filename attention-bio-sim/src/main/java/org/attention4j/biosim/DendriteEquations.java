package org.attention4j.biosim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.events.EventHandler;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;
import org.apache.commons.math3.ode.sampling.StepHandler;
import org.apache.commons.math3.ode.sampling.StepInterpolator;

/**
 * The right-hand side of {@link DendriteModel} and one integration run with Commons Math's adaptive
 * Dormand–Prince 5(4) integrator, a spike-and-reset event and a Ca²⁺-spike counting event.
 */
/* Package-private beside DendriteModel, its only user: keeps the api -> internal edge one-way. */
final class DendriteEquations implements FirstOrderDifferentialEquations {
  /** The exponent of the AdEx spike term is capped here (only trial stages far above V_cut get there). */
  private static final double EXP_CAP = 20;
  private static final double MAX_STEP_MS = 1.0;
  private static final double MIN_STEP_MS = 1e-10;
  private static final double EVENT_CHECK_MS = 0.25;
  private static final double EVENT_CONVERGENCE_MS = 1e-9;

  private final DendriteParameters p;
  private final double gProximal;
  private final double gNmda;
  private final double gAmpaDistal;

  DendriteEquations(DendriteParameters p, double proximalNs, double distalNs) {
    this.p = p;
    this.gProximal = proximalNs;
    this.gNmda = distalNs;
    this.gAmpaDistal = p.ampaPerNmda() * distalNs;
  }

  @Override public int getDimension() { return DendriteModel.DIMENSION; }

  @Override
  public void computeDerivatives(double t, double[] y, double[] dy) {
    double vs = y[DendriteModel.V_SOMA], w = y[DendriteModel.ADAPTATION], vd = y[DendriteModel.V_TUFT];
    double m = y[DendriteModel.CA_ACTIVATION], h = y[DendriteModel.CA_INACTIVATION], x = y[DendriteModel.BAP];
    double spike = p.deltaT() > 0
        ? p.gLeakSoma() * p.deltaT() * Math.exp(Math.min((vs - p.vThreshold()) / p.deltaT(), EXP_CAP)) : 0;
    double iSoma = -p.gLeakSoma() * (vs - p.eLeak()) + spike - gProximal * (vs - p.eExc()) + p.gCouple() * (vd - vs) - w;
    double iTuft = -p.gLeakTuft() * (vd - p.eLeak()) + p.gCouple() * (vs - vd) - gAmpaDistal * (vd - p.eExc())
        - gNmda * MgBlock.unblocked(vd, p.magnesium()) * (vd - p.eExc()) + p.gCa() * m * h * (p.eCa() - vd)
        + p.bapAmplitude() * x;
    dy[DendriteModel.V_SOMA] = iSoma / p.cSoma();
    dy[DendriteModel.ADAPTATION] = (p.a() * (vs - p.eLeak()) - w) / p.tauW();
    dy[DendriteModel.V_TUFT] = iTuft / p.cTuft();
    dy[DendriteModel.CA_ACTIVATION] = (p.mInf(vd) - m) / p.tauM();
    dy[DendriteModel.CA_INACTIVATION] = (p.hInf(vd) - h) / p.tauH();
    dy[DendriteModel.BAP] = -x / p.tauBap();
  }

  /** The outcome of one run. */
  record Run(double[] finalState, List<Double> spikeTimes, int calciumEvents, double maxSoma, double maxTuft,
      long steps, double[] traceTime, double[] traceSoma, double[] traceTuft) {}

  /**
   * Integrates from {@code y0} (changed in place) over [0, duration]; statistics and the trace cover
   * [discard, duration]; a trace step of 0 records none.
   */
  static Run run(DendriteParameters p, double tolerance, double proximalNs, double distalNs, double[] y0,
      double duration, double discard, double traceStep) {
    DendriteEquations eq = new DendriteEquations(p, proximalNs, distalNs);
    double[] abs = new double[DendriteModel.DIMENSION], rel = new double[DendriteModel.DIMENSION];
    Arrays.fill(abs, tolerance);
    Arrays.fill(rel, tolerance);
    DormandPrince54Integrator integrator = new DormandPrince54Integrator(MIN_STEP_MS, MAX_STEP_MS, abs, rel);
    List<Double> spikes = new ArrayList<>();
    integrator.addEventHandler(new SpikeStop(p), EVENT_CHECK_MS, EVENT_CONVERGENCE_MS, 200);
    CalciumEvents ca = new CalciumEvents(discard);
    integrator.addEventHandler(ca, EVENT_CHECK_MS, EVENT_CONVERGENCE_MS, 200);
    Recorder rec = new Recorder(discard, duration, traceStep);
    integrator.addStepHandler(rec);
    // The spike stops the integration; the reset is applied here and integration restarts, so every
    // event handler starts again from a state on the right side of its switching function (Commons Math
    // 3.x mislocates events when a RESET_STATE jumps a switching function across zero).
    double[] y = Arrays.copyOf(y0, DendriteModel.DIMENSION);
    double t = 0;
    while (duration - t > 1e-9) {
      t = integrator.integrate(eq, t, y, duration, y);
      if (duration - t > 1e-9) {
        spikes.add(t);
        y[DendriteModel.V_SOMA] = p.vReset();
        y[DendriteModel.ADAPTATION] += p.b();
        y[DendriteModel.BAP] += 1;
      }
    }
    return new Run(y, spikes, ca.count, rec.maxSoma, rec.maxTuft, rec.steps, rec.time(), rec.soma(), rec.tuft());
  }

  /** Somatic spike: V_s reaches V_cut; integration stops there and the caller applies the reset. */
  private static final class SpikeStop implements EventHandler {
    private final DendriteParameters p;

    SpikeStop(DendriteParameters p) { this.p = p; }

    @Override public void init(double t0, double[] y0, double t) {}

    @Override public double g(double t, double[] y) { return y[DendriteModel.V_SOMA] - p.vCut(); }

    @Override public Action eventOccurred(double t, double[] y, boolean increasing) {
      return increasing ? Action.STOP : Action.CONTINUE;
    }

    @Override public void resetState(double t, double[] y) {}
  }

  /** Counts dendritic Ca²⁺ spikes after {@code from}: the activation gate rising through 0.5. */
  private static final class CalciumEvents implements EventHandler {
    private final double from;
    int count;

    CalciumEvents(double from) { this.from = from; }

    @Override public void init(double t0, double[] y0, double t) {}

    @Override public double g(double t, double[] y) { return y[DendriteModel.CA_ACTIVATION] - 0.5; }

    @Override
    public Action eventOccurred(double t, double[] y, boolean increasing) {
      if (increasing && t >= from) count++;
      return Action.CONTINUE;
    }

    @Override public void resetState(double t, double[] y) {}
  }

  /** Maxima at step ends and a trace sampled every {@code step} over [from, to]. */
  private static final class Recorder implements StepHandler {
    private final double from;
    private final double step;
    private final int samples;
    private final double[] time;
    private final double[] soma;
    private final double[] tuft;
    private int next;
    double maxSoma = Double.NEGATIVE_INFINITY;
    double maxTuft = Double.NEGATIVE_INFINITY;
    long steps;

    Recorder(double from, double to, double step) {
      this.from = from;
      this.step = step;
      this.samples = step > 0 ? (int) Math.floor((to - from) / step + 1e-9) + 1 : 0;
      this.time = new double[samples];
      this.soma = new double[samples];
      this.tuft = new double[samples];
    }

    @Override public void init(double t0, double[] y0, double t) {}

    @Override
    public void handleStep(StepInterpolator interpolator, boolean isLast) {
      steps++;
      double t1 = interpolator.getCurrentTime();
      while (next < samples && from + next * step <= t1 + 1e-12) {
        double ts = from + next * step;
        interpolator.setInterpolatedTime(Math.max(ts, interpolator.getPreviousTime()));
        double[] y = interpolator.getInterpolatedState();
        time[next] = ts;
        soma[next] = y[DendriteModel.V_SOMA];
        tuft[next] = y[DendriteModel.V_TUFT];
        next++;
      }
      if (t1 >= from) {
        interpolator.setInterpolatedTime(t1);
        double[] y = interpolator.getInterpolatedState();
        maxSoma = Math.max(maxSoma, y[DendriteModel.V_SOMA]);
        maxTuft = Math.max(maxTuft, y[DendriteModel.V_TUFT]);
      }
    }

    double[] time() { return Arrays.copyOf(time, next); }

    double[] soma() { return Arrays.copyOf(soma, next); }

    double[] tuft() { return Arrays.copyOf(tuft, next); }
  }
}
