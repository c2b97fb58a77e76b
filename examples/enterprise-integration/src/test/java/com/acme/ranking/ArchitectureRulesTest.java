package com.acme.ranking;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.attention4j.archunit.PluginArchRules;
import org.junit.jupiter.api.Test;

/**
 * Attention4J's integrator rules on this service's own main classes, and on a seeded violation in
 * test sources ({@code com.acme.ranking.domain.violation}) to prove the rules can fail here.
 */
class ArchitectureRulesTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("com.acme.ranking");
  private static final JavaClasses VIOLATION = new ClassFileImporter().importPackages("com.acme.ranking.domain.violation");

  @Test void importsTheServicesClasses() {
    assertTrue(MAIN.size() >= 7, "expected the domain, adapter and app classes, got " + MAIN.size());
    assertTrue(MAIN.stream().noneMatch(c -> c.getPackageName().contains("violation")), "test classes must not be imported");
  }

  @Test void theDomainKnowsNothingOfAttention4j() {
    PluginArchRules.noAttention4jTypesInDomainLayer("com.acme.ranking.domain..").check(MAIN);
  }

  @Test void theServiceUsesOnlyExportedApi() {
    PluginArchRules.usesOnlyExportedApi("com.acme.ranking..").check(MAIN);
  }

  @Test void aDomainClassUsingAttention4jFailsTheDomainRule() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> PluginArchRules.noAttention4jTypesInDomainLayer("com.acme.ranking.domain..").check(VIOLATION));
    String m = e.getMessage();
    assertTrue(m.contains("noAttention4jTypesInDomainLayer(com.acme.ranking.domain..)"), m);
    assertTrue(m.contains("com.acme.ranking.domain.violation.DomainScoresWithArrow"), m);
    assertTrue(m.contains("org.attention4j.api.DenseMatrices"), m);
  }

  @Test void reachingIntoAnInternalPackageFailsTheExportedApiRule() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> PluginArchRules.usesOnlyExportedApi("com.acme.ranking..").check(VIOLATION));
    String m = e.getMessage();
    assertTrue(m.contains("usesOnlyExportedApi(com.acme.ranking..)"), m);
    assertTrue(m.contains("com.acme.ranking.domain.violation.ReachesIntoInternals"), m);
    assertTrue(m.contains("org.attention4j.api.internal.SoftmaxNormalizerProvider"), m);
  }
}
