package org.attention4j.cli.render;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

class SvgRendererTest {
  /** Every figure rendered here is also kept, to be looked at. */
  private static final Path KEEP = Path.of("target", "figures");

  // ---- one figure of every layer kind ----

  @Test
  void heatmapDrawsEveryCellWithItsLabelsAndAColourLegend() throws Exception {
    Svg svg = render(Figures.heatmap());
    svg.hasTexts("Attention weights, scaled dot product", "key position (token)", "query position (token)",
        "weight (1)", "q0", "q19", "key0");
    int cells = Figures.ROWS * Figures.COLS;
    assertTrue(svg.count("rect", "path") >= cells, () -> "expected >= " + cells + " cells, got " + svg.count("rect", "path"));
  }

  @Test
  void heatmapRowZeroIsAtTheTop() throws Exception {
    double[] v = new double[4 * 3];
    v[0] = 1;                                      // only cell (row 0, col 0) is high: the top end of viridis
    Svg svg = render(Figure.of("row-order", "Row order", "col", "row",
        new Layer.Heatmap("h", 4, 3, v, List.of(), List.of(), "v (1)")));
    List<Element> high = svg.blocks("rgb(253,231,37)");
    List<Element> low = svg.blocks("rgb(68,1,84)");
    assertEquals(1, high.size(), "one high cell");
    assertEquals(11, low.size(), "eleven low cells");
    double highY = Double.parseDouble(high.getFirst().getAttribute("y"));
    assertTrue(low.stream().allMatch(e -> Double.parseDouble(e.getAttribute("y")) >= highY), "row 0 is the top row");
    double highX = Double.parseDouble(high.getFirst().getAttribute("x"));
    assertTrue(low.stream().allMatch(e -> Double.parseDouble(e.getAttribute("x")) >= highX), "col 0 is the left column");
  }

  @Test
  void signedHeatmapWithAPathOverItHasBothLegends() throws Exception {
    Svg svg = render(Figures.signedHeatmapWithPath());
    svg.hasTexts("Cost matrix and alignment path", "reference index (1)", "query index (1)", "local cost − mean (nats)",
        "alignment path");
    assertTrue(svg.count("rect", "path") >= 25 * 25);
  }

  @Test
  void lineWithBandAndScatterShareOnePlotWithALegend() throws Exception {
    Svg svg = render(Figures.lineBandScatter());
    svg.hasTexts("Attention entropy against scale", "scale factor α (1)", "entropy H (nats)", "mean over 30 seeds",
        "linear reference", "measured");
    assertTrue(svg.text.contains("fill-opacity:0.2"), "the band is a translucent fill");
    assertTrue(svg.count("path") >= 7 + 2 + 1, "7 markers, 2 lines and a band");
  }

  @Test
  void pathJoinsItsMarkersInOrder() throws Exception {
    Svg svg = render(Figures.path());
    svg.hasTexts("Warping path", "i (step)", "j (step)", "warping path");
    assertTrue(svg.elements("path").stream().anyMatch(p -> segments(p.getAttribute("d")) == 7),
        "one path of 8 points, 7 segments");
  }

  @Test
  void barsOfSeveralLayersAreGroupedWithALegend() throws Exception {
    Svg svg = render(Figures.bars());
    svg.hasTexts("Copy-task accuracy by scorer", "scorer", "accuracy (%)", "seq len 32", "seq len 128", "dot",
        "scaled-dot", "bilinear", "additive", "multi-head");
    assertEquals(5, svg.blocks("rgb(0,114,178)").size(), "5 bars of the first layer");
    assertEquals(5, svg.blocks("rgb(213,94,0)").size(), "5 bars of the second layer");
  }

  @Test
  void tableShowsEveryCellAndFitsItsRows() throws Exception {
    Svg svg = render(Figures.table());
    svg.hasTexts("Claims and verdicts", "Seed claims", "claim", "metric", "value", "verdict", "entropy slope", "-0.42",
        "1.2e-07", "inconclusive", "contradicts");
    assertEquals("800.0", svg.root().getAttribute("width"));
    assertTrue(Double.parseDouble(svg.root().getAttribute("height")) < SvgRenderer.DEFAULT_HEIGHT, "no empty canvas");
  }

  @Test
  void graphDrawsEdgesNodesLabelsAndGroups() throws Exception {
    Svg svg = render(Figures.graph());
    svg.hasTexts("GAT attention on a ring", "layout x (1)", "layout y (1)", "GAT: group 0", "GAT: group 1", "GAT: group 2");
    svg.hasTexts(IntStream.range(0, 8).mapToObj(i -> "v" + i).toArray(String[]::new));
    List<Element> edges = svg.elements("line").stream().filter(e -> e.getAttribute("style").contains("stroke:rgb(55,71,79)")).toList();
    assertEquals(12, edges.size(), "one line per edge");
    assertTrue(edges.stream().map(e -> e.getAttribute("style")).distinct().count() > 5, "width and opacity follow weight");
  }

  // ---- bad figures ----

  @Test
  void layerKindsThatCannotShareAPlotAreRejectedByName() {
    double[] xy = {0, 1};
    Layer bar = new Layer.Bar("b", List.of("a", "b"), xy);
    Layer line = Layer.Line.of("l", xy, xy);
    Layer heat = new Layer.Heatmap("h", 1, 2, xy, List.of(), List.of(), "v");
    Layer table = new Layer.Table("t", List.of("a"), List.of());
    Layer graph = new Layer.Graph("g", xy, xy, new int[] {0, 0}, List.of(), new int[0], new int[0], new double[0]);
    for (List<Layer> layers : List.of(List.of(bar, line), List.of(heat, bar), List.of(table, graph),
        List.of(line, table), List.of(heat, heat))) {
      Figure f = new Figure("mixed-kinds", "Mixed", "x", "y", layers);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SvgRenderer.render(f));
      assertTrue(e.getMessage().startsWith("figure mixed-kinds layers: expected"), e.getMessage());
      for (Layer l : layers) {
        assertTrue(e.getMessage().contains(l.getClass().getSimpleName()), e.getMessage());
      }
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SvgRenderer.render(new Figure("two-heatmaps", "T", "x",
        "y", List.of(heat, heat)))).getMessage().contains("2 Heatmap layers"));
  }

  @Test
  void layersThatContradictThemselvesAreRejectedClearly() {
    double[] v = new double[6];
    assertMessage("figure bad heatmap rowLabels: expected 0 or 2 labels, got 1", Figure.of("bad", "t", "x", "y",
        new Layer.Heatmap("h", 2, 3, v, List.of("r0"), List.of(), "v")));
    double[] xy = {0, 1};
    assertMessage("figure bad graph g edge 0: expected src and dst in [0, 2), got 0 -> 2", Figure.of("bad", "t", "x",
        "y", new Layer.Graph("g", xy, xy, new int[] {0, 0}, List.of(), new int[] {0}, new int[] {2}, new double[] {1})));
    assertMessage("figure bad graph g nodeLabels: expected 0 or 2, got 1", Figure.of("bad", "t", "x", "y",
        new Layer.Graph("g", xy, xy, new int[] {0, 0}, List.of("a"), new int[0], new int[0], new double[0])));
    assertMessage("figure bad bar b categories: expected distinct names, got 'a' twice", Figure.of("bad", "t", "x",
        "y", new Layer.Bar("b", List.of("a", "a"), xy)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SvgRenderer.render(Figures.path(), 0, 300));
    assertEquals("size: expected width and height >= 1, got 0 x 300", e.getMessage());
  }

  private static void assertMessage(String expected, Figure f) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> SvgRenderer.render(f)).getMessage());
  }

  // ---- awkward data ----

  static Stream<Figure> nonFinite() {
    return Figures.nonFinite().stream();
  }

  @ParameterizedTest
  @MethodSource("nonFinite")
  void nonFiniteValuesAreSkippedNeverDrawn(Figure figure) throws Exception {
    Svg svg = render(figure);                      // well-formed, and:
    svg.hasTexts(figure.title());
    List<String> bad = new ArrayList<>();
    for (Element e : svg.elements("*")) {
      NamedNodeMap attributes = e.getAttributes();
      for (int i = 0; i < attributes.getLength(); i++) {
        String value = attributes.item(i).getNodeValue();
        if (value.contains("NaN") || value.contains("Infinity") || value.contains("E308")) bad.add(value);
      }
    }
    assertEquals(List.of(), bad, "no non-finite or overflowing coordinate reaches the SVG");
  }

  @Test
  void nonFiniteScatterPointsAreDroppedAndTheRestDrawn() throws Exception {
    double nan = Double.NaN;
    Svg with = render(Figure.of("scatter-some", "S", "x", "y",
        new Layer.Scatter("", new double[] {0, 1, nan, 3, 4}, new double[] {0, Double.NEGATIVE_INFINITY, 2, 3, 4})));
    Svg without = render(Figure.of("scatter-clean", "S", "x", "y",
        new Layer.Scatter("", new double[] {0, 3, 4}, new double[] {0, 3, 4})));
    assertEquals(without.count("path"), with.count("path"), "3 of 5 points drawn");
  }

  @Test
  void markupInTextIsEscaped() throws Exception {
    String title = "a < b & \"c\" > 'd'";
    Svg svg = render(new Figure("escaping", title, "x <1>", "y & z", List.of(Layer.Line.of("<line>", new double[] {0, 1},
        new double[] {0, 1}))));
    svg.hasTexts(title, "x <1>", "y & z", "<line>");
  }

  @Test
  void manyLongHeatmapLabelsStayReadable() throws Exception {
    int n = 120;
    List<String> names = IntStream.range(0, n).mapToObj(i -> "token-" + i).toList();
    double[] v = IntStream.range(0, n * n).mapToDouble(i -> Math.sin(i * 0.01)).toArray();
    Svg svg = render(Figure.of("many-labels", "Many labels", "key (token)", "query (token)",
        new Layer.Heatmap("", n, n, v, names, names, "score (1)")));
    long shown = svg.texts().stream().filter(t -> t.startsWith("token-")).count();
    assertTrue(shown > 10 && shown < n, "some labels, not all " + 2 * n + ": " + shown);
  }

  @Test
  void aLargeHeatmapIsOneEmbeddedImageUnderItsAxesAndOverlays() throws Exception {
    int n = 200;                                   // 40 000 cells, above the vector limit
    double[] v = IntStream.range(0, n * n).mapToDouble(i -> (i / n) * 0.5 + (i % n)).toArray();
    v[5] = Double.NaN;
    Svg svg = render(Figure.of("large-heatmap", "Large heatmap", "key (token)", "query (token)",
        new Layer.Heatmap("", n, n, v, List.of(), List.of(), "score (1)"),
        new Layer.Path("diagonal", new double[] {0, n - 1}, new double[] {0, n - 1})));
    assertTrue(n * n > HeatmapChart.MAX_VECTOR_CELLS);
    assertEquals(1, svg.count("image"));
    assertTrue(svg.elements("image").getFirst().getAttribute("xlink:href").startsWith("data:image/png;base64,"));
    svg.hasTexts("Large heatmap", "key (token)", "query (token)", "score (1)", "diagonal");
    assertTrue(svg.text.length() < 500_000, "size " + svg.text.length());
    assertFalse(svg.texts().contains("no finite data"));
  }

  // ---- output ----

  @Test
  void outputIsAStandaloneSvgOfTheRequestedSize() throws Exception {
    String text = Files.readString(SvgRenderer.write(Figures.lineBandScatter(), KEEP.resolve("400x300"), 400, 300));
    Svg svg = new Svg(text);
    assertTrue(text.startsWith("<svg"));
    assertEquals("http://www.w3.org/2000/svg", svg.root().getAttribute("xmlns"));
    assertEquals("400.0", svg.root().getAttribute("width"));
    assertEquals("300.0", svg.root().getAttribute("height"));
  }

  @Test
  void internalIdsStartWithTheFigureIdSoFiguresCanShareAPage() throws Exception {
    Svg svg = render(Figures.heatmap());
    List<String> ids = svg.elements("*").stream().map(e -> e.getAttribute("id")).filter(id -> !id.isEmpty()).toList();
    assertTrue(ids.size() > 1);
    assertTrue(ids.stream().allMatch(id -> id.startsWith("attention-weights")), ids.toString());
  }

  @Test
  void writeSavesIdDotSvgInTheFolder(@TempDir Path dir) throws IOException {
    Path file = SvgRenderer.write(Figures.bars(), dir.resolve("figs"));
    assertEquals(dir.resolve("figs").resolve("accuracy-by-scorer.svg"), file);
    assertEquals(SvgRenderer.render(Figures.bars()), Files.readString(file, StandardCharsets.UTF_8));
  }

  // ---- helpers ----

  private static Svg render(Figure figure) throws Exception {
    String text = Files.readString(SvgRenderer.write(figure, KEEP), StandardCharsets.UTF_8);
    assertTrue(text.startsWith("<svg"), () -> text.substring(0, Math.min(80, text.length())));
    return new Svg(text);
  }

  private static int segments(String d) {
    Matcher m = Pattern.compile("L").matcher(d);
    int n = 0;
    while (m.find()) n++;
    return d.startsWith("M") && !d.contains("Z") && !d.contains("C") ? n : -1;
  }

  /** A parsed SVG document (parsing proves it well-formed). */
  private static final class Svg {
    final String text;
    final Document doc;

    Svg(String text) throws Exception {
      this.text = text;
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      this.doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    Element root() {
      return doc.getDocumentElement();
    }

    List<Element> elements(String tag) {
      NodeList nodes = doc.getElementsByTagName(tag);
      return IntStream.range(0, nodes.getLength()).mapToObj(i -> (Element) nodes.item(i)).toList();
    }

    int count(String... tags) {
      return Stream.of(tags).mapToInt(t -> elements(t).size()).sum();
    }

    List<String> texts() {
      return elements("text").stream().map(Element::getTextContent).toList();
    }

    void hasTexts(String... expected) {
      List<String> texts = texts();
      assertAll(Stream.of(expected).map(s -> () -> assertTrue(texts.contains(s), "no text '" + s + "' in " + texts)));
    }

    /** Filled rectangles of one colour, at least 20 × 20 (so not a colour-bar step or a legend swatch). */
    List<Element> blocks(String rgb) {
      return elements("rect").stream()
          .filter(e -> e.getAttribute("style").contains("fill:" + rgb))
          .filter(e -> Double.parseDouble(e.getAttribute("width")) >= 20 && Double.parseDouble(e.getAttribute("height")) >= 20)
          .toList();
    }
  }
}
