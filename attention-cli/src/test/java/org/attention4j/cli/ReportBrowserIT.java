package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./attention4j report} with the example plugin folder (whose scenario must appear in the last
 * section), opened in headless Chromium: every claim's section and every figure is in the rendered
 * DOM, and a screenshot (kept in target/) is not blank. Skipped without Chromium, except under CI=true,
 * where .ci/run installs it.
 */
class ReportBrowserIT {
  private static final Path ROOT = Path.of(System.getProperty("attention4j.root", "..")).toAbsolutePath().normalize();

  @TempDir Path dir;

  private static Path chromium() {
    for (String c : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
      for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(p, c);
        if (Files.isExecutable(candidate)) return candidate;
      }
    }
    return null;
  }

  private static int run(Path cwd, Path stdout, List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(stdout.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(cwd.resolve("stderr.txt").toFile()));
    pb.environment().put("ATTENTION4J_NO_BUILD", "1");
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return p.exitValue();
  }

  @Test void reportOpensInABrowserWithEverySectionAndFigure() throws Exception {
    Path chromium = chromium();
    if (chromium == null) {
      assertTrue(!"true".equals(System.getenv("CI")), "CI=true but no chromium on PATH (.ci/run installs it)");
      assumeTrue(false, "skipped: no chromium on PATH (install Debian's chromium to run the browser test)");
    }
    Path plugin = ROOT.resolve("examples/third-party-scorer/target/plugin");
    int code = run(dir, dir.resolve("report.out"), List.of(ROOT.resolve("attention4j").toString(), "report", "--out",
        "report", "--plugin-path", plugin.toString()));
    assertEquals(0, code, Files.readString(dir.resolve("stderr.txt")));
    Path index = dir.resolve("report/index.html");

    // every scenario that ran: its result.json names its figures
    Set<String> scenarios = new HashSet<>();
    int figures = 0;
    try (var dirs = Files.list(dir.resolve("report"))) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        JsonNode doc = new ObjectMapper().readTree(d.resolve("result.json").toFile());
        scenarios.add(doc.get("scenario").asText());
        figures += doc.get("figures").size();
      }
    }
    assertTrue(scenarios.contains("gibbs-temperature") && scenarios.contains("cosine-temperature"), scenarios.toString());

    List<String> flags = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
        "--user-data-dir=" + dir.resolve("profile"));
    List<String> dump = new ArrayList<>(flags);
    dump.addAll(List.of("--dump-dom", index.toUri().toString()));
    assertEquals(0, run(dir, dir.resolve("dom.html"), dump), Files.readString(dir.resolve("stderr.txt")));
    String dom = Files.readString(dir.resolve("dom.html"));
    for (String claim : Claims.ALL.keySet()) {
      String id = "claim-" + claim.replace('.', '-').toLowerCase(java.util.Locale.ROOT);
      assertTrue(dom.contains("id=\"" + id + "\""), "section " + id + " missing from the rendered page");
    }
    assertTrue(dom.contains("id=\"claim-other\"") && dom.contains("id=\"cosine-temperature\""),
        "the plugin's scenario belongs in the last section");
    Matcher m = Pattern.compile("<figure>").matcher(dom);
    int rendered = 0;
    while (m.find()) rendered++;
    assertEquals(figures, rendered, "figures in the page vs figures the scenarios wrote");
    assertTrue(dom.split("<svg", -1).length - 1 >= figures, "every figure is an inline SVG");

    Path png = ROOT.resolve("attention-cli/target/report-screenshot.png");
    List<String> shot = new ArrayList<>(flags);
    shot.addAll(List.of("--window-size=1280,2400", "--screenshot=" + png, index.toUri().toString()));
    assertEquals(0, run(dir, dir.resolve("shot.out"), shot), Files.readString(dir.resolve("stderr.txt")));
    BufferedImage img = ImageIO.read(png.toFile());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) for (int x = 0; x < img.getWidth(); x += 7) colours.add(img.getRGB(x, y));
    assertTrue(colours.size() > 50, "the screenshot looks blank: " + colours.size() + " colours");
  }
}
