package org.attention4j.it;

import java.util.List;
import java.util.Map;

/**
 * For each rule of {@code AttentionArchRules}: the fixture packages (test classes of attention-it)
 * that break it, and the class the failure message must name. {@code ArchitectureTest} checks that
 * every rule has one.
 */
final class NegativeControls {
  /** A fixture: import {@code packages}; the rule must fail naming {@code offender}. */
  record Control(List<String> packages, String offender) {}

  static final Map<String, Control> BY_RULE = Map.ofEntries(
      Map.entry("VECTOR_API_ONLY_IN_SIMD_MODULE",
          new Control(List.of("org.attention4j.fixtures.vectorapi"), "org.attention4j.fixtures.vectorapi.UsesVectorApi")),
      Map.entry("NO_DAGGER_OUTSIDE_CLI",
          new Control(List.of("org.attention4j.fixtures.dagger"), "org.attention4j.fixtures.dagger.UsesDagger")),
      Map.entry("PLOTTING_AND_PICOCLI_ONLY_IN_CLI",
          new Control(List.of("org.attention4j.fixtures.draws"), "org.attention4j.fixtures.draws.DrawsInALibrary")),
      Map.entry("API_DEPENDS_ONLY_ON_JDK_ARROW_JACKSON_AND_APIGUARDIAN",
          new Control(List.of("org.attention4j.api.fixtures"), "org.attention4j.api.fixtures.ApiUsesPicocli")),
      Map.entry("SPI_DEPENDS_ONLY_ON_API_ARROW_AND_JDK",
          new Control(List.of("org.attention4j.api.spi.fixtures"), "org.attention4j.api.spi.fixtures.SpiUsesRegistry")),
      Map.entry("MODULE_DEPENDENCIES_FOLLOW_ARCHITECTURE",
          new Control(List.of("org.attention4j.bilinear.fixtures", "org.attention4j.train.fixtures"),
              "org.attention4j.bilinear.fixtures.BilinearUsesTrain")),
      Map.entry("NO_INTERNAL_ACROSS_MODULES",
          new Control(List.of("org.attention4j.fixtures.internalreach"),
              "org.attention4j.fixtures.internalreach.ReachesApiInternal")),
      Map.entry("MODULES_FREE_OF_CYCLES",
          new Control(List.of("org.attention4j.cyclea.fixtures", "org.attention4j.cycleb.fixtures"),
              "org.attention4j.cyclea.fixtures.ModuleA")),
      Map.entry("PACKAGES_FREE_OF_CYCLES",
          new Control(List.of("org.attention4j.fixtures.cycle"), "org.attention4j.fixtures.cycle.left.Left")),
      Map.entry("MECHANISMS_DO_NOT_IMPORT_EACH_OTHER",
          new Control(List.of("org.attention4j.additive.fixtures"),
              "org.attention4j.additive.fixtures.AdditiveImportsBilinear")),
      Map.entry("DOMAINS_REACH_MECHANISMS_THROUGH_REGISTRY",
          new Control(List.of("org.attention4j.theory.fixtures"), "org.attention4j.theory.fixtures.TheoryImportsDotScorer")),
      Map.entry("NOTHING_DEPENDS_ON_CLI",
          new Control(List.of("org.attention4j.fixtures.usescli"), "org.attention4j.fixtures.usescli.LibraryCallsCli")),
      Map.entry("PUBLIC_EXPORTED_TYPES_DECLARE_API_STATUS",
          new Control(List.of("org.attention4j.fixtures.noapistatus"),
              "org.attention4j.fixtures.noapistatus.PublicWithoutApiStatus")),
      Map.entry("NO_GENERIC_EXCEPTIONS",
          new Control(List.of("org.attention4j.fixtures.generic"), "org.attention4j.fixtures.generic.ThrowsRuntimeException")),
      Map.entry("ARCHUNIT_RULES_DEPEND_ONLY_ON_ARCHUNIT",
          new Control(List.of("org.attention4j.archunit.fixtures"), "org.attention4j.archunit.fixtures.RulesUseArrow")));

  private NegativeControls() {}
}
