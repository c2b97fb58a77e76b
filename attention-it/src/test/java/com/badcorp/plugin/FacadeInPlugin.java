package com.badcorp.plugin;

import org.attention4j.api.facade.Attention;

/** Breaks PluginArchRules.pluginDependsOnlyOnSpi: a plugin that builds the facade. */
public final class FacadeInPlugin {
  private FacadeInPlugin() {}

  public static Class<?> facade() { return Attention.class; }
}
