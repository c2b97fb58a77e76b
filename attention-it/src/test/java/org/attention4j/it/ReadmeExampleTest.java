package org.attention4j.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.attention4j.archunit.PluginArchRules;
import org.junit.jupiter.api.Test;

/** attention-archunit's README example, compiled and run on the well-behaved fixtures in com.acme. */
class ReadmeExampleTest {
  @Test
  void theExampleRuns() {
    // README:begin
    JavaClasses classes = new ClassFileImporter().importPackages("com.acme");
    PluginArchRules.usesOnlyExportedApi("com.acme..").check(classes);
    PluginArchRules.pluginDependsOnlyOnSpi("com.acme.scorer..").check(classes);
    PluginArchRules.noAttention4jTypesInDomainLayer("com.acme.domain..").check(classes);
    // README:end
    assertTrue(classes.size() >= 3, "com.acme classes: expected at least 3, got " + classes.size());
  }

  @Test
  void theReadmeShowsTheExample() throws IOException {
    List<String> source = Files.readAllLines(
        Artifacts.root().resolve("attention-it/src/test/java/org/attention4j/it/ReadmeExampleTest.java"));
    int begin = source.indexOf("    // README:begin"), end = source.indexOf("    // README:end");
    assertTrue(begin > 0 && end > begin, "README markers in ReadmeExampleTest");
    String readme = Files.readString(Artifacts.root().resolve("attention-archunit/README.md"));
    for (String line : source.subList(begin + 1, end)) {
      assertTrue(readme.contains(line.substring(4)), "attention-archunit/README.md must contain the example line: "
          + line.substring(4));
    }
  }
}
