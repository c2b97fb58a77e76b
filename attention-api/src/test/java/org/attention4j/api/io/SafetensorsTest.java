package org.attention4j.api.io;

import static org.attention4j.api.io.IoTestSupport.assertRefused;
import static org.attention4j.api.io.IoTestSupport.bytes;
import static org.attention4j.api.io.IoTestSupport.concat;
import static org.attention4j.api.io.IoTestSupport.fixture;
import static org.attention4j.api.io.IoTestSupport.floats;
import static org.attention4j.api.io.IoTestSupport.littleEndianFloats;
import static org.attention4j.api.io.IoTestSupport.prefix;
import static org.attention4j.api.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** safetensors: parameters, integer tensors, metadata, and headers that lie. */
class SafetensorsTest {
  private BufferAllocator allocator;
  @TempDir Path dir;

  @BeforeEach void open() { allocator = new RootAllocator(); }

  @AfterEach void close() { allocator.close(); }

  /** A safetensors file with exactly this header text. */
  static byte[] file(String header, byte[] data) {
    byte[] text = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(text.length);
    return concat(len.array(), text, data);
  }

  private Path st(String header, byte[] data) {
    Path f = dir.resolve("p.safetensors");
    write(f, file(header, data));
    return f;
  }

  @Test void readsParametersWrittenByNumpyWithF64ConvertedAndScalarsAsOneElement() {
    try (Safetensors.Contents c = Safetensors.read(fixture("params.safetensors"), allocator)) {
      ParameterSet p = c.parameters();
      assertEquals(List.of("w", "b", "t"), List.copyOf(p.names()));
      assertArrayEquals(new int[] {2, 3}, DenseMatrices.shape(p.get("w")));
      assertArrayEquals(floats(6), DenseMatrices.toArray(p.get("w")));
      assertArrayEquals(new int[] {3}, DenseMatrices.shape(p.get("b")));
      assertArrayEquals(floats(3), DenseMatrices.toArray(p.get("b")));
      assertArrayEquals(new int[] {1}, DenseMatrices.shape(p.get("t")));
      assertArrayEquals(new float[] {1.5f}, DenseMatrices.toArray(p.get("t")));
      assertEquals(Map.of("format", "pt"), c.metadata());
      assertTrue(c.integers().isEmpty());
    }
    try (ParameterSet p = MatrixFiles.readParameters(fixture("params.safetensors"), allocator)) {
      p.check(List.of(new ParameterSet.TensorSpec("w", new int[] {2, 3}, false), new ParameterSet.TensorSpec("b", new int[] {3}, false),
          new ParameterSet.TensorSpec("t", new int[] {1}, false)));
    }
  }

  @Test void readsSavedIndexesWithIntegerTensors() {
    try (Safetensors.Contents c = Safetensors.read(fixture("index.safetensors"), allocator)) {
      assertArrayEquals(floats(8), DenseMatrices.toArray(c.parameters().get("centroids")));
      assertEquals(new LongTensor(new int[] {5}, new long[] {0, 1, 1, 0, 1}), c.integers().get("assign"));
      assertEquals(new LongTensor(new int[] {2, 2}, new long[] {4, 3, 2, 1}), c.integers().get("ids"));
    }
    Path f = fixture("index.safetensors");
    assertEquals(f + ": expected float tensors (F32 or F64) for parameters, got I64 tensor 'assign'",
        assertRefused(f, () -> MatrixFiles.readParameters(f, allocator)));
  }

  @Test void refusesOtherDtypesNamingThem() {
    Path f = fixture("f16.safetensors");
    assertEquals(f + ": expected dtype F32, F64, I32 or I64 for tensor 'h', got \"F16\"",
        assertRefused(f, () -> Safetensors.read(f, allocator)));
  }

  @Test void roundTripsParametersIntegersAndMetadataInOrder() {
    Path f = dir.resolve("all.safetensors");
    try (ParameterSet p = new ParameterSet()) {
      p.put("layer.W", DenseMatrices.of(allocator, "layer.W", 2, 2, new float[] {1, -0f, Float.NaN, 4}));
      p.put("layer.w", DenseMatrices.allocateShaped(allocator, "layer.w", 2, 1, 3));
      p.put("é \"quoted\"", DenseMatrices.allocateShaped(allocator, "b", 0));
      Map<String, LongTensor> ints = new LinkedHashMap<>();
      ints.put("assign", new LongTensor(new int[] {3}, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}));
      ints.put("scalar", new LongTensor(new int[0], new long[] {42}));
      Safetensors.write(f, p, ints, Map.of("by", "attention4j"));
    }
    long headerLength = ByteBuffer.wrap(bytes(f)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, (8 + headerLength) % 8, "data starts 8-aligned");
    try (Safetensors.Contents c = Safetensors.read(f, allocator)) {
      assertEquals(List.of("layer.W", "layer.w", "é \"quoted\""), List.copyOf(c.parameters().names()));   // exact, case-sensitive
      assertArrayEquals(new float[] {1, -0f, Float.NaN, 4}, DenseMatrices.toArray(c.parameters().get("layer.W")));
      assertArrayEquals(new int[] {2, 1, 3}, DenseMatrices.shape(c.parameters().get("layer.w")));
      assertArrayEquals(new int[] {0}, DenseMatrices.shape(c.parameters().get("é \"quoted\"")));
      assertEquals(new LongTensor(new int[] {3}, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}), c.integers().get("assign"));
      assertEquals(new LongTensor(new int[0], new long[] {42}), c.integers().get("scalar"));
      assertEquals(Map.of("by", "attention4j"), c.metadata());
    }
  }

  @Test void namesMustBeUniqueAndNotReserved() {
    Path f = dir.resolve("n.safetensors");
    try (ParameterSet p = new ParameterSet()) {
      p.put("a", DenseMatrices.allocate(allocator, "a", 1, 1));
      assertThrows(IllegalArgumentException.class,
          () -> Safetensors.write(f, p, Map.of("a", new LongTensor(new int[] {1}, new long[1])), Map.of()));
      p.put("__metadata__", DenseMatrices.allocate(allocator, "m", 1, 1));
      assertThrows(IllegalArgumentException.class, () -> MatrixFiles.writeParameters(f, p));
    }
  }

  private static final byte[] SIX = littleEndianFloats(floats(6));

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 20]}}",                      // product != bytes
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [4, 28]}}",                      // past the end
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [24, 0]}}",                      // reversed
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 12]}, \"v\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [8, 20]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"v\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [12, 24]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [5], \"data_offsets\": [0, 20]}}",                          // data left over
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [-2, -3], \"data_offsets\": [0, 24]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 24]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2147483647, 2147483647, 2147483647], \"data_offsets\": [0, 24]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 99999999999999999999999]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [-24, 0]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2.5, 3], \"data_offsets\": [0, 24]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0]}}",
      "{\"w\": {\"dtype\": 32, \"shape\": [2, 3], \"data_offsets\": [0, 24]}}",
      "{\"w\": {\"shape\": [2, 3], \"data_offsets\": [0, 24]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]}, \"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]}}",
      "{\"w\": [1, 2]}", "[1, 2]", "\"text\"", "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]}} junk",
      "{\"__metadata__\": {\"a\": 1}, \"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]}}",
      "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]}", "", "\u0000\u0000"})
  void refusesHeadersThatLie(String header) {
    Path f = st(header, SIX);
    assertRefused(f, () -> Safetensors.read(f, allocator));
  }

  @Test void messagesSayWhatTheHeaderGotWrong() {
    Path f = st("{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 20]}}", SIX);
    assertEquals(f + ": expected 24 bytes for tensor 'w' (F32 [2, 3]), got 20 in data_offsets [0, 20]",
        assertRefused(f, () -> Safetensors.read(f, allocator)));
    Path g = st("{\"w\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 12]}, \"v\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [8, 20]}}", SIX);
    assertEquals(g + ": expected tensor data without gaps or overlaps (tensor 'v' at byte 12), got data_offsets [8, 20]",
        assertRefused(g, () -> Safetensors.read(g, allocator)));
  }

  @Test void refusesHeaderLengthsBeyondTheFile() {
    Path f = dir.resolve("h.safetensors");
    byte[] b = file("{}", new byte[0]);
    for (long n : new long[] {3, 100, Long.MAX_VALUE, -1}) {
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
      write(f, b);
      assertRefused(f, () -> Safetensors.read(f, allocator));
    }
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
    write(f, b);
    assertEquals(f + ": expected a header length of at most 2 bytes (the rest of the file), got 18446744073709551615",
        assertRefused(f, () -> Safetensors.read(f, allocator)));
  }

  @Test void anEmptyHeaderIsAnEmptyFile() {
    try (Safetensors.Contents c = Safetensors.read(st("{}", new byte[0]), allocator)) {
      assertTrue(c.parameters().names().isEmpty());
    }
  }

  @Test void truncationAtEveryLengthIsRefusedWithoutLeaks() {
    byte[] whole = bytes(fixture("index.safetensors"));
    for (int n = 0; n < whole.length; n++) {
      Path f = IoTestSupport.fresh(dir, "cut.safetensors");
      write(f, prefix(whole, n));
      assertRefused(f, () -> Safetensors.read(f, allocator));
      IoTestSupport.deleteFresh();
    }
  }

  @Test void readsOnlySafetensorsAndWritesParametersOnlyThere() {
    Path f = dir.resolve("p.npy");
    assertRefused(f, () -> MatrixFiles.readParameters(f, allocator));
    try (ParameterSet p = new ParameterSet()) {
      assertRefused(f, () -> MatrixFiles.writeParameters(f, p));
      assertRefused(f, () -> Safetensors.write(f, p, Map.of(), Map.of()));
    }
  }
}
