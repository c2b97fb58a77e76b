package org.attention4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.attention4j.api.registry.ScenarioRunner;

/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, otherwise a plain line at most every
 * two seconds (and at the end), so logs stay readable.
 */
final class ProgressReporter implements ScenarioRunner.Progress {
  private static final int WIDTH = 30;
  private final PrintStream err;
  private final String label;
  private final boolean terminal;
  private long lastPrint = -1;
  private boolean drew;

  ProgressReporter(PrintStream err, String label, boolean terminal) {
    this.err = err;
    this.label = label;
    this.terminal = terminal;
  }

  /** A reporter whose style follows whether a terminal is attached. */
  static ProgressReporter forStderr(String label) {
    java.io.Console c = System.console();
    return new ProgressReporter(System.err, label, c != null && c.isTerminal());
  }

  @Override public synchronized void report(double fraction, String message) {
    long now = System.nanoTime();
    boolean done = fraction >= 1.0;
    if (terminal) {
      if (!done && lastPrint >= 0 && now - lastPrint < 100_000_000L) return;
      int filled = (int) Math.round(fraction * WIDTH);
      String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
      err.print(String.format(Locale.ROOT, "\r%s [%s] %3d%% %-40.40s", label, bar, Math.round(fraction * 100), message));
      drew = true;
      if (done) finish();
    } else {
      if (!done && lastPrint >= 0 && now - lastPrint < 2_000_000_000L) return;
      err.println(String.format(Locale.ROOT, "%s: %3d%% %s", label, Math.round(fraction * 100), message));
    }
    err.flush();
    lastPrint = now;
  }

  /** Ends the bar's line (terminal only). */
  synchronized void finish() {
    if (terminal && drew) {
      err.println();
      drew = false;
    }
  }
}
