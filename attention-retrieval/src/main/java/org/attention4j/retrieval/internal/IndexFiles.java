package org.attention4j.retrieval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.io.LongTensor;
import org.attention4j.api.io.Safetensors;

/**
 * A saved index: {@code DIR/index.safetensors} (F32 {@code centroids} [nlist, d] and any extra
 * float tensors; I64 {@code order} [n] and {@code offsets} [nlist + 1]) and {@code DIR/manifest.json}
 * (format, kind, metric, n, d, nlist, a checksum of sampled key rows, and build settings), written
 * and read through the api's safetensors writer and reader.
 */
public final class IndexFiles {
  public static final String TENSORS = "index.safetensors";
  public static final String MANIFEST = "manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;

  private IndexFiles() {}

  /** A float tensor [rows, cols]. */
  public record F32(float[] data, int rows, int cols) {}

  /** What {@link #read} found. */
  public record Loaded(Map<String, String> manifest, int nlist, float[] centroids, int[] order, int[] offsets,
      Map<String, F32> extra) implements AutoCloseable {
    @Override public void close() {}
  }

  /** CRC32 of n, d and up to 1024 evenly spaced key rows: tells an index built for other keys. */
  public static String checksum(MemorySegment keys, int n, int d) {
    CRC32 crc = new CRC32();
    crc.update(java.nio.ByteBuffer.allocate(8).putInt(n).putInt(d).array());
    int step = Math.max(1, n / 1024);
    byte[] row = new byte[d * Float.BYTES];
    for (int i = 0; i < n; i += step) {
      MemorySegment.copy(keys, B, (long) i * d * Float.BYTES, row, 0, row.length);
      crc.update(row);
    }
    return Long.toHexString(crc.getValue());
  }

  /** The kind in {@code dir}'s manifest, or null when {@code dir} holds no index. */
  public static String savedKind(Path dir) {
    Path m = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(m)) return null;
    try {
      JsonNode j = JSON.readTree(m.toFile());
      return j.path("kind").asText(null);
    } catch (IOException e) {
      throw new IllegalArgumentException(m + ": expected an index manifest (JSON), got unreadable content: " + e.getMessage(), e);
    }
  }

  public static void write(Path dir, String kind, String metric, MemorySegment keys, int n, int d, int nlist, float[] centroids,
      int[] order, int[] offsets, Map<String, F32> extra, Map<String, String> settings, BufferAllocator allocator) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
    }
    long[] o = new long[order.length], off = new long[offsets.length];
    for (int i = 0; i < o.length; i++) o[i] = order[i];
    for (int i = 0; i < off.length; i++) off[i] = offsets[i];
    Map<String, LongTensor> ints = new LinkedHashMap<>();
    ints.put("order", new LongTensor(new int[] {n}, o));
    ints.put("offsets", new LongTensor(new int[] {nlist + 1}, off));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "attention4j-index");
    meta.put("kind", kind);
    try (ParameterSet p = new ParameterSet()) {
      p.put("centroids", DenseMatrices.of(allocator, "centroids", nlist, d, centroids));
      for (Map.Entry<String, F32> e : extra.entrySet()) {
        F32 t = e.getValue();
        p.put(e.getKey(), DenseMatrices.of(allocator, e.getKey(), t.rows(), t.cols(), t.data()));
      }
      Safetensors.write(dir.resolve(TENSORS), p, ints, meta);
    }
    ObjectNode m = JSON.createObjectNode();
    m.put("format", "attention4j-index");
    m.put("version", 1);
    m.put("kind", kind);
    m.put("metric", metric);
    m.put("n", n);
    m.put("d", d);
    m.put("nlist", nlist);
    m.put("keys_checksum", checksum(keys, n, d));
    settings.forEach(m::put);
    try {
      JSON.writeValue(dir.resolve(MANIFEST).toFile(), m);
    } catch (IOException e) {
      throw new UncheckedIOException(dir.resolve(MANIFEST) + ": " + e.getMessage(), e);
    }
  }

  /** Reads and checks an index for keys [n, d] and {@code metric}; errors name the folder. */
  public static Loaded read(Path dir, MemorySegment keys, int n, int d, String metric, BufferAllocator allocator) {
    Path mf = dir.resolve(MANIFEST);
    JsonNode m;
    try {
      m = JSON.readTree(mf.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(mf + ": expected an index manifest (JSON), got " + e.getMessage(), e);
    }
    Map<String, String> manifest = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      manifest.put(e.getKey(), e.getValue().asText());
    }
    String sum = checksum(keys, n, d);
    if (m.path("n").asInt(-1) != n || m.path("d").asInt(-1) != d || !sum.equals(m.path("keys_checksum").asText())) {
      throw new IllegalArgumentException(dir + ": expected an index built for these keys (n=" + n + ", d=" + d + ", checksum " + sum
          + "), got one for n=" + m.path("n").asText() + ", d=" + m.path("d").asText() + ", checksum "
          + m.path("keys_checksum").asText() + " (use another --index-dir, or remove this one to rebuild)");
    }
    if (!metric.equals(m.path("metric").asText())) {
      throw new IllegalArgumentException(dir + ": expected an index for metric " + metric + ", got one for " + m.path("metric").asText());
    }
    int nlist = m.path("nlist").asInt(-1);
    try (Safetensors.Contents c = Safetensors.read(dir.resolve(TENSORS), allocator)) {
      FixedSizeListVector cv = c.parameters().get("centroids");
      DenseMatrices.require(cv, "centroids", nlist, d);
      float[] centroids = DenseMatrices.toArray(cv);
      LongTensor o = c.integers().get("order"), off = c.integers().get("offsets");
      if (o == null || off == null || o.values().length != n || off.values().length != nlist + 1) {
        throw new IllegalArgumentException(dir.resolve(TENSORS) + ": expected I64 tensors order [" + n + "] and offsets [" + (nlist + 1)
            + "], got " + c.integers().keySet());
      }
      int[] order = new int[n], offsets = new int[nlist + 1];
      boolean[] seen = new boolean[n];
      for (int i = 0; i <= nlist; i++) offsets[i] = (int) off.values()[i];
      for (int i = 0; i < n; i++) {
        long v = o.values()[i];
        if (v < 0 || v >= n || seen[(int) v]) {
          throw new IllegalArgumentException(dir.resolve(TENSORS) + ": expected order to be a permutation of 0.." + (n - 1) + ", got " + v
              + " at " + i);
        }
        seen[(int) v] = true;
        order[i] = (int) v;
      }
      for (int i = 0; i < nlist; i++) {
        if (offsets[i] > offsets[i + 1] || offsets[0] != 0 || offsets[nlist] != n) {
          throw new IllegalArgumentException(dir.resolve(TENSORS) + ": expected offsets rising from 0 to " + n + ", got "
              + java.util.Arrays.toString(java.util.Arrays.copyOf(offsets, Math.min(offsets.length, 8))) + "...");
        }
      }
      Map<String, F32> extra = new LinkedHashMap<>();
      for (String name : c.parameters().names()) {
        if (name.equals("centroids")) continue;
        FixedSizeListVector v = c.parameters().get(name);
        extra.put(name, new F32(DenseMatrices.toArray(v), DenseMatrices.rows(v), DenseMatrices.cols(v)));
      }
      return new Loaded(manifest, nlist, centroids, order, offsets, extra);
    }
  }
}
