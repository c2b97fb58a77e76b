package org.attention4j.archunit.internal;

import java.util.Optional;

/** How a package maps to an Attention4J module: the root package is {@code org.attention4j.<module>}. */
public final class Modules {
  /** The package every Attention4J module lives under. */
  public static final String ROOT = "org.attention4j";

  private Modules() {}

  /**
   * The module's short name ({@code api} for {@code org.attention4j.api.spi}, {@code biosim} for
   * {@code org.attention4j.biosim}), or empty for a package outside {@link #ROOT}.
   */
  public static Optional<String> moduleOf(String packageName) {
    if (!packageName.startsWith(ROOT + ".")) return Optional.empty();
    String rest = packageName.substring(ROOT.length() + 1);
    int dot = rest.indexOf('.');
    return Optional.of(dot < 0 ? rest : rest.substring(0, dot));
  }

  /** True for {@code internal} packages and their subpackages ({@code a.internal}, {@code a.internal.b}). */
  public static boolean isInternal(String packageName) {
    return packageName.endsWith(".internal") || packageName.contains(".internal.") || packageName.equals("internal");
  }
}
