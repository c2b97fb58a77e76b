package org.attention4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.opentest4j.AssertionFailedError;

/** {@code @WithRootAllocator}: injection, clean runs, and the leak failure message itself. */
@WithRootAllocator
class RootAllocatorExtensionTest {
  private BufferAllocator seenBefore;

  @BeforeEach void before(BufferAllocator allocator) { seenBefore = allocator; }

  @AfterEach void after(BufferAllocator allocator) {
    assertSame(seenBefore, allocator, "@BeforeEach and @AfterEach must see the test's allocator");
    assertEquals(0, allocator.getAllocatedMemory(), "nothing outstanding before the extension closes it");
  }

  @Test void injectsOneRootAllocatorPerTest(BufferAllocator allocator) {
    assertSame(seenBefore, allocator);
    assertInstanceOf(RootAllocator.class, allocator);
    assertEquals(0, allocator.getAllocatedMemory());
  }

  @Test void closedBuffersPass(BufferAllocator allocator) {
    try (FixedSizeListVector v = DenseMatrices.of(allocator, "m", 2, 2, new float[] {1, 2, 3, 4});
         BufferAllocator child = allocator.newChildAllocator("child", 0, Long.MAX_VALUE);
         ArrowBuf b = child.buffer(256)) {
      assertEquals(4, DenseMatrices.toArray(v).length);
      assertTrue(b.capacity() >= 256);
    }
  }

  @Nested class InNestedClasses {
    @Test void theOuterAnnotationStillApplies(BufferAllocator allocator) {
      assertNotNull(allocator);
      assertSame(seenBefore, allocator);
    }
  }

  // --- the negative tests: run deliberately broken test classes through the engine and read their failures

  /** Enables the broken cases below only when run through {@link EngineTestKit} from this class. */
  static final class OnlyFromEngineTestKit implements ExecutionCondition {
    static final String KEY = "attention4j.testkit.self-test";

    @Override public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(KEY).isPresent()
          ? ConditionEvaluationResult.enabled("run by RootAllocatorExtensionTest")
          : ConditionEvaluationResult.disabled("only run by RootAllocatorExtensionTest through EngineTestKit");
    }
  }

  @WithRootAllocator
  @ExtendWith(OnlyFromEngineTestKit.class)
  static class LeakingCases {
    @Test void leaksOneBuffer(BufferAllocator allocator) {
      allocator.buffer(1024);                                       // never closed
    }

    @Test void leaksAChildAllocator(BufferAllocator allocator) {
      allocator.newChildAllocator("scorer:leaky", 0, Long.MAX_VALUE);
    }

    @Test void leaksTwoBuffersFromAChild(BufferAllocator allocator) {
      BufferAllocator child = allocator.newChildAllocator("scorer:child", 0, Long.MAX_VALUE);
      child.buffer(512);
      child.buffer(512);
    }

    @Test void failsAndLeaks(BufferAllocator allocator) {
      allocator.buffer(64);
      throw new AssertionFailedError("the test's own failure");
    }
  }

  @WithRootAllocator(limit = 1024)
  @ExtendWith(OnlyFromEngineTestKit.class)
  static class LimitedCases {
    @Test void beyondTheLimit(BufferAllocator allocator) {
      assertThrows(OutOfMemoryException.class, () -> allocator.buffer(4096));
      allocator.buffer(512).close();
    }
  }

  @ExtendWith(OnlyFromEngineTestKit.class)
  static class MisusedCases {
    @Test @WithRootAllocator void fine(BufferAllocator allocator) { assertNotNull(allocator); }

    @Test void notAnnotated(BufferAllocator allocator) { assertNotNull(allocator); }
  }

  private static EngineExecutionResults run(Class<?> cases) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(OnlyFromEngineTestKit.KEY, "true")
        .selectors(selectClass(cases))
        .execute();
  }

  private static Throwable failureOf(EngineExecutionResults results, String method) {
    List<Event> failed = results.testEvents().failed().list().stream()
        .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method + "(")).toList();
    assertEquals(1, failed.size(), "expected " + method + "() to fail once; events: " + results.testEvents().list());
    return failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow();
  }

  @Test void aLeakedBufferFailsTheTestNamingBytesAndBuffers() {
    EngineExecutionResults results = run(LeakingCases.class);
    results.testEvents().assertStatistics(s -> s.started(4).failed(4).succeeded(0));
    Throwable t = failureOf(results, "leaksOneBuffer");
    assertInstanceOf(AssertionFailedError.class, t);
    assertEquals("allocator 'LeakingCases.leaksOneBuffer()': expected every buffer and child allocator closed when the "
        + "test ends, got 1 buffer (1024 bytes) and 0 child allocators still open; close every vector and allocator, "
        + "e.g. with try-with-resources", t.getMessage());
    assertInstanceOf(IllegalStateException.class, t.getCause(), "Arrow's own report is the cause");
  }

  @Test void aLeakedChildAllocatorIsNamed() {
    EngineExecutionResults results = run(LeakingCases.class);
    String m = failureOf(results, "leaksAChildAllocator").getMessage();
    assertTrue(m.contains("got 0 buffers (0 bytes) and 1 child allocator still open ('scorer:leaky')"), m);
    String two = failureOf(results, "leaksTwoBuffersFromAChild").getMessage();
    assertTrue(two.contains("got 2 buffers (1024 bytes) and 1 child allocator still open ('scorer:child')"), two);
  }

  @Test void theTestsOwnFailureComesFirstAndTheLeakIsSuppressed() {
    Throwable t = failureOf(run(LeakingCases.class), "failsAndLeaks");
    assertEquals("the test's own failure", t.getMessage());
    assertEquals(1, t.getSuppressed().length);
    assertTrue(t.getSuppressed()[0].getMessage().contains("got 1 buffer (64 bytes)"), t.getSuppressed()[0].getMessage());
  }

  @Test void theLimitIsApplied() {
    run(LimitedCases.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
  }

  @Test void withoutTheAnnotationNoAllocatorIsInjected() {
    EngineExecutionResults results = run(MisusedCases.class);
    results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
    String m = failureOf(results, "notAnnotated").getMessage();
    assertTrue(m.contains("No ParameterResolver registered for parameter"), m);
  }
}
