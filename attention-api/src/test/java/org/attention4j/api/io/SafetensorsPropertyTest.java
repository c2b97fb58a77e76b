package org.attention4j.api.io;

import static org.attention4j.api.io.IoTestSupport.readOrRefuse;
import static org.attention4j.api.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
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
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;

/** safetensors properties: random tensor sets round-trip exactly; random corruptions and lying headers read or are refused. */
class SafetensorsPropertyTest {
  private static Path dir;
  private static IoTestSupport.ShallowThread shallow;
  private BufferAllocator allocator;

  @BeforeContainer static void makeDir() throws IOException {
    shallow = new IoTestSupport.ShallowThread();
    dir = Files.createTempDirectory("safetensors-properties");
  }

  @AfterContainer static void removeDir() {
    shallow.close();
    IoTestSupport.deleteTree(dir);
  }

  @BeforeTry void open() { allocator = new RootAllocator(); }

  @AfterTry void close() {
    IoTestSupport.deleteFresh();
    allocator.close();
  }

  /** A named tensor: float32 bits (as longs) or int64 values. */
  record Tensor(String name, boolean floating, int[] shape, long[] raw) {
    @Override public String toString() { return name + (floating ? " F32" : " I64") + Arrays.toString(shape); }
  }

  record Contents(List<Tensor> tensors, Map<String, String> metadata) {}

  private static Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars("AZ._-/ é\"\\\u20ac").ofMinLength(0).ofMaxLength(8);
  }

  @Provide Arbitrary<Contents> contents() {
    Arbitrary<Tensor> tensor = Combinators.combine(Arbitraries.of(true, false),
        Arbitraries.integers().between(0, 4).array(int[].class).ofMinSize(0).ofMaxSize(3))
        .flatAs((floating, shape) -> {
          int[] s = floating && shape.length == 0 ? new int[] {1} : shape;   // a ParameterSet holds rank >= 1
          Arbitrary<Long> values = floating ? Arbitraries.integers().map(i -> (long) i) : Arbitraries.longs();
          return values.array(long[].class).ofSize((int) FileIo.elementCount(s)).map(raw -> new Tensor("", floating, s, raw));
        });
    Arbitrary<List<Tensor>> named = names().list().ofMinSize(0).ofMaxSize(4).uniqueElements().flatMap(ns ->
        tensor.list().ofSize(ns.size()).map(ts -> {
          List<Tensor> out = new ArrayList<>();
          for (int i = 0; i < ns.size(); i++) out.add(new Tensor(ns.get(i), ts.get(i).floating, ts.get(i).shape, ts.get(i).raw));
          return out;
        }));
    Arbitrary<Map<String, String>> metadata = Arbitraries.maps(names(), names()).ofMaxSize(2);
    return Combinators.combine(named, metadata).as(Contents::new);
  }

  @Property(tries = 2000)
  void tensorSetsRoundTripExactlyInOrder(@ForAll("contents") Contents c) {
    shallow.run(() -> {
      Path f = IoTestSupport.fresh(dir, "all.safetensors");
      try (ParameterSet p = new ParameterSet()) {
        Map<String, LongTensor> ints = new LinkedHashMap<>();
        for (Tensor t : c.tensors) {
          if (!t.floating) {
            ints.put(t.name, new LongTensor(t.shape, t.raw));
            continue;
          }
          FixedSizeListVector v = p.put(t.name, DenseMatrices.allocateShaped(allocator, t.name, t.shape)).get(t.name);
          float[] values = new float[t.raw.length];
          for (int i = 0; i < values.length; i++) values[i] = Float.intBitsToFloat((int) t.raw[i]);
          MemorySegment.copy(values, 0, DenseMatrices.segment(v), FileIo.FLOAT, 0, values.length);
        }
        Safetensors.write(f, p, ints, c.metadata);
      }
      try (Safetensors.Contents back = Safetensors.read(f, allocator)) {
        assertEquals(c.tensors.stream().filter(Tensor::floating).map(Tensor::name).toList(), List.copyOf(back.parameters().names()));
        assertEquals(c.tensors.stream().filter(t -> !t.floating).map(Tensor::name).toList(), List.copyOf(back.integers().keySet()));
        assertEquals(c.metadata, back.metadata());
        for (Tensor t : c.tensors) {
          if (t.floating) {
            FixedSizeListVector v = back.parameters().get(t.name);
            assertArrayEquals(t.shape, DenseMatrices.shape(v));
            float[] got = DenseMatrices.toArray(v);
            for (int i = 0; i < got.length; i++) assertEquals((int) t.raw[i], Float.floatToRawIntBits(got[i]));
          } else {
            assertEquals(new LongTensor(t.shape, t.raw), back.integers().get(t.name));
          }
        }
      }
    });
  }

  /** The file bytes for {@code header} (serialised as is) and {@code data}. */
  private static byte[] file(byte[] header, byte[] data) {
    return IoTestSupport.concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array(), header, data);
  }

  private static final List<String> DTYPES = List.of("F32", "F64", "I32", "I64", "F16", "BF16", "U8", "BOOL", "f32", "");

  /**
   * A valid file (F32, F64, I32 and I64 tensors) broken at random: truncated, a bit flipped in the
   * header or anywhere, the header length replaced, or one entry's offsets, shape or dtype made to lie.
   */
  @Property(tries = 2000)
  void corruptFilesReadOrAreRefusedNamingTheFile(@ForAll("contents") Contents c, @ForAll @IntRange(min = 0, max = 5) int kind,
      @ForAll int a, @ForAll int b) throws IOException {
    ObjectNode header = FileIo.JSON.createObjectNode();
    if (!c.metadata.isEmpty()) c.metadata.forEach(header.putObject("__metadata__")::put);
    ByteBuffer data = ByteBuffer.allocate(c.tensors.stream().mapToInt(t -> t.raw.length * 8).sum()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < c.tensors.size(); i++) {
      Tensor t = c.tensors.get(i);
      String dtype = (t.floating ? "F" : "I") + (i % 2 == 0 ? "32" : "64");
      int begin = data.position();
      for (long v : t.raw) {
        if (dtype.equals("F64")) data.putDouble(Float.intBitsToFloat((int) v));
        else if (dtype.endsWith("32")) data.putInt((int) v);
        else data.putLong(v);
      }
      ObjectNode e = header.putObject(t.name);
      e.put("dtype", dtype);
      ArrayNode s = e.putArray("shape");
      for (int d : t.shape) s.add(d);
      e.putArray("data_offsets").add(begin).add(data.position());
    }
    byte[] body = Arrays.copyOf(data.array(), data.position());
    if (kind == 5 && !c.tensors.isEmpty()) {   // one entry lies
      ObjectNode e = (ObjectNode) header.get(c.tensors.get(Math.floorMod(a, c.tensors.size())).name);
      long[] interesting = {-1, 0, 1, 4, body.length - 1L, body.length, body.length + 8L, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE, b};
      switch (Math.floorMod(b, 4)) {
        case 0 -> ((ArrayNode) e.get("data_offsets")).set(Math.floorMod(a, 2), interesting[Math.floorMod(a >> 1, interesting.length)]);
        case 1 -> ((ArrayNode) e.get("shape")).add(interesting[Math.floorMod(a >> 1, interesting.length)]);
        case 2 -> e.put("dtype", DTYPES.get(Math.floorMod(a, DTYPES.size())));
        default -> ((ArrayNode) e.get("shape")).removeAll().add(Math.floorMod(a, 7));
      }
    }
    byte[] text = FileIo.JSON.writeValueAsBytes(header);
    byte[] file = file(text, body);
    int n = file.length;
    switch (kind) {
      case 0 -> file = Arrays.copyOf(file, Math.floorMod(a, n));
      case 1 -> file[8 + Math.floorMod(a, text.length)] ^= (byte) (1 << Math.floorMod(b, 8));
      case 2 -> file[Math.floorMod(a, n)] ^= (byte) (1 << Math.floorMod(b, 8));
      case 3 -> ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(0, a % 3 == 0 ? (long) a * b : text.length + b % 16);
      case 4 -> file = file(new String(text, StandardCharsets.UTF_8).replace("\"", a % 2 == 0 ? "'" : "").getBytes(StandardCharsets.UTF_8), body);
      default -> { }
    }
    Path f = IoTestSupport.fresh(dir, "corrupt.safetensors");
    write(f, file);
    boolean read = shallow.call(() -> readOrRefuse(f, () -> Safetensors.read(f, allocator)));
    Statistics.label("outcome").collect(read ? "read" : "refused");
    Statistics.label("outcome").coverage(cov -> {
      cov.check("read").percentage(p -> p > 2);
      cov.check("refused").percentage(p -> p > 30);
    });
  }
}
