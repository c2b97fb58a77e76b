package org.attention4j.biosim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The two-compartment model: the integrator against closed forms, the Mg²⁺ block, and the claims of
 * SEED-DIGEST 4.1 in numbers (default parameters, 1 s runs of which the first 200 ms are discarded).
 */
class DendriteModelTest {
  private static final double T = 1000, DISCARD = 200;
  private final DendriteModel model = new DendriteModel(DendriteParameters.defaults());

  @Test void passiveSomaRelaxesExponentiallyToWithin1e6Millivolt() {
    DendriteParameters p = DendriteParameters.defaults().passive().withCoupling(0);
    DendriteModel m = new DendriteModel(p);
    double gp = 5, vInf = (p.gLeakSoma() * p.eLeak() + gp * p.eExc()) / (p.gLeakSoma() + gp);
    double tau = p.cSoma() / (p.gLeakSoma() + gp);
    double[] y0 = m.restingState();
    y0[DendriteModel.V_SOMA] = p.eLeak() + 10;
    for (double t : new double[] {0.5, 1, 3, 10, 30, 100}) {
      double exact = vInf + (y0[DendriteModel.V_SOMA] - vInf) * Math.exp(-t / tau);
      assertEquals(exact, m.integrate(y0, gp, 0, t)[DendriteModel.V_SOMA], 1e-6, "V_s at t = " + t + " ms");
    }
    assertEquals(p.eLeak() + 10, y0[DendriteModel.V_SOMA], "y0 is not changed");
  }

  @Test void passiveCoupledCompartmentsFollowTheTwoExponentialSolution() {
    assertCoupledRelaxation(1e-8, 1e-6);
    assertCoupledRelaxation(DendriteModel.DEFAULT_TOLERANCE, 1e-5);
  }

  /** Linear system dV/dt = A V + c with V = (V_s, V_d): closed form through the eigenvalues of A. */
  private static void assertCoupledRelaxation(double tolerance, double allowedMv) {
    DendriteParameters p = DendriteParameters.defaults().passive();
    DendriteModel m = new DendriteModel(p, tolerance);
    double gp = 8, gc = p.gCouple();
    double a11 = -(p.gLeakSoma() + gp + gc) / p.cSoma(), a12 = gc / p.cSoma();
    double a21 = gc / p.cTuft(), a22 = -(p.gLeakTuft() + gc) / p.cTuft();
    double c1 = (p.gLeakSoma() * p.eLeak() + gp * p.eExc()) / p.cSoma(), c2 = p.gLeakTuft() * p.eLeak() / p.cTuft();
    double det = a11 * a22 - a12 * a21;
    double vs = (-c1 * a22 + a12 * c2) / det, vd = (-a11 * c2 + a21 * c1) / det;    // fixed point A V* = −c
    double tr = a11 + a22, disc = Math.sqrt(tr * tr / 4 - det);
    double l1 = tr / 2 + disc, l2 = tr / 2 - disc;
    double[] y0 = m.restingState();
    y0[DendriteModel.V_SOMA] = -60;
    y0[DendriteModel.V_TUFT] = -80;
    double u0 = y0[DendriteModel.V_SOMA] - vs, w0 = y0[DendriteModel.V_TUFT] - vd;
    for (double t : new double[] {0.2, 1, 4, 15, 60}) {
      // e^{At} = (e^{l1 t}(A − l2 I) − e^{l2 t}(A − l1 I)) / (l1 − l2)
      double e1 = Math.exp(l1 * t), e2 = Math.exp(l2 * t), k = l1 - l2;
      double m11 = (e1 * (a11 - l2) - e2 * (a11 - l1)) / k, m12 = (e1 - e2) * a12 / k;
      double m21 = (e1 - e2) * a21 / k, m22 = (e1 * (a22 - l2) - e2 * (a22 - l1)) / k;
      double[] y = m.integrate(y0, gp, 0, t);
      assertEquals(vs + m11 * u0 + m12 * w0, y[DendriteModel.V_SOMA], allowedMv, "V_s at t = " + t + ", tol " + tolerance);
      assertEquals(vd + m21 * u0 + m22 * w0, y[DendriteModel.V_TUFT], allowedMv, "V_d at t = " + t + ", tol " + tolerance);
    }
  }

  @Test void mgBlockIsJahrAndStevens1990() {
    assertEquals(1 / (1 + 1 / 3.57), MgBlock.unblocked(0, 1), 1e-15);
    assertEquals(1 / (1 + Math.exp(0.062 * 70) / 3.57), MgBlock.unblocked(-70, 1), 1e-15);
    assertEquals(0.0445, MgBlock.unblocked(-70, 1), 5e-4, "about 4.4 % unblocked at rest");
    assertEquals(1.0, MgBlock.unblocked(-70, 0), 0, "no magnesium, no block");
    for (double v = -100; v < 40; v += 1) assertTrue(MgBlock.unblocked(v + 1, 1) > MgBlock.unblocked(v, 1), "rises at " + v);
  }

  @Test void distalInputAloneBelowThresholdGivesNoSomaticSpikes() {
    for (double d : new double[] {10, 20, 30, 40}) {
      DendriteResponse r = model.simulate(0, d, T, DISCARD, 0);
      assertEquals(0, r.spikeTimesMs().length, "spikes at distal " + d + " nS");
      assertEquals(0, r.calciumEvents(), "Ca2+ spikes at distal " + d + " nS");
      assertTrue(r.maxSomaDepolarizationMv() < 7.5, "soma moved by " + r.maxSomaDepolarizationMv() + " mV at " + d + " nS");
    }
  }

  @Test void coincidentInputGivesBurstsAndNeedsTheBackPropagatingSpike() {
    DendriteResponse proximal = model.simulate(20, 0, T, DISCARD, 0);
    DendriteResponse both = model.simulate(20, 40, T, DISCARD, 0);
    assertTrue(proximal.rateHz() > 5 && proximal.bursts() == 0, "proximal only: " + proximal.rateHz() + " Hz, "
        + proximal.bursts() + " bursts");
    assertTrue(both.bursts() >= 5, "coincident input: " + both.bursts() + " bursts in 800 ms");
    assertTrue(both.burstFraction() > 0.5, "coincident input: burst fraction " + both.burstFraction());
    assertTrue(both.calciumEvents() >= both.bursts() - 1, "a Ca2+ spike per burst: " + both.calciumEvents());
    assertTrue(both.rateHz() > 3 * proximal.rateHz(), both.rateHz() + " vs " + proximal.rateHz() + " Hz");
    DendriteResponse noBap = new DendriteModel(DendriteParameters.defaults().withBap(0)).simulate(20, 40, T, DISCARD, 0);
    assertEquals(0, noBap.bursts(), "without bAPs the distal input cannot trigger the Ca2+ spike");
    assertEquals(0, noBap.calciumEvents());
  }

  @Test void gainRisesWithDistalDriveAndTheSurfaceIsMultiplicative() {
    double[] p = new double[9], d = {0, 10, 20, 30, 40};
    for (int i = 0; i < p.length; i++) p[i] = 4 * i;
    double[][] r = new double[p.length][d.length];
    for (int i = 0; i < p.length; i++) for (int j = 0; j < d.length; j++) r[i][j] = model.simulate(p[i], d[j], T, DISCARD, 0).rateHz();
    double[] gain = new double[d.length];
    for (int j = 0; j < d.length; j++) {
      double[] col = new double[p.length];
      for (int i = 0; i < p.length; i++) col[i] = r[i][j];
      gain[j] = slope(p, col);
    }
    for (int j = 1; j < d.length; j++) assertTrue(gain[j] > gain[j - 1], "gain at " + d[j] + " nS: " + java.util.Arrays.toString(gain));
    assertTrue(gain[d.length - 1] > 1.5 * gain[0], java.util.Arrays.toString(gain));
    for (int j = 0; j < d.length; j++) assertEquals(0, r[0][j], "distal only, " + d[j] + " nS");
    SurfaceFit mult = SurfaceFit.multiplicative(r), add = SurfaceFit.additive(r);
    assertEquals(mult.parameters(), add.parameters());
    assertTrue(mult.rSquared() > add.rSquared() && mult.rSquared() > 0.97, mult.rSquared() + " vs " + add.rSquared());
    assertTrue(add.aic() - mult.aic() > 10, "AIC " + mult.aic() + " vs " + add.aic());
  }

  @Test void traceIsSampledOverTheWindow() {
    DendriteResponse r = model.simulate(20, 40, 300, 100, 0.5);
    DendriteResponse.Trace t = r.trace().orElseThrow();
    assertEquals(401, t.timeMs().length);
    assertEquals(100, t.timeMs()[0], 1e-12);
    assertEquals(300, t.timeMs()[400], 1e-9);
    for (double v : t.somaMv()) assertTrue(v <= DendriteParameters.defaults().vCut() + 1e-6, "soma above the cut: " + v);
    assertTrue(r.maxTuftMv() > -20, "a Ca2+ spike reaches the tuft: " + r.maxTuftMv());
  }

  @Test void burstsAreRunsOfShortIntervals() {
    assertArrayEquals(new int[] {2, 5}, DendriteResponse.countBursts(new double[] {0, 5, 9, 40, 100, 104, 200}, 10));
    assertArrayEquals(new int[] {0, 0}, DendriteResponse.countBursts(new double[] {0, 20, 40}, 10));
    assertArrayEquals(new int[] {0, 0}, DendriteResponse.countBursts(new double[] {}, 10));
  }

  @Test void badArgumentsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.simulate(-1, 0, 100, 0, 0));
    assertTrue(e.getMessage().startsWith("proximalNs: expected"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> model.simulate(0, 0, 100, 100, 0));
    assertTrue(e.getMessage().startsWith("discardMs: expected"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new DendriteModel(DendriteParameters.defaults(), 0));
    assertTrue(e.getMessage().startsWith("tolerance: expected"), e.getMessage());
  }

  private static double slope(double[] x, double[] y) {
    double mx = 0, my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i] / x.length;
      my += y[i] / x.length;
    }
    double sxy = 0, sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
  }
}
