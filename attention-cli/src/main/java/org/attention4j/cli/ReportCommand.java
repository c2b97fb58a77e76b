package org.attention4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import org.attention4j.api.spi.ScenarioProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code report}: runs every installed scenario and writes one static HTML page (figures inlined, no
 * network), one section per claim of the chapter. Exits 1 after writing the page if any scenario
 * failed; its section shows the error.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Run every installed scenario (quick sets unless --full) and write DIR/index.html.")
final class ReportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default ./attention4j-report/).")
  Path out = Path.of("attention4j-report");

  @Option(names = "--full", description = "Use every scenario's full parameter set (slow).")
  boolean full;

  /** One scenario's outcome: its result document, or the error that stopped it. */
  record Entry(ScenarioProvider scenario, Map<String, Object> doc, String error) {}

  @Override public Integer call() throws IOException {
    AppComponent app = common.component();
    List<ScenarioProvider> scenarios = new ArrayList<>(app.scenarios());
    scenarios.sort(Comparator.comparing((ScenarioProvider s) -> claimOrder(s.claim())).thenComparing(ScenarioProvider::id));
    Files.createDirectories(out);
    List<Entry> entries = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < scenarios.size(); i++) {
      ScenarioProvider s = scenarios.get(i);
      System.err.printf("report: [%d/%d] %s (claim %s)%n", i + 1, scenarios.size(), s.id(), s.claim());
      try {
        entries.add(new Entry(s, ScenarioCommand.runAndWrite(app, s, Map.of(), full, out.resolve(s.id())), null));
      } catch (CancellationException e) {
        throw e;
      } catch (RuntimeException | IOException | LinkageError e) {
        entries.add(new Entry(s, null, e.getClass().getSimpleName() + ": " + e.getMessage()));
        System.err.printf("report: %s failed: %s%n", s.id(), e.getMessage());
      }
    }
    long totalMs = (System.nanoTime() - t0) / 1_000_000;
    Path index = out.resolve("index.html");
    Files.writeString(index, html(entries, totalMs));
    long failed = entries.stream().filter(e -> e.error() != null).count();
    System.out.printf("report: %d scenarios, %d failed, %.1f s; wrote %s%n", entries.size(), failed, totalMs / 1000.0, index);
    return failed == 0 ? 0 : 1;
  }

  private static int claimOrder(String claim) {
    int i = 0;
    for (String c : Claims.ALL.keySet()) {
      if (c.equals(claim)) return i;
      i++;
    }
    return i;                                      // "other" and unknown claims last
  }

  private String html(List<Entry> entries, long totalMs) throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Attention4J report</title>\n")
        .append("<style>\n").append(CSS).append("</style></head><body>\n");
    h.append("<h1>Attention4J — additive vs multiplicative attention, measured</h1>\n");
    h.append("<p class=\"meta\">").append(entries.size()).append(" scenarios, ").append(full ? "full" : "quick")
        .append(" parameter sets, seed ").append(common.seed).append(", ")
        .append(String.format(Locale.ROOT, "%.1f s", totalMs / 1000.0)).append(", ")
        .append(esc(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))).append(", Java ")
        .append(esc(Runtime.version().toString())).append("</p>\n");

    h.append("<h2 id=\"summary\">Summary</h2>\n<table class=\"summary\"><thead><tr><th>claim</th><th>scenario</th>")
        .append("<th>verdict</th><th>key metric</th></tr></thead><tbody>\n");
    for (Entry e : entries) {
      h.append("<tr><td><a href=\"#claim-").append(anchor(claimOf(e))).append("\">").append(esc(e.scenario().claim()))
          .append("</a></td><td><a href=\"#").append(esc(e.scenario().id())).append("\">").append(esc(e.scenario().id()))
          .append("</a></td>");
      if (e.error() != null) {
        h.append("<td><span class=\"verdict failed\">failed</span></td><td>").append(esc(e.error())).append("</td>");
      } else {
        String km = (String) e.doc().get("key_metric");
        h.append("<td>").append(badge((String) e.doc().get("verdict"))).append("</td><td>").append(esc(km)).append(" = ")
            .append(num(((Map<?, ?>) e.doc().get("metrics")).get(km))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table>\n");

    Map<String, List<Entry>> byClaim = new LinkedHashMap<>();
    for (String c : Claims.ALL.keySet()) byClaim.put(c, new ArrayList<>());
    byClaim.put("other", new ArrayList<>());
    for (Entry e : entries) byClaim.get(claimOf(e)).add(e);
    for (Map.Entry<String, List<Entry>> c : byClaim.entrySet()) {
      String[] claim = Claims.ALL.get(c.getKey());
      if (claim == null && c.getValue().isEmpty()) continue;
      h.append("<section class=\"claim\" id=\"claim-").append(anchor(c.getKey())).append("\">\n<h2>")
          .append(claim == null ? "Other scenarios" : esc(c.getKey() + " " + claim[0])).append("</h2>\n");
      if (claim != null) h.append("<p class=\"claim-text\">").append(esc(claim[1])).append("</p>\n");
      if (c.getValue().isEmpty()) h.append("<p class=\"none\">No installed scenario measures this claim yet.</p>\n");
      for (Entry e : c.getValue()) scenarioSection(h, e);
      h.append("</section>\n");
    }
    return h.append("</body></html>\n").toString();
  }

  private static String claimOf(Entry e) {
    return Claims.ALL.containsKey(e.scenario().claim()) ? e.scenario().claim() : "other";
  }

  private void scenarioSection(StringBuilder h, Entry e) throws IOException {
    ScenarioProvider s = e.scenario();
    h.append("<article class=\"scenario\" id=\"").append(esc(s.id())).append("\">\n<h3>").append(esc(s.title()))
        .append(" <code>").append(esc(s.id())).append("</code> ");
    if (e.error() != null) {
      h.append("<span class=\"verdict failed\">failed</span></h3>\n<pre class=\"error\">").append(esc(e.error()))
          .append("</pre>\n</article>\n");
      return;
    }
    Map<String, Object> doc = e.doc();
    h.append(badge((String) doc.get("verdict"))).append("</h3>\n<p>").append(esc((String) doc.get("summary")))
        .append("</p>\n<table class=\"metrics\"><thead><tr><th>metric</th><th>value</th></tr></thead><tbody>\n");
    Map<?, ?> metrics = (Map<?, ?>) doc.get("metrics");
    for (Map.Entry<?, ?> m : metrics.entrySet()) {
      boolean key = m.getKey().equals(doc.get("key_metric"));
      h.append("<tr").append(key ? " class=\"key\"" : "").append("><td>").append(esc(m.getKey().toString()))
          .append("</td><td>").append(num(m.getValue())).append("</td></tr>\n");
    }
    h.append("</tbody></table>\n<div class=\"figures\">\n");
    for (Object fo : (List<?>) doc.get("figures")) {
      Map<?, ?> f = (Map<?, ?>) fo;
      String svg = Files.readString(out.resolve(s.id()).resolve(f.get("file").toString()));
      svg = svg.replaceFirst("^<\\?xml[^>]*\\?>\\s*", "");
      h.append("<figure>").append(svg).append("<figcaption>").append(esc(f.get("title").toString()))
          .append("</figcaption></figure>\n");
    }
    h.append("</div>\n<details><summary>parameters, seed and module versions</summary><pre>")
        .append(esc("seed: " + doc.get("seed") + "\nparameters: " + doc.get("parameters") + "\nmodules: "
            + doc.get("modules") + "\ntimings (ms): " + doc.get("timings_ms")))
        .append("</pre></details>\n</article>\n");
  }

  private static String badge(String verdict) {
    return "<span class=\"verdict " + esc(verdict) + "\">" + esc(verdict) + "</span>";
  }

  private static String num(Object v) {
    if (!(v instanceof Number n)) return esc(String.valueOf(v));
    double d = n.doubleValue();
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.4g", d);
  }

  private static String anchor(String claim) { return claim.replace('.', '-').toLowerCase(Locale.ROOT); }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static final String CSS = """
      body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px; margin: 2em auto;
             padding: 0 1em; color: #222; line-height: 1.45; }
      h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
      .meta, .none { color: #666; } .claim-text { font-style: italic; }
      table { border-collapse: collapse; margin: .8em 0; } td, th { border: 1px solid #ddd; padding: .25em .6em; }
      th { background: #f4f4f4; text-align: left; } tr.key td { font-weight: bold; }
      .verdict { display: inline-block; padding: .1em .6em; border-radius: .8em; font-size: .8em; color: #fff; }
      .supports { background: #2e7d32; } .contradicts { background: #c62828; }
      .inconclusive { background: #8d6e63; } .failed { background: #000; }
      .figures { display: flex; flex-wrap: wrap; gap: 1em; }
      figure { margin: 0; max-width: 100%; } figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
      figcaption { font-size: .9em; color: #555; } pre { white-space: pre-wrap; background: #f8f8f8; padding: .6em; }
      .error { color: #b00020; }
      """;
}
