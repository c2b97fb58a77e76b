/**
 * The attention4j application: the composition root (Dagger), the picocli commands of CLI.md, figure
 * rendering (JFreeChart to SVG) and the report. Providers arrive through the registry only.
 *
 * <p>Automatic modules used here: {@code dagger} and {@code org.jfree.jfreechart} (see README).
 */
module org.attention4j.cli {
  requires org.attention4j.api;
  requires org.attention4j.align;               // the align command calls its user API
  requires org.attention4j.retrieval;           // the retrieve command calls its user API
  requires org.attention4j.graph;               // the graph command calls its user API
  requires org.apache.arrow.memory.unsafe;
  requires info.picocli;
  requires dagger;
  requires jakarta.inject;
  requires static java.compiler;
  requires java.desktop;
  requires java.logging;                        // quiets libraries that log through JUL (Arrow via SLF4J)
  requires org.jfree.jfreechart;
  requires org.jfree.svg;
  requires com.fasterxml.jackson.databind;
  requires static org.apiguardian.api;

  opens org.attention4j.cli to info.picocli;
}
