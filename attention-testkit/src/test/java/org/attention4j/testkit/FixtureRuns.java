package org.attention4j.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.TreeMap;
import org.attention4j.testkit.RootAllocatorExtensionTest.OnlyFromEngineTestKit;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Runs a conformance fixture class through {@link EngineTestKit} and reads its failures (shared by the suites' own tests). */
final class FixtureRuns {
  private FixtureRuns() {}

  static EngineExecutionResults run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(OnlyFromEngineTestKit.KEY, "true")
        .selectors(selectClass(fixture))
        .execute();
  }

  /** Test method name → failure message, for every failed test. */
  static Map<String, String> failures(EngineExecutionResults results) {
    Map<String, String> out = new TreeMap<>();
    for (Event e : results.testEvents().failed().list()) {
      String name = e.getTestDescriptor().getDisplayName();
      Throwable t = e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
      out.put(name.substring(0, name.indexOf('(')), String.valueOf(t.getMessage()));
    }
    return out;
  }

  static String failureOf(Class<?> fixture, String method) {
    Map<String, String> f = failures(run(fixture));
    assertTrue(f.containsKey(method), fixture.getSimpleName() + ": expected " + method + "() to fail, got failures " + f);
    return f.get(method);
  }

  static void assertContains(String message, String... parts) {
    for (String p : parts) assertTrue(message.contains(p), "expected the message to contain '" + p + "', got: " + message);
  }
}
