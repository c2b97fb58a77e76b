package org.attention4j.archunit.internal;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Optional;
import java.util.function.BiFunction;

/** Building blocks of the rules: predicates and dependency conditions with precise messages. */
public final class Conditions {
  private Conditions() {}

  /**
   * A condition that checks every direct dependency of a class: {@code why} returns the reason a
   * dependency from the class to a target is forbidden, or empty when it is allowed. Each violation
   * names the origin class, the target and the source location, followed by the reason.
   */
  public static ArchCondition<JavaClass> notDependOn(String description,
      BiFunction<JavaClass, JavaClass, Optional<String>> why) {
    return new ArchCondition<>(description) {
      @Override public void check(JavaClass item, ConditionEvents events) {
        for (Dependency d : item.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass().getBaseComponentType();
          Optional<String> reason = why.apply(item, target);
          reason.ifPresent(r -> events.add(SimpleConditionEvent.violated(d, d.getDescription() + " [" + r + "]")));
        }
      }
    };
  }

  /** Public top-level classes (nested public types share their enclosing type's status). */
  public static DescribedPredicate<JavaClass> publicTopLevel() {
    return DescribedPredicate.describe("are public top-level types",
        c -> c.isTopLevelClass() && c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)
            && !c.getSimpleName().equals("package-info"));
  }

  /** Classes whose package their module exports to everyone (see {@link ModuleDescriptors#isExported}). */
  public static DescribedPredicate<JavaClass> inExportedPackage() {
    return DescribedPredicate.describe("reside in an exported package", ModuleDescriptors::isExported);
  }

  /** Attention4J classes in packages their module does not export ({@code internal} ones included). */
  public static DescribedPredicate<JavaClass> attention4jNotExported() {
    return DescribedPredicate.describe("are Attention4J types outside its exported packages",
        c -> Modules.moduleOf(c.getPackageName()).isPresent() && !ModuleDescriptors.isExported(c));
  }
}
