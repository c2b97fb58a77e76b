package org.attention4j.api.io;

import static org.attention4j.api.io.IoTestSupport.assertRefused;
import static org.attention4j.api.io.IoTestSupport.bytes;
import static org.attention4j.api.io.IoTestSupport.fixture;
import static org.attention4j.api.io.IoTestSupport.floats;
import static org.attention4j.api.io.IoTestSupport.littleEndianFloats;
import static org.attention4j.api.io.IoTestSupport.npy;
import static org.attention4j.api.io.IoTestSupport.prefix;
import static org.attention4j.api.io.IoTestSupport.readOrRefuse;
import static org.attention4j.api.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** .npy: numpy's own files, every supported dtype, round trips, and refused or malformed files. */
class NpyTest {
  private BufferAllocator allocator;
  @TempDir Path dir;

  @BeforeEach void open() { allocator = new RootAllocator(); }

  @AfterEach void close() { allocator.close(); }   // throws on any outstanding buffer

  private void assertMatrix(Path file, int[] shape, float[] expected) {
    try (FixedSizeListVector v = MatrixFiles.readMatrix(file, allocator)) {
      assertArrayEquals(shape, DenseMatrices.shape(v));
      assertArrayEquals(expected, DenseMatrices.toArray(v));
    }
  }

  @Test void readsNumpyFloat32() { assertMatrix(fixture("f32_2d.npy"), new int[] {3, 4}, floats(12)); }

  @Test void readsNumpyFloat64AsFloat32() { assertMatrix(fixture("f64_2d.npy"), new int[] {2, 3}, floats(6)); }

  @Test void readsRank3WithItsShape() {
    try (FixedSizeListVector v = MatrixFiles.readMatrix(fixture("f32_3d.npy"), allocator)) {
      assertArrayEquals(new int[] {2, 3, 4}, DenseMatrices.shape(v));
      assertEquals(6, DenseMatrices.rows(v));
      assertEquals(4, DenseMatrices.cols(v));
      assertArrayEquals(floats(24), DenseMatrices.toArray(v));
    }
  }

  @Test void readsOneDimensionalAsColumn() { assertMatrix(fixture("f32_1d.npy"), new int[] {5, 1}, floats(5)); }

  @Test void readsFormatVersions2And3() {
    assertMatrix(fixture("f32_v2.npy"), new int[] {2, 2}, floats(4));
    assertMatrix(fixture("f32_v3.npy"), new int[] {2, 2}, floats(4));
  }

  @Test void readsNonFiniteValuesAsTheyAre() {
    assertMatrix(fixture("f32_nonfinite.npy"), new int[] {2, 2},
        new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f});
  }

  private static final boolean[] PATTERN = {true, false, true, true, false, false, true, false, true, true, true, false};

  @ParameterizedTest @ValueSource(strings = {"mask_bool.npy", "mask_u8.npy", "mask_i32.npy", "mask_i64.npy"})
  void readsMasksOfEveryDtypeNonZeroMeaningAttend(String name) {
    MaskData m = MatrixFiles.readMask(fixture(name));
    assertArrayEquals(new int[] {3, 4}, m.shape());
    assertArrayEquals(PATTERN, m.values());
  }

  @Test void readsOneDimensionalMaskAsColumn() {
    assertEquals(new MaskData(new int[] {3, 1}, new boolean[] {true, false, true}), MatrixFiles.readMask(fixture("mask_1d.npy")));
  }

  @Test void readsInt64AndInt32Integers() {
    assertEquals(new LongTensor(new int[] {4, 2}, new long[] {0, 1, 5, -1, 1L << 40, -(1L << 40), 7, 3}),
        MatrixFiles.readIntegers(fixture("ids_i64.npy")));
    assertEquals(new LongTensor(new int[] {5, 1}, new long[] {3, -1, 0, 2, Integer.MAX_VALUE}),
        MatrixFiles.readIntegers(fixture("labels_i32.npy")));
  }

  @Test void writesTheSameHeaderAsNumpy() {
    byte[] numpy = bytes(fixture("f32_2d.npy"));
    byte[] ours = Npy.header("<f4", new int[] {3, 4});
    assertArrayEquals(prefix(numpy, ours.length), ours);
    assertEquals(numpy.length - 48, ours.length);
    assertArrayEquals(prefix(bytes(fixture("f32_1d.npy")), 128), Npy.header("<f4", new int[] {5}));
  }

  @Test void roundTripsFloat32ExactlyWithShape() {
    Path file = dir.resolve("x.npy");
    float[] data = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, 0.1f, 3, 4, 5, 6, 7, 8};
    try (FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, "x", 3, 2, 2)) {
      DenseMatrices.segment(v).copyFrom(java.lang.foreign.MemorySegment.ofArray(data));
      MatrixFiles.writeMatrix(file, v);
    }
    assertMatrix(file, new int[] {3, 2, 2}, data);
  }

  @Test void writesOneDimensionalTensorsAsOneDimensionalArrays() {
    Path file = dir.resolve("v.npy");
    try (FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, "v", 4)) {
      MatrixFiles.writeMatrix(file, v);
    }
    String header = new String(bytes(file), 10, 60, StandardCharsets.ISO_8859_1);
    assertTrue(header.contains("'shape': (4,)"), header);
    assertMatrix(file, new int[] {4, 1}, new float[4]);
  }

  @Test void writesIntegersAsInt64() {
    Path file = dir.resolve("ids.npy");
    MatrixFiles.writeIntegers(file, new long[] {1, -2, Long.MAX_VALUE, Long.MIN_VALUE, 0, 9}, 3, 2);
    assertTrue(new String(bytes(file), StandardCharsets.ISO_8859_1).contains("'descr': '<i8'"));
    assertEquals(new LongTensor(new int[] {3, 2}, new long[] {1, -2, Long.MAX_VALUE, Long.MIN_VALUE, 0, 9}),
        MatrixFiles.readIntegers(file));
  }

  @Test void emptyArraysRoundTrip() {
    Path file = dir.resolve("e.npy");
    try (FixedSizeListVector v = DenseMatrices.allocate(allocator, "e", 0, 3)) {
      MatrixFiles.writeMatrix(file, v);
    }
    assertMatrix(file, new int[] {0, 3}, new float[0]);
  }

  // ---- refused files: one clear error naming the file and the problem ----

  @Test void refusesBigEndian() {
    Path f = fixture("f32_big_endian.npy");
    assertEquals(f + ": expected float32 or float64 data, got dtype '>f4' (big-endian)",
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
  }

  @Test void refusesFortranOrder() {
    Path f = fixture("f32_fortran.npy");
    assertEquals(f + ": expected C order, got fortran_order True (save with np.ascontiguousarray)",
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
  }

  @ParameterizedTest @ValueSource(strings = {"c64.npy:'<c8'", "f16.npy:'<f2'", "object.npy:'|O'", "structured.npy:structured"})
  void refusesOtherDtypesNamingThem(String spec) {
    String[] p = spec.split(":");
    Path f = fixture(p[0]);
    assertTrue(assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)).contains(p[1]));
    assertTrue(assertRefused(f, () -> MatrixFiles.readMask(f)).contains(p[1]));
    assertTrue(assertRefused(f, () -> MatrixFiles.readIntegers(f)).contains(p[1]));
  }

  @Test void refusesZeroDimensionalArrays() {
    Path f = fixture("scalar.npy");
    assertEquals(f + ": expected an array of rank >= 1, got a 0-d scalar (shape ())",
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
  }

  @Test void refusesTheWrongKindOfData() {
    Path ids = fixture("ids_i64.npy");
    assertEquals(ids + ": expected float32 or float64 data, got dtype int64 ('<i8')",
        assertRefused(ids, () -> MatrixFiles.readMatrix(ids, allocator)));
    Path data = fixture("f32_2d.npy");
    assertEquals(data + ": expected integers of int32 or int64, got dtype float32 ('<f4')",
        assertRefused(data, () -> MatrixFiles.readIntegers(data)));
    assertEquals(data + ": expected a mask of bool, uint8, int32 or int64, got dtype float32 ('<f4')",
        assertRefused(data, () -> MatrixFiles.readMask(data)));
  }

  @Test void truncationAtEveryLengthIsRefused() {
    for (String name : List.of("f32_2d.npy", "f64_2d.npy", "f32_v2.npy", "f32_v3.npy", "mask_u8.npy", "ids_i64.npy")) {
      byte[] whole = bytes(fixture(name));
      for (int n = 0; n < whole.length; n++) {
        Path f = IoTestSupport.fresh(dir, name);
        write(f, prefix(whole, n));
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator));
        assertRefused(f, () -> MatrixFiles.readMask(f));
        assertRefused(f, () -> MatrixFiles.readIntegers(f));
        IoTestSupport.deleteFresh();
      }
    }
  }

  @Test void refusesWrongMagicAndVersion() {
    Path f = dir.resolve("m.npy");
    write(f, "PK\u0003\u0004 not numpy at all".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(f + ": expected a .npy file starting with \\x93NUMPY, got 'PK\\x03\\x04 n'",
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
    byte[] b = bytes(fixture("f32_2d.npy"));
    b[6] = 4;
    write(f, b);
    assertEquals(f + ": expected .npy format version 1.0, 2.0 or 3.0, got 4.0",
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
  }

  @Test void refusesHeaderLongerThanTheFile() {
    Path f = dir.resolve("h.npy");
    byte[] b = bytes(fixture("f32_2d.npy"));
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 0xFFFF);
    write(f, b);
    assertEquals(f + ": expected a .npy header of 65535 bytes, got 166 bytes before the end of the file",
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
    byte[] v2 = bytes(fixture("f32_v2.npy"));
    ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1);   // 4 GiB
    write(f, v2);
    assertEquals(f + ": expected a .npy header of at most 100000 bytes, got 4294967295 bytes",
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
  }

  @Test void refusesShapesThatLieAboutTheData() {
    Path f = dir.resolve("s.npy");
    write(f, npy("<f4", new int[] {3, 4}, littleEndianFloats(floats(11))));
    assertEquals(f + ": expected 48 bytes of float32 data for shape (3, 4), got 44",
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
    write(f, npy("<f4", new int[] {3, 4}, littleEndianFloats(floats(13))));
    assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator));
  }

  @ParameterizedTest
  @ValueSource(strings = {"(1099511627776, 4)", "(-3, 4)", "(99999999999999999999999, 1)", "(65536, 65536, 65536, 65536, 65536)",
      "(2147483647, 2147483647, 0)", "(3, 'a')", "[3, 4]", "(3 4)", "3", "((((((((((((((((((((1,),),),),),),),),),),),),),),),),),),),)"})
  void refusesAbsurdOrMalformedShapes(String shape) {
    Path f = dir.resolve("a.npy");
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    write(f, rawHeader(dict, new byte[16]));
    assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator));
    assertRefused(f, () -> MatrixFiles.readMask(f));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{'descr': '<f4', 'fortran_order': False}", "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'x': 1}",
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (4,)}", "{'descr': '<f4', 'fortran_order': 0, 'shape': (4,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)} trailing", "not a dict", "{'descr: '<f4'}", ""})
  void refusesMalformedHeaders(String dict) {
    Path f = dir.resolve("d.npy");
    write(f, rawHeader(dict, new byte[16]));
    assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator));
  }

  @Test void zeroSizeArraysWithHugeRowCountsAreRefusedBeforeAllocating() {
    Path f = dir.resolve("z.npy");
    write(f, npy("<f4", new int[] {2147483647, 0}, new byte[0]));
    assertEquals(f + ": expected a shape that fits the file's 128 bytes, got shape [2147483647, 0]",
        assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)));
    write(f, npy("|b1", new int[] {2147483647, 0}, new byte[0]));   // a mask allocates nothing per row
    assertEquals(new MaskData(new int[] {2147483647, 0}, new boolean[0]), MatrixFiles.readMask(f));
  }

  @Test void zeroRowsWithAHugeLastDimensionAllocateNothing() {
    Path f = dir.resolve("wide.npy");
    write(f, npy("<f4", new int[] {0, 2147483647}, new byte[0]));
    try (FixedSizeListVector v = MatrixFiles.readMatrix(f, allocator)) {
      assertArrayEquals(new int[] {0, 2147483647}, DenseMatrices.shape(v));
      assertTrue(allocator.getAllocatedMemory() < 4096, "allocated " + allocator.getAllocatedMemory());
    }
  }

  @Test void acceptsHeaderVariantsNumpyCanWrite() {
    Path f = dir.resolve("v.npy");
    byte[] data = littleEndianFloats(1, 2, 3, 4);
    for (String dict : List.of("{'shape': (2, 2), 'fortran_order': False, 'descr': '<f4'}",
        "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2L, 2L)}", "{'descr':'<f4','fortran_order':False,'shape':(2,2,),}")) {
      write(f, rawHeader(dict, data));
      assertMatrix(f, new int[] {2, 2}, new float[] {1, 2, 3, 4});
    }
  }

  @Test void byteFlipsInTheHeaderReadOrAreRefused() {
    byte[] whole = bytes(fixture("f32_2d.npy"));
    int refused = 0;
    for (int i = 0; i < 128; i++) {
      for (int bit = 0; bit < 8; bit++) {
        Path f = IoTestSupport.fresh(dir, "flip.npy");
        byte[] b = whole.clone();
        b[i] ^= (byte) (1 << bit);
        write(f, b);
        if (!readOrRefuse(f, () -> MatrixFiles.readMatrix(f, allocator))) refused++;
        IoTestSupport.deleteFresh();
      }
    }
    assertTrue(refused > 500, "most header flips break the file: " + refused);
  }

  /** A version 1.0 file with exactly this header text (padded to 64 bytes) and data. */
  static byte[] rawHeader(String dict, byte[] data) {
    int len = dict.length() + 1;
    int padded = len + (64 - (10 + len) % 64) % 64;
    ByteBuffer b = ByteBuffer.allocate(10 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) padded);
    b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    while (b.position() < 10 + padded - 1) b.put((byte) ' ');
    b.put((byte) '\n').put(data);
    return b.array();
  }
}
