package org.attention4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.registry.ProviderDescriptor;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScenarioResult;
import org.attention4j.cli.render.SvgRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scenario list|run}: the chapter's claims as runnable measurements. */
@Command(name = "scenario", mixinStandardHelpOptions = true, description = "List or run the installed scenarios.",
    subcommands = {ScenarioCommand.ListCommand.class, ScenarioCommand.RunCommand.class})
final class ScenarioCommand {
  private ScenarioCommand() {}

  /** {@code scenario list [--json]}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the installed scenarios and the claim each measures.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--json", description = "Print a JSON list.")
    boolean json;

    @Override public Integer call() {
      AppComponent app = common.component();
      List<ScenarioProvider> all = new ArrayList<>(app.scenarios());
      all.sort(Comparator.comparing(ScenarioProvider::claim).thenComparing(ScenarioProvider::id));
      List<Map<String, Object>> out = new ArrayList<>();
      for (ScenarioProvider s : all) {
        ProviderDescriptor d = app.registry().descriptorOf(s).orElseThrow();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("claim", s.claim());
        m.put("title", s.title());
        m.put("module", d.module());
        m.put("version", d.version());
        out.add(m);
      }
      if (json) {
        System.out.println(Json.write(out));
      } else {
        for (Map<String, Object> m : out) System.out.printf("%-6s %-28s %s%n", m.get("claim"), m.get("id"), m.get("title"));
      }
      return 0;
    }
  }

  /** {@code scenario run ID}. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run one scenario (its quick parameter set unless --full); writes DIR/result.json and SVG figures.")
  static final class RunCommand implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "ID", description = "Scenario id (see 'scenario list').")
    String id;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Set a scenario parameter (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--full", description = "Use the full parameter set instead of the quick one.")
    boolean full;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default ./attention4j-out/<id>/).")
    Path out;

    @Option(names = "--json", description = "Print result.json to stdout.")
    boolean json;

    @Override public Integer call() throws IOException {
      AppComponent app = common.component();
      ScenarioProvider scenario = app.registry().require(ScenarioProvider.class, id);
      Path dir = out != null ? out : Path.of("attention4j-out", id);
      Map<String, Object> doc = runAndWrite(app, scenario, params, full, dir);
      if (json) System.out.println(Json.write(doc));
      else System.out.printf("%s: %s (%s = %s); wrote %s%n", id, doc.get("verdict"), doc.get("key_metric"),
          ((Map<?, ?>) doc.get("metrics")).get(doc.get("key_metric")), dir.resolve("result.json"));
      return 0;
    }
  }

  /**
   * Runs {@code scenario} and writes {@code dir/result.json} and its figures; returns the result
   * document. Shared by {@code scenario run} and {@code report}.
   */
  static Map<String, Object> runAndWrite(AppComponent app, ScenarioProvider scenario, Map<String, String> params,
      boolean full, Path dir) throws IOException {
    Registry registry = app.registry();
    RuntimeOptions opts = app.options();
    ProgressReporter progress = ProgressReporter.forStderr(scenario.id());
    ScenarioRunner.Outcome outcome;
    try {
      outcome = ScenarioRunner.run(scenario, registry, params, opts.settings(), full, opts.seed(), app.allocator(),
          progress, Main::cancelled);
    } finally {
      progress.finish();
    }
    ScenarioResult r = outcome.result();
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    List<Map<String, Object>> figures = new ArrayList<>();
    for (Figure f : r.figures()) {
      Path file = SvgRenderer.write(f, dir);
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("file", file.getFileName().toString());
      fm.put("title", f.title());
      figures.add(fm);
    }
    long renderMs = (System.nanoTime() - t0) / 1_000_000;
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("scenario", scenario.id());
    doc.put("claim", scenario.claim());
    doc.put("title", scenario.title());
    doc.put("seed", opts.seed());
    doc.put("parameters", outcome.parameters().asMap());
    doc.put("metrics", r.metrics());
    doc.put("key_metric", r.keyMetric());
    doc.put("verdict", r.verdict().json());
    doc.put("summary", r.summary());
    doc.put("figures", figures);
    Map<String, Object> timings = new LinkedHashMap<>();
    timings.put("run", outcome.elapsedMs());
    timings.put("render", renderMs);
    doc.put("timings_ms", timings);
    doc.put("modules", modules(registry, scenario));
    Json.write(dir.resolve("result.json"), doc);
    return doc;
  }

  /** Versions of the Attention4J modules in play (boot layer, plus the scenario's own module). */
  static Map<String, String> modules(Registry registry, ScenarioProvider scenario) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Module m : ModuleLayer.boot().modules()) {
      if (m.getName().startsWith("org.attention4j")) {
        out.put(m.getName(), m.getDescriptor().rawVersion().orElse("unversioned"));
      }
    }
    registry.descriptorOf(scenario).ifPresent(d -> out.put(d.module(), d.version()));
    return out;
  }
}
