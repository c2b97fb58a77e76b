package org.attention4j.archunit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;
import org.attention4j.archunit.internal.Conditions;
import org.attention4j.archunit.internal.Modules;

/**
 * The dependency rules of ARCHITECTURE §4 that every Attention4J module keeps, as ArchUnit rules.
 * attention-it applies each one to the classes of every built Attention4J jar; each also has a
 * negative control there (a small fixture that breaks it). A failure message starts with the
 * constant's name, so it says which rule broke; each violation line names the offending class.
 *
 * <p>A module is identified by its root package: {@code org.attention4j.<module>} ({@code api},
 * {@code bilinear}, {@code biosim}, ...). Apply the rules to main code only (tests may use any module).
 *
 * <pre>{@code
 * JavaClasses classes = new ClassFileImporter().importPaths(jars);
 * AttentionArchRules.all().forEach((name, rule) -> rule.check(classes));
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class AttentionArchRules {
  /** Mechanism modules: one attention mechanism each, found through the registry. */
  public static final Set<String> MECHANISM_MODULES = Set.of("bilinear", "additive", "sparse", "multihead");
  /** Domain modules (and theory): they reach scorers and kernels through the registry. */
  public static final Set<String> DOMAIN_MODULES = Set.of("align", "timeseries", "graph", "retrieval", "theory", "biosim");

  /**
   * The allowed edges of main code between Attention4J modules (ARCHITECTURE §4), by module short
   * name; {@code *} means any module (for cli: any but spark). A module that is not a key here may
   * not depend on another.
   */
  public static final Map<String, Set<String>> ALLOWED_MODULE_DEPENDENCIES = allowedModuleDependencies();

  /** Only attention-simd touches the Vector API (an incubator module that may be absent). */
  public static final ArchRule VECTOR_API_ONLY_IN_SIMD_MODULE = named("VECTOR_API_ONLY_IN_SIMD_MODULE",
      noClasses().that().resideInAPackage(Modules.ROOT + "..").and().resideOutsideOfPackage(Modules.ROOT + ".simd..")
          .should().dependOnClassesThat().resideInAPackage("jdk.incubator.vector.."))
      .because("every other module must run where the incubator module is absent; kernels are found through the SPI");

  /** Dagger (and its inject annotations) only in attention-cli, the composition root. */
  public static final ArchRule NO_DAGGER_OUTSIDE_CLI = named("NO_DAGGER_OUTSIDE_CLI",
      noClasses().that().resideInAPackage(Modules.ROOT + "..").and().resideOutsideOfPackage(Modules.ROOT + ".cli..")
          .should().dependOnClassesThat().resideInAnyPackage("dagger..", "javax.inject..", "jakarta.inject.."))
      .because("library modules are plain ServiceLoader providers, so separately versioned plugins never clash over Dagger");

  /** Drawing (JFreeChart, AWT, Swing) and picocli only in attention-cli. */
  public static final ArchRule PLOTTING_AND_PICOCLI_ONLY_IN_CLI = named("PLOTTING_AND_PICOCLI_ONLY_IN_CLI",
      noClasses().that().resideInAPackage(Modules.ROOT + "..").and().resideOutsideOfPackage(Modules.ROOT + ".cli..")
          .should().dependOnClassesThat().resideInAnyPackage("org.jfree..", "java.awt..", "javax.swing..", "picocli.."))
      .because("library modules never draw: they return data-only figure specs that the CLI renders");

  /** attention-api depends only on the JDK, Arrow, Jackson and apiguardian. */
  public static final ArchRule API_DEPENDS_ONLY_ON_JDK_ARROW_JACKSON_AND_APIGUARDIAN =
      named("API_DEPENDS_ONLY_ON_JDK_ARROW_JACKSON_AND_APIGUARDIAN",
          classes().that().resideInAPackage(Modules.ROOT + ".api..")
              .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "org.apache.arrow..",
                  "com.fasterxml.jackson..", "org.apiguardian..", Modules.ROOT + ".api.."))
          .because("the api is the one jar every plugin and user takes: it must stay small and conflict-free");

  /** The SPI package depends only on the JDK, Arrow, apiguardian and the api's user and SPI packages. */
  public static final ArchRule SPI_DEPENDS_ONLY_ON_API_ARROW_AND_JDK = named("SPI_DEPENDS_ONLY_ON_API_ARROW_AND_JDK",
      classes().that().resideInAPackage(Modules.ROOT + ".api.spi..")
          .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.apache.arrow..", "org.apiguardian..",
              Modules.ROOT + ".api", Modules.ROOT + ".api.spi..", Modules.ROOT + ".api.figure.."))
      .because("plugin authors build against the SPI alone: it must not drag in the registry, the facade or internals");

  /** Main code between modules follows {@link #ALLOWED_MODULE_DEPENDENCIES}. */
  public static final ArchRule MODULE_DEPENDENCIES_FOLLOW_ARCHITECTURE = named("MODULE_DEPENDENCIES_FOLLOW_ARCHITECTURE",
      classes().that().resideInAPackage(Modules.ROOT + "..")
          .should(Conditions.notDependOn("only depend on the Attention4J modules ARCHITECTURE §4 allows",
              (origin, target) -> {
                Optional<String> from = Modules.moduleOf(origin.getPackageName());
                Optional<String> to = Modules.moduleOf(target.getPackageName());
                if (from.isEmpty() || to.isEmpty() || from.get().equals(to.get())) return Optional.empty();
                Set<String> allowed = ALLOWED_MODULE_DEPENDENCIES.get(from.get());
                if (allowed == null) {
                  return Optional.of("module " + from.get() + " is not in ARCHITECTURE §4's table; add it to "
                      + "AttentionArchRules.ALLOWED_MODULE_DEPENDENCIES");
                }
                boolean ok = allowed.contains(to.get())
                    || allowed.contains("*") && !(from.get().equals("cli") && to.get().equals("spark"));
                if (!ok) {
                  return Optional.of("module " + from.get() + " may depend on " + allowed + ", not on " + to.get());
                }
                return Optional.empty();
              })))
      .because("each module's dependencies are the edges of ARCHITECTURE §4 and nothing else");

  /** No module reaches into another module's {@code internal} packages. */
  public static final ArchRule NO_INTERNAL_ACROSS_MODULES = named("NO_INTERNAL_ACROSS_MODULES",
      classes().that().resideInAPackage(Modules.ROOT + "..")
          .should(Conditions.notDependOn("not depend on another module's internal packages", (origin, target) -> {
            Optional<String> to = Modules.moduleOf(target.getPackageName());
            if (to.isEmpty() || !Modules.isInternal(target.getPackageName())) return Optional.empty();
            return to.equals(Modules.moduleOf(origin.getPackageName())) ? Optional.empty()
                : Optional.of(target.getPackageName() + " is internal to module " + to.get());
          })))
      .because("internal packages are never exported; on the class path the compiler cannot stop it, this rule does");

  /** No cycles between modules. */
  public static final ArchRule MODULES_FREE_OF_CYCLES = named("MODULES_FREE_OF_CYCLES",
      slices().matching(Modules.ROOT + ".(*)..").namingSlices("module $1").should().beFreeOfCycles())
      .because("the module graph is a DAG (the module system refuses cycles; this names the classes involved)");

  /** No cycles between packages. */
  public static final ArchRule PACKAGES_FREE_OF_CYCLES = named("PACKAGES_FREE_OF_CYCLES",
      slices().matching(Modules.ROOT + ".(**)").namingSlices("package " + Modules.ROOT + ".$1").should().beFreeOfCycles())
      .because("packages are layered (api and figure <- spi <- io, facade, registry <- internal; ARCHITECTURE §2), so each can be understood alone");

  /** Mechanism modules (bilinear, additive, sparse, multihead) do not import each other. */
  public static final ArchRule MECHANISMS_DO_NOT_IMPORT_EACH_OTHER = named("MECHANISMS_DO_NOT_IMPORT_EACH_OTHER",
      classes().that().resideInAnyPackage(packagesOf(MECHANISM_MODULES))
          .should(Conditions.notDependOn("not depend on another mechanism module", (origin, target) -> {
            Optional<String> to = Modules.moduleOf(target.getPackageName());
            return to.filter(MECHANISM_MODULES::contains).filter(m -> !m.equals(Modules.moduleOf(origin.getPackageName()).orElse("")))
                .map(m -> "mechanism " + m + " is reached through the registry (ScorerProvider, ProviderLookup), never imported");
          })))
      .because("mechanisms are plugins: multi-head reaches per-head scorers through the registry, so any scorer works");

  /** Domain and theory modules reach scorers and kernels through the registry, never by import. */
  public static final ArchRule DOMAINS_REACH_MECHANISMS_THROUGH_REGISTRY = named("DOMAINS_REACH_MECHANISMS_THROUGH_REGISTRY",
      noClasses().that().resideInAnyPackage(packagesOf(DOMAIN_MODULES))
          .should().dependOnClassesThat().resideInAnyPackage(packagesOf(union(MECHANISM_MODULES, Set.of("simd")))))
      .because("a domain runs with whichever scorers and kernels are installed; a missing one is a registry message, "
          + "not a linkage error");

  /** Nothing depends on attention-cli. */
  public static final ArchRule NOTHING_DEPENDS_ON_CLI = named("NOTHING_DEPENDS_ON_CLI",
      noClasses().that().resideInAPackage(Modules.ROOT + "..").and().resideOutsideOfPackage(Modules.ROOT + ".cli..")
          .should().dependOnClassesThat().resideInAPackage(Modules.ROOT + ".cli.."))
      .because("the CLI is the composition root: the application on top, never a library");

  /** Public top-level types of exported packages declare their stability with apiguardian's {@code @API}. */
  public static final ArchRule PUBLIC_EXPORTED_TYPES_DECLARE_API_STATUS = named("PUBLIC_EXPORTED_TYPES_DECLARE_API_STATUS",
      classes().that().resideInAPackage(Modules.ROOT + "..").and(Conditions.publicTopLevel())
          .and(Conditions.inExportedPackage())
          .should().beAnnotatedWith("org.apiguardian.api.API"))
      .because("users must see how stable a type is (an honest EXPERIMENTAL beats a hopeful STABLE); nested types "
          + "and members share their enclosing type's status");

  /** No generic exceptions ({@code Throwable}, {@code Exception}, {@code RuntimeException}) are thrown. */
  public static final ArchRule NO_GENERIC_EXCEPTIONS = named("NO_GENERIC_EXCEPTIONS",
      noClasses().that().resideInAPackage(Modules.ROOT + "..").should(GeneralCodingRules.THROW_GENERIC_EXCEPTIONS))
      .because("errors say what went wrong: IllegalArgumentException for caller mistakes, IllegalStateException for "
          + "lifecycle errors, AttentionConfigurationException for bad plugins");

  /** attention-archunit depends on ArchUnit, the JDK and apiguardian only. */
  public static final ArchRule ARCHUNIT_RULES_DEPEND_ONLY_ON_ARCHUNIT = named("ARCHUNIT_RULES_DEPEND_ONLY_ON_ARCHUNIT",
      classes().that().resideInAPackage(Modules.ROOT + ".archunit..")
          .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "com.tngtech.archunit..", "org.apiguardian..",
              Modules.ROOT + ".archunit.."))
      .because("integrators add the rule library to their tests without pulling in Attention4J itself");

  private AttentionArchRules() {}

  /**
   * Every rule of this class by constant name, in declaration order (what attention-it applies).
   *
   * @return an unmodifiable map from constant name to rule
   */
  public static Map<String, ArchRule> all() {
    Map<String, ArchRule> rules = new LinkedHashMap<>();
    for (Field f : AttentionArchRules.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ArchRule.class) {
        try {
          rules.put(f.getName(), (ArchRule) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("rule " + f.getName() + ": expected a public constant, got " + e, e);
        }
      }
    }
    return java.util.Collections.unmodifiableMap(rules);
  }

  /** The rule with its constant name in front of its description, so a failure names the rule. */
  private static ArchRule named(String name, ArchRule rule) {
    return rule.as(name + ": " + rule.getDescription());
  }

  private static String[] packagesOf(Set<String> modules) {
    return modules.stream().sorted().map(m -> Modules.ROOT + "." + m + "..").toArray(String[]::new);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> u = new java.util.TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  private static Map<String, Set<String>> allowedModuleDependencies() {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    m.put("api", Set.of());
    m.put("testkit", Set.of("api"));
    m.put("train", Set.of("api"));
    m.put("simd", Set.of("api"));
    for (String mechanism : new String[] {"bilinear", "additive", "sparse"}) m.put(mechanism, Set.of("api"));
    m.put("multihead", Set.of("api", "train"));
    for (String domain : DOMAIN_MODULES.stream().sorted().toList()) m.put(domain, Set.of("api", "train"));
    m.put("cli", Set.of("*"));                 // the composition root: any module but spark
    m.put("spark", Set.of("api", "train", "retrieval", "align"));
    m.put("archunit", Set.of());
    m.put("bench", Set.of("*"));               // measurements may use anything
    return java.util.Collections.unmodifiableMap(m);
  }
}
