package org.attention4j.api.io;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;

/**
 * safetensors files: an 8-byte little-endian header length, a JSON header
 * {@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}, then the
 * raw little-endian data. Names are exact and case-sensitive.
 *
 * <p>Read: F32 and F64 (converted to float32) tensors become the parameters, I32 and I64 the
 * integer tensors (for saved indexes); any other dtype is an error. A rank-0 float tensor is read as
 * shape [1] (a {@link ParameterSet} holds rank &gt;= 1). Every offset is checked: the tensors must
 * fill the data area exactly, without gaps or overlaps (as the reference implementation requires),
 * and each must hold exactly the bytes its shape needs. Write: F32 for parameters, I64 for integers,
 * with the header padded by spaces so the data starts at a multiple of 8.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Safetensors {
  /** The reference implementation's limit on the header size. */
  static final long MAX_HEADER = 100_000_000;
  private static final String METADATA = "__metadata__";

  private Safetensors() {}

  /**
   * The tensors of a safetensors file, in the header's order. Closing it closes the parameters.
   *
   * @param parameters the F32 and F64 tensors as float32, owned by this record
   * @param integers the I32 and I64 tensors
   * @param metadata the {@code __metadata__} strings (empty when absent)
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Contents(ParameterSet parameters, Map<String, LongTensor> integers, Map<String, String> metadata)
      implements AutoCloseable {
    @Override public void close() { parameters.close(); }
  }

  private record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {}

  private record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {}

  /** Reads every tensor of {@code file}; its float tensors are allocated from {@code allocator}. */
  public static Contents read(Path file, BufferAllocator allocator) {
    requireExtension(file);
    try (FileChannel ch = FileIo.openRead(file)) {
      Header h = header(ch, file);
      return load(ch, file, h, allocator);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Reads the float tensors of {@code file}; an integer tensor in it is an error naming it. */
  static ParameterSet readParameters(Path file, BufferAllocator allocator) {
    requireExtension(file);
    try (FileChannel ch = FileIo.openRead(file)) {
      Header h = header(ch, file);
      for (Entry e : h.entries) {
        if (e.dtype != Dtype.FLOAT32 && e.dtype != Dtype.FLOAT64) {
          throw FileIo.error(file, "float tensors (F32 or F64) for parameters", e.dtype.safetensors + " tensor '" + e.name + "'");
        }
      }
      return load(ch, file, h, allocator).parameters();
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code parameters} as F32. */
  static void writeParameters(Path file, ParameterSet parameters) {
    write(file, parameters, Map.of(), Map.of());
  }

  /**
   * Writes {@code parameters} as F32 and {@code integers} as I64, in that order, with
   * {@code metadata} as {@code __metadata__} (omitted when empty). Names must be unique across both.
   */
  public static void write(Path file, ParameterSet parameters, Map<String, LongTensor> integers, Map<String, String> metadata) {
    requireExtension(file);
    ObjectNode json = FileIo.JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode m = json.putObject(METADATA);
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Map.Entry<String, FixedSizeListVector> p : parameters.asMap().entrySet()) {
      int[] shape = MatrixFiles.checkedShape(p.getKey(), p.getValue());
      offset = entry(json, p.getKey(), Dtype.FLOAT32, shape, offset);
    }
    for (Map.Entry<String, LongTensor> t : integers.entrySet()) {
      if (parameters.contains(t.getKey())) {
        throw new IllegalArgumentException("integers: expected names other than the parameters', got '" + t.getKey()
            + "' in both");
      }
      offset = entry(json, t.getKey(), Dtype.INT64, t.getValue().shape(), offset);
    }
    byte[] text;
    try {
      text = FileIo.JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("safetensors header: " + e.getMessage(), e);
    }
    int padded = text.length + (8 - text.length % 8) % 8;   // data starts 8-aligned, as the reference writes it
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(text);
    while (head.hasRemaining()) head.put((byte) ' ');
    try (FileChannel ch = FileIo.openWrite(file)) {
      FileIo.writeFully(ch, head.flip(), file);
      for (FixedSizeListVector v : parameters.asMap().values()) {
        FileIo.writeFloats(ch, DenseMatrices.segment(v), (long) DenseMatrices.rows(v) * DenseMatrices.cols(v), file);
      }
      for (LongTensor t : integers.values()) FileIo.writeLongs(ch, t.values(), file);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  private static long entry(ObjectNode json, String name, Dtype dtype, int[] shape, long offset) {
    if (name.equals(METADATA)) {
      throw new IllegalArgumentException("parameters: expected tensor names, got the reserved '" + METADATA + "'");
    }
    ObjectNode e = json.putObject(name);
    e.put("dtype", dtype.safetensors);
    ArrayNode s = e.putArray("shape");
    for (int d : shape) s.add(d);
    long end = offset + FileIo.elementCount(shape) * dtype.size;
    e.putArray("data_offsets").add(offset).add(end);
    return end;
  }

  private static void requireExtension(Path file) {
    if (FileFormat.of(file) != FileFormat.SAFETENSORS) {
      throw FileIo.error(file, "a .safetensors file for named tensors", "another extension");
    }
  }

  private static Contents load(FileChannel ch, Path file, Header h, BufferAllocator allocator) {
    long size = FileIo.size(ch, file);
    ParameterSet parameters = new ParameterSet();
    Map<String, LongTensor> integers = new LinkedHashMap<>();
    try {
      for (Entry e : h.entries) {
        long count = FileIo.elementCount(e.shape);
        long position = h.dataStart + e.begin;
        if (e.dtype == Dtype.FLOAT32 || e.dtype == Dtype.FLOAT64) {
          int[] shape = e.shape.length == 0 ? new int[] {1} : e.shape;
          FileIo.checkDenseShape(file, shape, size);
          FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, e.name, shape);
          parameters.put(e.name, v);   // owned by the set from here, so an error below frees it
          FileIo.readFloats(ch, position, e.dtype, count, DenseMatrices.segment(v), file);
        } else {
          if (count > FileIo.MAX_ARRAY) {
            throw FileIo.error(file, "at most " + FileIo.MAX_ARRAY + " elements in tensor '" + e.name + "'", count + "");
          }
          long[] values = new long[(int) count];
          FileIo.readLongs(ch, position, e.dtype, values, file);
          integers.put(e.name, new LongTensor(e.shape, values));
        }
      }
      return new Contents(parameters, integers, h.metadata);
    } catch (RuntimeException | Error e) {
      parameters.close();
      throw e;
    }
  }

  /** Reads and checks the header against the file size; allocates nothing beyond the header text. */
  private static Header header(FileChannel ch, Path file) {
    long size = FileIo.size(ch, file);
    if (size < 8) throw FileIo.error(file, "a safetensors file (at least 8 bytes)", size + " bytes");
    long n = FileIo.read(ch, 0, 8, file, "the header length").getLong(0);
    if (n < 0 || n > size - 8) {
      throw FileIo.error(file, "a header length of at most " + (size - 8) + " bytes (the rest of the file)",
          Long.toUnsignedString(n));
    }
    if (n > MAX_HEADER) throw FileIo.error(file, "a header of at most " + MAX_HEADER + " bytes", n + "");
    byte[] text = FileIo.read(ch, 8, (int) n, file, "the header").array();
    JsonNode root;
    try {
      root = FileIo.JSON.readTree(text);
    } catch (IOException e) {
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw FileIo.error(file, "a JSON header", "invalid JSON (" + FileIo.preview(why, 120) + ")");
    }
    if (root == null || !root.isObject()) {
      throw FileIo.error(file, "a JSON object as header",
          root == null || root.isMissingNode() ? "nothing" : root.getNodeType().toString());
    }
    long dataLength = size - 8 - n;
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> p : root.properties()) {
      String name = p.getKey();
      JsonNode node = p.getValue();
      if (name.equals(METADATA)) {
        if (!node.isObject()) throw FileIo.error(file, METADATA + " as an object of strings", preview(node));
        for (Map.Entry<String, JsonNode> m : node.properties()) {
          if (!m.getValue().isTextual()) {
            throw FileIo.error(file, METADATA + " values as strings", "'" + m.getKey() + "': " + preview(m.getValue()));
          }
          metadata.put(m.getKey(), m.getValue().textValue());
        }
        continue;
      }
      entries.add(entry(file, name, node, dataLength));
    }
    checkLayout(file, entries, dataLength);
    return new Header(entries, metadata, 8 + n);
  }

  private static Entry entry(Path file, String name, JsonNode node, long dataLength) {
    String t = "tensor '" + FileIo.preview(name, 80) + "'";
    if (!node.isObject()) throw FileIo.error(file, t + " as an object with dtype, shape and data_offsets", preview(node));
    JsonNode d = node.get("dtype");
    Dtype dtype = d != null && d.isTextual() ? Dtype.ofSafetensors(d.textValue()) : null;
    if (dtype == null || dtype == Dtype.BOOL || dtype == Dtype.UINT8) {
      throw FileIo.error(file, "dtype F32, F64, I32 or I64 for " + t, d == null ? "none" : preview(d));
    }
    JsonNode s = node.get("shape");
    if (s == null || !s.isArray() || s.size() > FileIo.MAX_RANK) {
      throw FileIo.error(file, "the shape of " + t + " as a list of at most " + FileIo.MAX_RANK + " integers",
          s == null ? "none" : preview(s));
    }
    int[] shape = new int[s.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode x = s.get(i);
      if (!x.isIntegralNumber() || !x.canConvertToLong() || x.longValue() < 0 || x.longValue() > Integer.MAX_VALUE) {
        throw FileIo.error(file, "dimensions between 0 and " + Integer.MAX_VALUE + " for " + t, preview(s));
      }
      shape[i] = x.intValue();
    }
    JsonNode o = node.get("data_offsets");
    if (o == null || !o.isArray() || o.size() != 2 || !offset(o.get(0)) || !offset(o.get(1))) {
      throw FileIo.error(file, "data_offsets [begin, end] of non-negative integers for " + t, o == null ? "none" : preview(o));
    }
    long begin = o.get(0).longValue(), end = o.get(1).longValue();
    if (begin > end || end > dataLength) {
      throw FileIo.error(file, "data_offsets of " + t + " within the " + dataLength + " data bytes",
          "[" + begin + ", " + end + "]");
    }
    long count = FileIo.elementCount(shape);
    long bytes = count < 0 || count > Long.MAX_VALUE / dtype.size ? -1 : count * dtype.size;
    if (bytes != end - begin) {
      throw FileIo.error(file, (bytes < 0 ? "an impossible number of" : bytes + "") + " bytes for " + t + " ("
          + dtype.safetensors + " " + Arrays.toString(shape) + ")",
          (end - begin) + " in data_offsets [" + begin + ", " + end + "]");
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  private static boolean offset(JsonNode x) { return x.isIntegralNumber() && x.canConvertToLong() && x.longValue() >= 0; }

  /** The tensors must tile the data area: sorted by offset, each starts where the previous ends. */
  private static void checkLayout(Path file, List<Entry> entries, long dataLength) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long next = 0;
    for (Entry e : sorted) {
      if (e.begin != next) {
        throw FileIo.error(file,
            "tensor data without gaps or overlaps (tensor '" + FileIo.preview(e.name, 80) + "' at byte " + next + ")",
            "data_offsets [" + e.begin + ", " + e.end + "]");
      }
      next = e.end;
    }
    if (next != dataLength) {
      throw FileIo.error(file, "tensors covering all " + dataLength + " data bytes", next + " bytes covered");
    }
  }

  private static String preview(JsonNode node) { return FileIo.preview(node.toString(), 80); }
}
