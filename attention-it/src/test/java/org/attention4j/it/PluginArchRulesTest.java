package org.attention4j.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.attention4j.archunit.PluginArchRules;
import org.junit.jupiter.api.Test;

/**
 * The integrators' rules: each passes on well-behaved code (the example cosine plugin and the
 * fixtures in {@code com.acme}) and fails, naming the rule and the offending class, on its negative
 * control (fixtures in {@code com.badcorp}).
 */
class PluginArchRulesTest {
  @Test
  void theExamplePluginUsesOnlyTheSpi() {
    JavaClasses plugin = new ClassFileImporter().importLocations(Artifacts.locations(Artifacts.examplePlugins()));
    assertTrue(plugin.size() >= 2, "example plugin classes: expected at least 2, got " + plugin.size());
    PluginArchRules.pluginDependsOnlyOnSpi("org.example.cosine..").check(plugin);
    PluginArchRules.usesOnlyExportedApi("org.example..").check(plugin);
  }

  @Test
  void anAdapterUsingExportedPackagesPasses() {
    PluginArchRules.usesOnlyExportedApi("com.acme.app..").check(new ClassFileImporter().importPackages("com.acme.app"));
  }

  @Test
  void usingAnInternalPackageFails() {
    ArchitectureTest.assertFailsNaming("PluginArchRules.usesOnlyExportedApi(com.badcorp.leaky..)",
        PluginArchRules.usesOnlyExportedApi("com.badcorp.leaky.."), new String[] {"com.badcorp.leaky"},
        "com.badcorp.leaky.UsesScalarKernels");
  }

  @Test
  void usingAPackageItsModuleDoesNotExportFails() {
    // org.attention4j.cli is not internal by name; its descriptor exports nothing.
    ArchitectureTest.assertFailsNaming("PluginArchRules.usesOnlyExportedApi(com.badcorp.leakycli..)",
        PluginArchRules.usesOnlyExportedApi("com.badcorp.leakycli.."), new String[] {"com.badcorp.leakycli"},
        "com.badcorp.leakycli.CallsCliMain");
  }

  @Test
  void aPluginUsingTheFacadeFails() {
    ArchitectureTest.assertFailsNaming("PluginArchRules.pluginDependsOnlyOnSpi(com.badcorp.plugin..)",
        PluginArchRules.pluginDependsOnlyOnSpi("com.badcorp.plugin.."), new String[] {"com.badcorp.plugin"},
        "com.badcorp.plugin.FacadeInPlugin");
  }

  @Test
  void aCleanDomainPasses() {
    PluginArchRules.noAttention4jTypesInDomainLayer("com.acme.domain..")
        .check(new ClassFileImporter().importPackages("com.acme.domain"));
  }

  @Test
  void aDomainHoldingAMaskFails() {
    ArchitectureTest.assertFailsNaming("PluginArchRules.noAttention4jTypesInDomainLayer(com.badcorp.domain..)",
        PluginArchRules.noAttention4jTypesInDomainLayer("com.badcorp.domain.."), new String[] {"com.badcorp.domain"},
        "com.badcorp.domain.Invoice");
  }

  @Test
  void blankPackagesAreRefusedNamingTheArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, PluginArchRules::usesOnlyExportedApi);
    assertTrue(e.getMessage().startsWith("packages: expected"), e.getMessage());
  }
}
