package org.attention4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives every test of the annotated class (or the annotated test method) a fresh Arrow
 * {@link org.apache.arrow.memory.RootAllocator}: declare a
 * {@link org.apache.arrow.memory.BufferAllocator} parameter on the test method, or on a
 * {@code @BeforeEach} or {@code @AfterEach} method (they all receive the same allocator). After the
 * {@code @AfterEach} methods have run, the allocator is closed; if any buffer or child allocator is
 * still open the test fails, and the message names the outstanding bytes and buffers, for example
 * <pre>
 * allocator 'ScorerTest.scores()': expected every buffer and child allocator closed when the test
 * ends, got 1 buffer (128 bytes) and 0 child allocators still open
 * </pre>
 * with Arrow's own report (allocation stack traces when {@code arrow.memory.debug.allocator=true})
 * as the cause.
 *
 * <pre>{@code
 * @WithRootAllocator
 * class DotScorerTest {
 *   @Test void scores(BufferAllocator allocator) {
 *     try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", 2, 3, data)) { ... }
 *   }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RootAllocatorExtension.class)
public @interface WithRootAllocator {
  /**
   * The most bytes the allocator may hand out at once; an allocation beyond it throws Arrow's
   * {@code OutOfMemoryException}. Default: no limit.
   */
  long limit() default Long.MAX_VALUE;
}
