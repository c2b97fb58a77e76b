package org.attention4j.api.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;

/** Fixtures and assertions shared by the io tests. */
final class IoTestSupport {
  private IoTestSupport() {}

  private static final AtomicLong COUNTER = new AtomicLong();
  private static final Queue<Path> FRESH = new ConcurrentLinkedQueue<>();

  /**
   * A new file name in {@code dir} for each call; {@link #deleteFresh} removes them. Tests that
   * rewrite one file thousands of times ran ten times slower: ext4 flushes a file on close after it
   * was truncated and rewritten, and deleting a file before write-back saves the disk work.
   */
  static Path fresh(Path dir, String name) {
    Path p = dir.resolve(COUNTER.incrementAndGet() + "-" + name);
    FRESH.add(p);
    return p;
  }

  /** Deletes the files {@link #fresh} named so far. */
  static void deleteFresh() {
    for (Path p; (p = FRESH.poll()) != null; ) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A committed fixture written by src/test/python/make_io_fixtures.py. */
  static Path fixture(String name) { return Path.of("src", "test", "resources", "io", name); }

  /** The fixtures' formula: value(i) = i * 0.37 - 2.5 in float64, i in C order. */
  static double value(int i) { return i * 0.37 - 2.5; }

  static float[] floats(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) value(i);
    return v;
  }

  /** Asserts one IllegalArgumentException "{@code <file>: expected ...}" and returns its message. */
  static String assertRefused(Path file, Executable read) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read);
    assertNamesFile(file, e);
    return e.getMessage();
  }

  static void assertNamesFile(Path file, IllegalArgumentException e) {
    assertTrue(e.getMessage().startsWith(file + ": expected "), () -> "message should start with '" + file
        + ": expected ', got: " + e.getMessage());
  }

  /** Something a reader returns that may need closing (Arrow vectors, parameter sets). */
  interface Read {
    Object run();
  }

  /**
   * Reads a possibly corrupt file: it either reads (the result is closed) or throws one
   * IllegalArgumentException naming the file. Anything else propagates and fails the test.
   */
  static boolean readOrRefuse(Path file, Read read) {
    Object result;
    try {
      result = read.run();
    } catch (IllegalArgumentException e) {
      assertNamesFile(file, e);
      return false;
    }
    if (result instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new AssertionError("closing the result of " + file, e);
      }
    }
    return true;
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) b.put(p);
    return b.array();
  }

  /** A .npy file: Npy's header for {@code descr} and {@code shape}, then {@code data}. */
  static byte[] npy(String descr, int[] shape, byte[] data) { return concat(Npy.header(descr, shape), data); }

  static byte[] littleEndianFloats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) b.putFloat(x);
    return b.array();
  }

  static byte[] prefix(byte[] b, int length) { return Arrays.copyOf(b, length); }

  /**
   * Runs property tries on a thread with a short stack. Arrow's debug allocator (on in these tests)
   * records a stack trace for every buffer event, and under jqwik's deep stacks that made up most of
   * the time of a try; on a fresh thread the same work runs about three times faster.
   */
  static final class ShallowThread implements AutoCloseable {
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "io-properties");
      t.setDaemon(true);
      return t;
    });

    <T> T call(Callable<T> body) {
      try {
        return executor.submit(body).get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) throw r;
        if (e.getCause() instanceof Error r) throw r;
        throw new AssertionError(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    void run(Runnable body) {
      call(() -> {
        body.run();
        return null;
      });
    }

    @Override public void close() { executor.shutdownNow(); }
  }

  static void deleteTree(Path dir) {
    if (dir == null) return;
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
