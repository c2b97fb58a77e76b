/**
 * SEED-DIGEST §4, analogues of multiplicative attention in the natural sciences: a two-compartment
 * NMDA dendrite (claim 4.1, dendritic gain modulation) and a thermodynamic transcriptional AND gate
 * (claim 4.2), each with a multiplicative-versus-additive fit of its response surface and a
 * comparison with a multiplicative score qᵀWk computed by a scorer of the registry.
 *
 * <p>Exports the models ({@code org.attention4j.biosim}); the scenarios sit in the non-exported
 * {@code internal} package and are found through the registry. Uses Apache Commons Math 3.6.1 (the
 * automatic module {@code commons.math3}) for the adaptive ODE integrator, the SVD and
 * Levenberg–Marquardt.
 *
 * @provides org.attention4j.api.spi.ScenarioProvider {@code bio-dendrite} (claim 4.1) and
 *     {@code bio-and-gate} (claim 4.2)
 */
module org.attention4j.biosim {
  requires org.attention4j.api;
  requires commons.math3;
  requires static transitive org.apiguardian.api;   // the @API markers of the exported types

  exports org.attention4j.biosim;

  provides org.attention4j.api.spi.ScenarioProvider with
      org.attention4j.biosim.internal.DendriteGainScenario,
      org.attention4j.biosim.internal.AndGateScenario;
}
