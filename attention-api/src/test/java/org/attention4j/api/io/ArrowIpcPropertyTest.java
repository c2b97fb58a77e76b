package org.attention4j.api.io;

import static org.attention4j.api.io.IoTestSupport.bytes;
import static org.attention4j.api.io.IoTestSupport.readOrRefuse;
import static org.attention4j.api.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import net.jqwik.api.statistics.Statistics;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.attention4j.api.DenseMatrices;

/** Arrow IPC properties: random tensors and batchings round-trip; random corruptions read or are refused, without leaks. */
class ArrowIpcPropertyTest {
  private static Path dir;
  private static IoTestSupport.ShallowThread shallow;
  /** Valid files to corrupt: one to four batches, rank 1 to 3, with and without shape metadata. */
  private static final List<byte[]> VALID = new ArrayList<>();
  private BufferAllocator allocator;

  @BeforeContainer static void makeFiles() throws IOException {
    shallow = new IoTestSupport.ShallowThread();
    dir = Files.createTempDirectory("arrow-properties");
    ArrowType f32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    Path f = dir.resolve("valid.arrow");
    try (BufferAllocator a = new RootAllocator()) {
      ArrowIpcTest.writeBatches(f, a, "data", f32, 3, Map.of(DenseMatrices.SHAPE_KEY, "[2,3]"), IoTestSupport.floats(6));
      VALID.add(bytes(f));
      ArrowIpcTest.writeBatches(f, a, "data", f32, 2, null, IoTestSupport.floats(4), new float[0], IoTestSupport.floats(2));
      VALID.add(bytes(f));
      ArrowIpcTest.writeBatches(f, a, "data", f32, 1, Map.of(DenseMatrices.SHAPE_KEY, "[4]"), IoTestSupport.floats(1),
          IoTestSupport.floats(1), IoTestSupport.floats(1), IoTestSupport.floats(1));
      VALID.add(bytes(f));
      ArrowIpcTest.writeBatches(f, a, "data", f32, 4, Map.of(DenseMatrices.SHAPE_KEY, "[2,2,4]"), IoTestSupport.floats(8),
          IoTestSupport.floats(8));
      VALID.add(bytes(f));
    }
  }

  @AfterContainer static void removeDir() {
    shallow.close();
    IoTestSupport.deleteTree(dir);
  }

  @BeforeTry void open() { allocator = new RootAllocator(); }

  @AfterTry void close() {
    IoTestSupport.deleteFresh();
    allocator.close();   // a leak on any path fails the try
  }

  record Tensor(int[] shape, int[] bits, int batches) {
    @Override public String toString() { return Arrays.toString(shape) + " in " + batches + " batches"; }
  }

  @Provide Arbitrary<Tensor> tensors() {
    Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 5).array(int[].class).ofMinSize(1).ofMaxSize(4)
        .filter(s -> s[s.length - 1] > 0 || s.length == 1).filter(s -> s.length > 1 || s[0] > 0);
    return shapes.flatMap(s -> Arbitraries.integers().array(int[].class).ofSize((int) FileIo.elementCount(s))
        .flatMap(bits -> Arbitraries.integers().between(1, 3).map(b -> new Tensor(s, bits, b))));
  }

  private static float[] floats(int[] bits) {
    float[] v = new float[bits.length];
    for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(bits[i]);
    return v;
  }

  /**
   * Random tensors round-trip exactly: one batch through {@link MatrixFiles#writeMatrix}, or rows
   * split at random into up to three batches (some empty) that the reader concatenates in order.
   */
  @Property(tries = 2000)
  void tensorsRoundTripExactlyInAnyBatching(@ForAll("tensors") Tensor t, @ForAll long seed) {
    shallow.run(() -> {
      Path f = IoTestSupport.fresh(dir, "t.arrow");
      float[] values = floats(t.bits);
      if (t.batches == 1) {
        try (FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, "t", t.shape)) {
          MemorySegment.copy(values, 0, DenseMatrices.segment(v), FileIo.FLOAT, 0, values.length);
          MatrixFiles.writeMatrix(f, v);
        }
      } else {
        int cols = t.shape.length == 1 ? 1 : t.shape[t.shape.length - 1];
        int rows = values.length / cols;
        java.util.Random r = new java.util.Random(seed);
        List<float[]> batches = new ArrayList<>();
        for (int at = 0, k = 0; k < t.batches; k++) {
          int take = k == t.batches - 1 ? rows - at : r.nextInt(rows - at + 1);
          batches.add(Arrays.copyOfRange(values, at * cols, (at + take) * cols));
          at += take;
        }
        ArrowIpcTest.writeBatches(f, allocator, "data", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), cols,
            Map.of(DenseMatrices.SHAPE_KEY, DenseMatrices.shapeJson(t.shape)), batches.toArray(float[][]::new));
      }
      try (FixedSizeListVector v = MatrixFiles.readMatrix(f, allocator)) {
        assertArrayEquals(t.shape.length == 1 ? new int[] {t.shape[0], 1} : t.shape, DenseMatrices.shape(v));
        float[] back = DenseMatrices.toArray(v);
        for (int i = 0; i < back.length; i++) assertEquals(t.bits[i], Float.floatToRawIntBits(back[i]), "element " + i);
      }
    });
  }

  /**
   * Truncations, bit flips (anywhere, or in the first and last 400 bytes where the schema, batch
   * metadata and footer sit) and lying 4- and 8-byte integers either read or give one
   * IllegalArgumentException naming the file — never another exception, a huge allocation or a leak.
   */
  @Property(tries = 2000)
  void corruptFilesReadOrAreRefusedWithoutLeaks(@ForAll @IntRange(min = 0, max = 3) int which, @ForAll @IntRange(min = 0, max = 4) int kind,
      @ForAll int a, @ForAll int b) {
    byte[] file = VALID.get(which).clone();
    int n = file.length;
    switch (kind) {
      case 0 -> file = Arrays.copyOf(file, Math.floorMod(a, n));
      case 1 -> file[Math.floorMod(a, n)] ^= (byte) (1 << Math.floorMod(b, 8));
      case 2 -> {
        int p = Math.floorMod(a, 800);
        file[p < 400 ? p : n - (p - 399)] ^= (byte) (1 << Math.floorMod(b, 8));
      }
      case 3 -> ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(Math.floorMod(a, n - 3) & ~3, b);
      default -> ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(Math.floorMod(a, n - 7) & ~7, (long) b * a);
    }
    Path f = IoTestSupport.fresh(dir, "corrupt.arrow");
    write(f, file);
    boolean read = shallow.call(() -> readOrRefuse(f, () -> MatrixFiles.readMatrix(f, allocator)));
    Statistics.label("outcome").collect(read ? "read" : "refused");
    Statistics.label("outcome").coverage(c -> {
      c.check("read").percentage(p -> p > 10);
      c.check("refused").percentage(p -> p > 30);
    });
  }
}
