package org.attention4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link WithRootAllocator}: opens a {@link RootAllocator} before each test,
 * resolves {@link BufferAllocator} parameters of the test and its {@code @BeforeEach} and
 * {@code @AfterEach} methods to it, and closes it after them, failing the test when anything leaked.
 * Register it through the annotation; it is public only so that JUnit can instantiate it.
 *
 * <p>Buffers are counted with an {@link AllocationListener}: one per underlying allocation, so
 * slices and extra references of one buffer count once.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class RootAllocatorExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RootAllocatorExtension.class);
  private static final String KEY = "allocator";

  /** Created by JUnit (through {@link WithRootAllocator}). */
  public RootAllocatorExtension() {}

  /** Counts the buffers handed out and not yet released, across the root and its children. */
  private static final class Counting implements AllocationListener {
    private final AtomicLong outstanding = new AtomicLong();

    @Override public void onAllocation(long size) { outstanding.incrementAndGet(); }

    @Override public void onRelease(long size) { outstanding.decrementAndGet(); }
  }

  /** One test's allocator, its name and its buffer count. */
  private record Tracked(String name, RootAllocator allocator, Counting counting) {}

  @Override
  public void beforeEach(ExtensionContext context) {
    long limit = limit(context);
    Counting counting = new Counting();
    String name = nameOf(context);
    RootAllocator root = new RootAllocator(counting, limit);
    context.getStore(NAMESPACE).put(KEY, new Tracked(name, root, counting));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == BufferAllocator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Tracked t = extensionContext.getStore(NAMESPACE).get(KEY, Tracked.class);
    if (t == null) {
      throw new ParameterResolutionException("@WithRootAllocator: expected a BufferAllocator parameter on a test, "
          + "@BeforeEach or @AfterEach method, got one on " + parameterContext.getDeclaringExecutable()
          + " (use a plain RootAllocator closed in @AfterAll there)");
    }
    return t.allocator();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Tracked t = context.getStore(NAMESPACE).remove(KEY, Tracked.class);
    if (t != null) closeAndCheck(t.name(), t.allocator(), t.counting().outstanding.get());
  }

  /**
   * Closes {@code allocator}; fails with an {@link org.opentest4j.AssertionFailedError} naming the
   * outstanding bytes, buffers and child allocators when it is not empty.
   */
  static void closeAndCheck(String name, BufferAllocator allocator, long buffers) {
    long bytes = allocator.getAllocatedMemory();
    Collection<BufferAllocator> children = allocator.getChildAllocators();
    String childNames = children.stream().map(c -> "'" + c.getName() + "'").collect(Collectors.joining(", "));
    IllegalStateException arrow = null;
    try {
      allocator.close();
    } catch (IllegalStateException e) {
      arrow = e;
    }
    if (bytes == 0 && buffers == 0 && children.isEmpty() && arrow == null) return;
    String message = "allocator '" + name + "': expected every buffer and child allocator closed when the test ends, got "
        + buffers + (buffers == 1 ? " buffer (" : " buffers (") + bytes + " bytes) and " + children.size()
        + (children.size() == 1 ? " child allocator" : " child allocators") + " still open"
        + (children.isEmpty() ? "" : " (" + childNames + ")")
        + "; close every vector and allocator, e.g. with try-with-resources";
    Assertions.fail(message, arrow);
  }

  private static long limit(ExtensionContext context) {
    Optional<WithRootAllocator> onMethod = AnnotationSupport.findAnnotation(context.getTestMethod(), WithRootAllocator.class);
    if (onMethod.isPresent()) return onMethod.get().limit();
    for (Class<?> c = context.getTestClass().orElse(null); c != null; c = c.getEnclosingClass()) {
      Optional<WithRootAllocator> a = AnnotationSupport.findAnnotation(c, WithRootAllocator.class);
      if (a.isPresent()) return a.get().limit();
    }
    return Long.MAX_VALUE;
  }

  private static String nameOf(ExtensionContext context) {
    String cls = context.getTestClass().map(Class::getSimpleName).orElse("?");
    String method = context.getTestMethod().map(Method::getName).orElse("?");
    String display = context.getDisplayName();            // "[2] size=17" for a parameterized invocation
    return cls + "." + method + "()" + (display.startsWith(method + "(") ? "" : " " + display);
  }
}
