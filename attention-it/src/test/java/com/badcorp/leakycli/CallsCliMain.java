package com.badcorp.leakycli;

/** Breaks PluginArchRules.usesOnlyExportedApi: org.attention4j.cli is not internal by name, but not exported. */
public final class CallsCliMain {
  private CallsCliMain() {}

  public static void run(String... args) { org.attention4j.cli.Main.main(args); }
}
