package org.attention4j.archunit;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;
import org.attention4j.archunit.internal.Conditions;
import org.attention4j.archunit.internal.Modules;

/**
 * Rules for plugin authors and integrators, parameterised by their own packages (ArchUnit package
 * identifiers such as {@code "com.acme.."}). Run them like any ArchUnit rule on your own classes:
 *
 * <pre>{@code
 * JavaClasses classes = new ClassFileImporter().importPackages("com.acme");
 * PluginArchRules.usesOnlyExportedApi("com.acme..").check(classes);
 * PluginArchRules.pluginDependsOnlyOnSpi("com.acme.scorer..").check(classes);
 * PluginArchRules.noAttention4jTypesInDomainLayer("com.acme.domain..").check(classes);
 * }</pre>
 *
 * <p>A failure message starts with the rule's name and parameters; each violation line names the
 * offending class, the Attention4J type it uses and where.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class PluginArchRules {
  /** The packages a plugin may use: the api's data types, the SPI and the figure specs. */
  private static final String[] SPI_PACKAGES = {Modules.ROOT + ".api", Modules.ROOT + ".api.spi..",
      Modules.ROOT + ".api.figure.."};

  private PluginArchRules() {}

  /**
   * Classes in {@code packages} use only packages that Attention4J modules export: never an
   * {@code internal} package, nor any package a module's descriptor does not export (on the class
   * path the compiler lets this through; these types may change in any release).
   *
   * @param packages ArchUnit package identifiers of your code, e.g. {@code "com.acme.."}
   * @return the rule
   */
  public static ArchRule usesOnlyExportedApi(String... packages) {
    requirePackages(packages);
    return noClasses().that().resideInAnyPackage(packages)
        .should().dependOnClassesThat(Conditions.attention4jNotExported())
        .as("PluginArchRules.usesOnlyExportedApi(" + String.join(", ", packages) + "): no classes in "
            + String.join(", ", packages) + " should depend on Attention4J types outside its exported packages")
        .because("only exported packages are Attention4J's API; internal types change without notice");
  }

  /**
   * Classes of a plugin use Attention4J only through the SPI: {@code org.attention4j.api} (data
   * types such as {@code DenseMatrices}, {@code Settings}, {@code ParameterSpec}),
   * {@code org.attention4j.api.spi} and {@code org.attention4j.api.figure}; not the registry, the
   * facade, internals or any other Attention4J module. Other libraries are not restricted.
   *
   * @param pluginPackage ArchUnit package identifier of the plugin, e.g. {@code "com.acme.scorer.."}
   * @return the rule
   */
  public static ArchRule pluginDependsOnlyOnSpi(String pluginPackage) {
    requirePackages(pluginPackage);
    return classes().that().resideInAPackage(pluginPackage)
        .should().onlyDependOnClassesThat(
            not(resideInAPackage(Modules.ROOT + "..")).or(resideInAnyPackage(SPI_PACKAGES)))
        .as("PluginArchRules.pluginDependsOnlyOnSpi(" + pluginPackage + "): classes in " + pluginPackage
            + " should use Attention4J only through " + Arrays.toString(SPI_PACKAGES))
        .because("a plugin built against the SPI alone loads into any application, next to any other plugin");
  }

  /**
   * Classes of a domain layer do not know Attention4J at all: the adapter that calls it lives
   * outside {@code domainPackage} (hexagonal architecture).
   *
   * @param domainPackage ArchUnit package identifier of the domain layer, e.g. {@code "com.acme.domain.."}
   * @return the rule
   */
  public static ArchRule noAttention4jTypesInDomainLayer(String domainPackage) {
    requirePackages(domainPackage);
    return noClasses().that().resideInAPackage(domainPackage)
        .should().dependOnClassesThat().resideInAPackage(Modules.ROOT + "..")
        .as("PluginArchRules.noAttention4jTypesInDomainLayer(" + domainPackage + "): no classes in " + domainPackage
            + " should depend on classes in " + Modules.ROOT + "..")
        .because("the domain stays independent of the attention library; an adapter translates at the boundary");
  }

  private static void requirePackages(String... packages) {
    Objects.requireNonNull(packages, "packages");
    if (packages.length == 0) throw new IllegalArgumentException("packages: expected at least one package, got none");
    for (String p : packages) {
      if (p == null || p.isBlank()) {
        throw new IllegalArgumentException("packages: expected ArchUnit package identifiers such as com.acme.., got "
            + Arrays.toString(packages));
      }
    }
  }
}
