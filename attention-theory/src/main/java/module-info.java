/**
 * The chapter's theory claims as scenarios: each measures one claim of SEED-DIGEST, returns metrics,
 * a verdict and data-only figures. Scorers and normalizers are reached through the registry; learned
 * scenarios train with attention-train.
 *
 * @provides org.attention4j.api.spi.ScenarioProvider {@code gibbs-temperature} (claim 3.1),
 *     {@code robustness-norm} (1.1), {@code expressiveness} (1.2),
 *     {@code kernel-smoothing} (3.2), {@code exponential-family} (3.3), {@code domain-shift} (1.3),
 *     {@code efficiency} (the conclusion's cost trade-off, C)
 */
module org.attention4j.theory {
  requires org.attention4j.api;
  requires org.attention4j.train;
  requires static org.apiguardian.api;

  provides org.attention4j.api.spi.ScenarioProvider with
      org.attention4j.theory.internal.GibbsTemperatureScenario,
      org.attention4j.theory.internal.RobustnessNormScenario,
      org.attention4j.theory.internal.ExpressivenessScenario,
      org.attention4j.theory.internal.KernelSmoothingScenario,
      org.attention4j.theory.internal.ExponentialFamilyScenario,
      org.attention4j.theory.internal.DomainShiftScenario,
      org.attention4j.theory.internal.EfficiencyScenario;
}
