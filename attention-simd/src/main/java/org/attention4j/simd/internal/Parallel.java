package org.attention4j.simd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs numbered tasks on the calling thread plus up to {@code threads − 1} helpers. Tasks are
 * claimed in order from a counter; which thread runs a task never changes what it computes (each
 * task writes its own outputs, in a fixed order), so results are bitwise the same for any thread
 * count. The caller always works too, so a busy pool only slows a call down, never blocks it.
 * Helpers are daemon threads of a pool created on first use; idle ones exit after a minute.
 */
final class Parallel {
  /** The system property that sets the thread count of the {@code simd} kernels. */
  static final String THREADS_PROPERTY = "attention4j.simd.threads";

  /** A task body with per-thread scratch (created once per participating thread and call). */
  @FunctionalInterface
  interface Body<S> {
    void run(S scratch, int task);
  }

  private final int threads;
  private ForkJoinPool pool;                       // guarded by this

  Parallel(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads: expected a positive count, got " + threads);
    this.threads = threads;
  }

  int threads() { return threads; }

  /** {@value #THREADS_PROPERTY} if set (a positive integer), else the available processors. */
  static int threadsFromProperty() {
    String v = System.getProperty(THREADS_PROPERTY);
    if (v == null || v.isBlank()) return Runtime.getRuntime().availableProcessors();
    try {
      int t = Integer.parseInt(v.strip());
      if (t >= 1) return t;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(THREADS_PROPERTY + ": expected a positive integer, got '" + v + "'");
  }

  /**
   * Runs {@code body} for tasks {@code 0 .. tasks − 1}; on helpers only when {@code parallel} (a
   * decision the caller takes from the problem's shape alone) and there is more than one task.
   */
  <S> void run(int tasks, boolean parallel, Supplier<S> scratch, Body<S> body) {
    int workers = parallel ? Math.min(threads, tasks) : 1;
    if (workers <= 1) {
      S s = scratch.get();
      for (int t = 0; t < tasks; t++) body.run(s, t);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      try {
        S s = scratch.get();
        for (int t; (t = next.getAndIncrement()) < tasks; ) body.run(s, t);
      } catch (RuntimeException | Error e) {         // kept as thrown (a pool would rethrow a copy)
        if (!failure.compareAndSet(null, e)) failure.get().addSuppressed(e);
        next.set(tasks);                             // the others stop claiming
      }
    };
    ForkJoinPool p = pool();
    List<ForkJoinTask<?>> helpers = new ArrayList<>(workers - 1);
    for (int w = 1; w < workers; w++) helpers.add(p.submit(worker));
    worker.run();
    for (ForkJoinTask<?> h : helpers) h.join();
    Throwable f = failure.get();
    if (f instanceof RuntimeException re) throw re;
    if (f instanceof Error err) throw err;
  }

  private synchronized ForkJoinPool pool() {
    if (pool == null) {
      pool = new ForkJoinPool(Math.max(1, threads - 1), p -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
        t.setName("attention4j-simd-" + t.getPoolIndex());
        return t;
      }, null, false);
    }
    return pool;
  }
}
