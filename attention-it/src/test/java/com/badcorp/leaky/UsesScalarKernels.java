package com.badcorp.leaky;

import org.attention4j.api.internal.ScalarKernels;

/** Breaks PluginArchRules.usesOnlyExportedApi: an integrator using the api's internal kernels. */
public final class UsesScalarKernels {
  private UsesScalarKernels() {}

  public static String id() { return new ScalarKernels().id(); }
}
