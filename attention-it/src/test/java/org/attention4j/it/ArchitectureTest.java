package org.attention4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.attention4j.archunit.AttentionArchRules;
import org.attention4j.archunit.internal.Modules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Applies every rule of {@link AttentionArchRules} to the main classes of every built Attention4J
 * jar, and proves each rule can fail: its negative control (a fixture in this module's test classes)
 * breaks it, and the failure message names the rule and the offending class.
 */
class ArchitectureTest {
  /**
   * Fewer imported classes than this means the import went wrong: the eight modules had 156 class
   * files when this was written. Raise it as modules grow; never lower it to make a test pass.
   */
  private static final int MIN_IMPORTED_CLASSES = 140;

  private static JavaClasses classes;

  @BeforeAll
  static void importBuiltJars() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importLocations(Artifacts.locations(Artifacts.attention4j()));
  }

  @Test
  void importsTheClassesOfEveryModule() {
    assertTrue(classes.size() >= MIN_IMPORTED_CLASSES,
        "imported classes: expected at least " + MIN_IMPORTED_CLASSES + ", got " + classes.size() + " from "
            + Artifacts.attention4j());
    Map<String, Long> perModule = classes.stream()
        .collect(Collectors.groupingBy(c -> Modules.moduleOf(c.getPackageName()).orElse("(outside)"), TreeMap::new,
            Collectors.counting()));
    Set<String> expected = Artifacts.byModule().keySet().stream()
        .map(name -> name.substring(Modules.ROOT.length() + 1)).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, perModule.keySet(), "modules with imported classes (counts " + perModule + ")");
  }

  @Test
  void everyReactorModuleIsBuiltAndTested() throws IOException {
    // Every attention-* folder with a module descriptor must reach this module as an artifact.
    Set<String> inRepository = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(Artifacts.root())) {
      dirs.filter(d -> d.getFileName().toString().startsWith("attention-"))
          .filter(d -> Files.isRegularFile(d.resolve("src/main/java/module-info.java")))
          .forEach(d -> inRepository.add(Modules.ROOT + "." + d.getFileName().toString().substring("attention-".length())
              .replace("-", "")));
    }
    assertEquals(inRepository, Artifacts.byModule().keySet(),
        "modules in the repository vs. artifacts attention-it depends on (add new modules to attention-it/pom.xml)");
  }

  @Test
  void everyModuleIsInTheArchitectureTable() {
    for (String module : Artifacts.byModule().keySet()) {
      String shortName = module.substring(Modules.ROOT.length() + 1);
      assertTrue(AttentionArchRules.ALLOWED_MODULE_DEPENDENCIES.containsKey(shortName),
          "module " + module + ": expected in AttentionArchRules.ALLOWED_MODULE_DEPENDENCIES (ARCHITECTURE §4), got "
              + AttentionArchRules.ALLOWED_MODULE_DEPENDENCIES.keySet());
    }
  }

  @TestFactory
  Stream<DynamicTest> everyRuleHoldsForEveryModule() {
    return AttentionArchRules.all().entrySet().stream()
        .map(e -> dynamicTest(e.getKey(), () -> e.getValue().check(classes)));
  }

  @Test
  void everyRuleHasANegativeControl() {
    assertEquals(new TreeSet<>(AttentionArchRules.all().keySet()), new TreeSet<>(NegativeControls.BY_RULE.keySet()),
        "rules vs. negative controls (add a fixture to NegativeControls for each new rule)");
  }

  @TestFactory
  Stream<DynamicTest> everyRuleFailsOnItsNegativeControl() {
    return AttentionArchRules.all().entrySet().stream()
        .filter(e -> NegativeControls.BY_RULE.containsKey(e.getKey()))
        .map(e -> dynamicTest(e.getKey(), () -> {
          NegativeControls.Control control = NegativeControls.BY_RULE.get(e.getKey());
          assertFailsNaming(e.getKey(), e.getValue(), control.packages().toArray(String[]::new), control.offender());
        }));
  }

  /** Imports the fixture packages and asserts the rule fails with a message naming it and the offender. */
  static void assertFailsNaming(String ruleName, ArchRule rule, String[] packages, String offender) {
    JavaClasses fixtures = new ClassFileImporter().importPackages(packages);
    assertTrue(fixtures.stream().map(JavaClass::getName).anyMatch(offender::equals),
        "fixture " + offender + ": expected among the imported classes, got " + fixtures);
    AssertionError error = assertThrows(AssertionError.class, () -> rule.check(fixtures),
        ruleName + ": expected to fail on its negative control " + offender);
    String message = error.getMessage();
    assertTrue(message.contains(ruleName), ruleName + ": expected the failure message to name the rule, got " + message);
    assertTrue(message.contains(offender),
        ruleName + ": expected the failure message to name " + offender + ", got " + message);
  }
}
