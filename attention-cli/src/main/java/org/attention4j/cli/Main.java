package org.attention4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attention4j.api.ApiVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./attention4j}. Exit codes (CLI.md): 0 success; 2 usage or input error, one
 * line on stderr naming the option or file, the expected and the actual value; 1 internal error;
 * 130 on Ctrl-C. Set {@code ATTENTION4J_DEBUG=1} for stack traces.
 */
public final class Main {
  private static final AtomicBoolean CANCELLED = new AtomicBoolean();
  /** Set when the command has returned, so the shutdown hook knows the exit is not a Ctrl-C. */
  private static final AtomicBoolean FINISHED = new AtomicBoolean();

  private Main() {}

  /** The root command: only subcommands, {@code --help} and {@code --version}. */
  @Command(name = "attention4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
      description = "Additive and multiplicative attention on the JVM: attend, align series, retrieve from a key-value memory, list plugins, run the chapter's "
          + "scenarios.",
      subcommands = {PluginsCommand.class, AttendCommand.class, AlignCommand.class, RetrieveCommand.class, GraphCommand.class, ScenarioCommand.class,
          ReportCommand.class})
  static final class Root {}

  /** {@code --version}: the cli's and the api's versions. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      String cli = Main.class.getModule().getDescriptor() == null ? "unversioned"
          : Main.class.getModule().getDescriptor().rawVersion().orElse("unversioned");
      return new String[] {"attention4j " + cli + " (attention-api " + ApiVersion.full() + ", Java "
          + Runtime.version() + ")"};
    }
  }

  static boolean cancelled() { return CANCELLED.get(); }

  /** Held so the setting is not garbage-collected with the logger. */
  private static final java.util.logging.Logger ROOT_LOGGER = java.util.logging.Logger.getLogger("");

  public static void main(String[] args) {
    // stderr carries progress and warnings only: libraries' INFO chatter (Arrow's allocator set-up) is dropped
    ROOT_LOGGER.setLevel(java.util.logging.Level.WARNING);
    Thread mainThread = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (FINISHED.get()) return;          // a normal exit: main is inside System.exit, joining it would only wait
      CANCELLED.set(true);                 // Ctrl-C: let a running scenario stop cleanly (exit status 130)
      try {
        mainThread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "attention4j-cancel"));
    int code = run(System.out, System.err, args);
    FINISHED.set(true);
    System.exit(code);
  }

  /** Runs the command line in-process and returns the exit code (used by tests too). */
  public static int run(PrintStream out, PrintStream err, String... args) {
    PrintStream oldOut = System.out, oldErr = System.err;
    System.setOut(out);
    System.setErr(err);
    try {
      CommandLine cl = new CommandLine(new Root());
      cl.setOut(new java.io.PrintWriter(out, true));
      cl.setErr(new java.io.PrintWriter(err, true));
      cl.setParameterExceptionHandler((ex, a) -> {
        String cmd = ex.getCommandLine().getCommandName();
        err.println("attention4j " + cmd + ": " + ex.getMessage() + " (see 'attention4j "
            + ex.getCommandLine().getCommandSpec().qualifiedName(" ").replaceFirst("^attention4j ?", "") + " --help')");
        return 2;
      });
      cl.setExecutionExceptionHandler((ex, c, parse) -> {
        String cmd = c.getCommandSpec().qualifiedName(" ");
        if (debug()) ex.printStackTrace(err);
        if (ex instanceof CancellationException) {
          err.println(cmd + ": cancelled");
          return 130;
        }
        if (isInputError(ex)) {
          err.println(cmd + ": " + oneLine(ex));
          return 2;
        }
        err.println(cmd + ": internal error: " + ex.getClass().getName() + ": " + oneLine(ex)
            + (debug() ? "" : " (set ATTENTION4J_DEBUG=1 for the stack trace)"));
        return 1;
      });
      return cl.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static boolean debug() { return "1".equals(System.getenv("ATTENTION4J_DEBUG")); }

  /** Caller mistakes: bad values, missing or unreadable files. */
  static boolean isInputError(Throwable ex) {
    return ex instanceof IllegalArgumentException || ex instanceof NoSuchFileException
        || ex instanceof AccessDeniedException || ex instanceof UncheckedIOException u && isInputError(u.getCause())
        || ex instanceof IOException;
  }

  private static String oneLine(Throwable ex) {
    String m = ex instanceof NoSuchFileException n ? "no such file: " + n.getFile()
        : ex instanceof AccessDeniedException a ? "permission denied: " + a.getFile()
        : ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    return m.replaceAll("\\s*\\R\\s*", " ");
  }
}
