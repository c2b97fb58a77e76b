package org.attention4j.api.io;

import static org.attention4j.api.io.IoTestSupport.concat;
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
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;

/** .npy properties: random tensors of every dtype round-trip; random corruptions read or are refused. */
class NpyPropertyTest {
  private static Path dir;
  private static IoTestSupport.ShallowThread shallow;
  private BufferAllocator allocator;

  @BeforeContainer static void makeDir() throws IOException {
    shallow = new IoTestSupport.ShallowThread();
    dir = Files.createTempDirectory("npy-properties");
  }

  @AfterContainer static void removeDir() {
    shallow.close();
    IoTestSupport.deleteTree(dir);
  }

  @BeforeTry void open() { allocator = new RootAllocator(); }

  @AfterTry void close() {
    IoTestSupport.deleteFresh();
    allocator.close();   // throws on any outstanding buffer
  }

  /** A tensor: its shape and raw values (float bits, or integers), row-major. */
  record Tensor(int[] shape, long[] raw) {
    int count() { return raw.length; }

    @Override public String toString() { return Arrays.toString(shape); }
  }

  @Provide Arbitrary<int[]> shapes() {
    return Arbitraries.integers().between(0, 5).array(int[].class).ofMinSize(1).ofMaxSize(4);
  }

  private Arbitrary<Tensor> tensors(Arbitrary<Long> values) {
    return shapes().flatMap(shape -> values.array(long[].class).ofSize((int) FileIo.elementCount(shape))
        .map(raw -> new Tensor(shape, raw)));
  }

  @Provide Arbitrary<Tensor> floatTensors() { return tensors(Arbitraries.integers().map(i -> (long) i)); }

  @Provide Arbitrary<Tensor> doubleTensors() { return tensors(Arbitraries.longs()); }

  @Provide Arbitrary<Tensor> integerTensors() { return tensors(Arbitraries.longs()); }

  @Provide Arbitrary<Dtype> maskDtypes() { return Arbitraries.of(Dtype.BOOL, Dtype.UINT8, Dtype.INT32, Dtype.INT64); }

  /** Encodes {@code raw} as {@code type}, little-endian (float32 from int bits, float64 from long bits). */
  static byte[] encode(Dtype type, long[] raw) {
    ByteBuffer b = ByteBuffer.allocate(raw.length * type.size).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : raw) {
      switch (type) {
        case BOOL, UINT8 -> b.put((byte) v);
        case INT32, FLOAT32 -> b.putInt((int) v);
        case INT64, FLOAT64 -> b.putLong(v);
      }
    }
    return b.array();
  }

  static int[] asMatrix(int[] shape) { return shape.length == 1 ? new int[] {shape[0], 1} : shape; }

  private Path file(String name, byte[] bytes) {
    Path f = IoTestSupport.fresh(dir, name);
    write(f, bytes);
    return f;
  }

  @Property(tries = 2000)
  void float32TensorsRoundTripExactly(@ForAll("floatTensors") Tensor t) {
    shallow.run(() -> {
      Path f = IoTestSupport.fresh(dir, "f32.npy");
      float[] values = new float[t.count()];
      for (int i = 0; i < values.length; i++) values[i] = Float.intBitsToFloat((int) t.raw[i]);
      try (FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, "t", t.shape)) {
        MemorySegment.copy(values, 0, DenseMatrices.segment(v), FileIo.FLOAT, 0, values.length);
        MatrixFiles.writeMatrix(f, v);
      }
      try (FixedSizeListVector v = MatrixFiles.readMatrix(f, allocator)) {
        assertArrayEquals(asMatrix(t.shape), DenseMatrices.shape(v));
        float[] back = DenseMatrices.toArray(v);
        for (int i = 0; i < values.length; i++) {
          assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]), "element " + i);
        }
      }
    });
  }

  @Property(tries = 2000)
  void float64FilesReadAsTheNearestFloat32(@ForAll("doubleTensors") Tensor t) {
    shallow.run(() -> {
      Path f = file("f64.npy", concat(Npy.header("<f8", t.shape), encode(Dtype.FLOAT64, t.raw)));
      try (FixedSizeListVector v = MatrixFiles.readMatrix(f, allocator)) {
        assertArrayEquals(asMatrix(t.shape), DenseMatrices.shape(v));
        float[] back = DenseMatrices.toArray(v);
        for (int i = 0; i < back.length; i++) {
          assertEquals(Float.floatToIntBits((float) Double.longBitsToDouble(t.raw[i])), Float.floatToIntBits(back[i]));
        }
      }
    });
  }

  @Property(tries = 2000)
  void masksOfEveryDtypeRoundTripNonZeroMeaningAttend(@ForAll("maskDtypes") Dtype type, @ForAll("integerTensors") Tensor t) {
    Path f = file("mask.npy", concat(Npy.header(type.npy, t.shape), encode(type, t.raw)));
    MaskData m = MatrixFiles.readMask(f);
    assertArrayEquals(asMatrix(t.shape), m.shape());
    for (int i = 0; i < t.count(); i++) {
      long stored = switch (type) {
        case BOOL, UINT8 -> (byte) t.raw[i];
        case INT32 -> (int) t.raw[i];
        default -> t.raw[i];
      };
      assertEquals(stored != 0, m.values()[i], "element " + i);
    }
  }

  @Property(tries = 2000)
  void integersRoundTripAsInt64AndReadFromInt32(@ForAll("integerTensors") Tensor t) {
    Path f = IoTestSupport.fresh(dir, "ids.npy");
    MatrixFiles.writeIntegers(f, t.raw, t.shape);
    assertEquals(new LongTensor(asMatrix(t.shape), t.raw), MatrixFiles.readIntegers(f));
    long[] narrowed = Arrays.stream(t.raw).map(x -> (int) x).toArray();
    Path g = file("i32.npy", concat(Npy.header("<i4", t.shape), encode(Dtype.INT32, t.raw)));
    assertEquals(new LongTensor(asMatrix(t.shape), narrowed), MatrixFiles.readIntegers(g));
  }

  // ---- corruption ----

  private static final List<String> DESCRS = List.of("<f4", "<f8", "|b1", "|u1", "<i4", "<i8", ">f4", ">i8", "<f2", "|O",
      "<c8", "<u4", "<i2", "|i1", "<U5", "f4", "<f16", "[('a', '<f4')]");

  /** A valid file of a random dtype (all three readers get a chance) and a random way to break it. */
  @Property(tries = 2000)
  void corruptFilesReadOrAreRefusedNamingTheFile(@ForAll("integerTensors") Tensor t, @ForAll @IntRange(min = 0, max = 5) int kind,
      @ForAll int a, @ForAll int b, @ForAll("shapes") int[] lie) {
    Dtype type = Dtype.values()[Math.floorMod(a, Dtype.values().length)];
    byte[] header = Npy.header(type.npy, t.shape), data = encode(type, t.raw);
    byte[] file = concat(header, data);
    int n = file.length;
    switch (kind) {
      case 0 -> file = Arrays.copyOf(file, Math.floorMod(b, n));                                   // truncated
      case 1 -> file[Math.floorMod(b, header.length)] ^= (byte) (1 << Math.floorMod(a, 8));         // a bit in the header
      case 2 -> file[Math.floorMod(b, n)] = (byte) a;                                              // any byte
      case 3 -> {                                                                                  // a header that lies
        String descr = DESCRS.get(Math.floorMod(b, DESCRS.size()));
        int[] dims = lie.clone();
        if (dims.length > 0 && a % 7 == 0) dims[0] = a;                                            // negative or huge
        String shape = dims.length == 1 ? "(" + dims[0] + ",)" : Arrays.toString(dims).replace('[', '(').replace(']', ')');
        String dict = "{'descr': " + (descr.startsWith("[") ? descr : "'" + descr + "'") + ", 'fortran_order': "
            + (b % 5 == 0 ? "True" : "False") + ", 'shape': " + shape + ", }";
        file = NpyTest.rawHeader(dict, data);
      }
      case 4 -> ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) b);      // header length
      default -> {                                                                                 // version 2.0 with any length
        file[6] = 2;
        file = concat(Arrays.copyOf(file, 8), ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b).array(),
            Arrays.copyOfRange(file, 10, n));
      }
    }
    Path f = file("corrupt.npy", file);
    boolean read = shallow.call(() -> readOrRefuse(f, () -> MatrixFiles.readMatrix(f, allocator)));
    read |= readOrRefuse(f, () -> MatrixFiles.readMask(f));
    read |= readOrRefuse(f, () -> MatrixFiles.readIntegers(f));
    Statistics.label("outcome").collect(read ? "read" : "refused");
    Statistics.label("outcome").coverage(c -> {   // both outcomes must occur often (about 6-10% read here), or the corruptions test little; 2% leaves room for the random seed
      c.check("read").percentage(p -> p > 2);
      c.check("refused").percentage(p -> p > 30);
    });
  }
}
