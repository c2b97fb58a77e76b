package org.attention4j.sparse.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny test-local safetensors reader for the committed fixtures (F32 and F64 only): an 8-byte
 * little-endian header length, a JSON header {@code {name: {dtype, shape, data_offsets}}}, then the
 * raw little-endian data. Values are widened to float64 (exactly). Replace it with the api's reader
 * once {@code org.attention4j.api.io} is available.
 */
final class Safetensors {
  /** One tensor: its shape and its values, row-major. */
  record Tensor(int[] shape, double[] values) {
    float[] floats() {
      float[] out = new float[values.length];
      for (int i = 0; i < out.length; i++) out[i] = (float) values[i];
      return out;
    }

    int rows() { return shape.length == 0 ? 1 : shape[0]; }

    int cols() { return shape.length < 2 ? 1 : values.length / Math.max(1, shape[0]); }
  }

  private Safetensors() {}

  /** Reads a fixture from the test class path, e.g. {@code fixtures/sparse-t1.safetensors}. */
  static Map<String, Tensor> resource(String name) {
    try (InputStream in = Safetensors.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalArgumentException("fixture: expected " + name + " on the test class path, got none");
      return parse(in.readAllBytes(), name);
    } catch (IOException e) {
      throw new IllegalStateException("fixture " + name + ": cannot read", e);
    }
  }

  static Map<String, Tensor> parse(byte[] bytes, String file) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = buf.getLong(0);
    if (headerLength < 2 || 8 + headerLength > bytes.length) {
      throw new IllegalArgumentException(file + ": expected a header length <= " + (bytes.length - 8) + ", got " + headerLength);
    }
    String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    @SuppressWarnings("unchecked")
    Map<String, Object> entries = (Map<String, Object>) new Json(header).value();
    int base = 8 + (int) headerLength;
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      if (e.getKey().equals("__metadata__")) continue;
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) e.getValue();
      String dtype = (String) spec.get("dtype");
      List<?> shapeList = (List<?>) spec.get("shape"), offsets = (List<?>) spec.get("data_offsets");
      int[] shape = shapeList.stream().mapToInt(x -> ((Number) x).intValue()).toArray();
      int begin = ((Number) offsets.get(0)).intValue(), end = ((Number) offsets.get(1)).intValue();
      int width = switch (dtype) {
        case "F32" -> 4;
        case "F64" -> 8;
        default -> throw new IllegalArgumentException(e.getKey() + ": expected dtype F32 or F64, got " + dtype);
      };
      double[] values = new double[(end - begin) / width];
      for (int i = 0; i < values.length; i++) {
        int at = base + begin + i * width;
        values[i] = width == 4 ? buf.getFloat(at) : buf.getDouble(at);
      }
      out.put(e.getKey(), new Tensor(shape, values));
    }
    return out;
  }

  /** Just enough JSON for safetensors headers: objects, arrays, strings without escapes, numbers. */
  private static final class Json {
    private final String s;
    private int i;

    Json(String s) { this.s = s; }

    Object value() {
      skip();
      char c = s.charAt(i);
      if (c == '{') {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        skip();
        if (s.charAt(i) == '}') { i++; return m; }
        while (true) {
          skip();
          String key = (String) value();
          skip();
          expect(':');
          m.put(key, value());
          skip();
          if (s.charAt(i++) == '}') return m;
        }
      }
      if (c == '[') {
        i++;
        List<Object> l = new ArrayList<>();
        skip();
        if (s.charAt(i) == ']') { i++; return l; }
        while (true) {
          l.add(value());
          skip();
          if (s.charAt(i++) == ']') return l;
        }
      }
      if (c == '"') {
        int end = s.indexOf('"', i + 1);
        String str = s.substring(i + 1, end);
        i = end + 1;
        return str;
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      return Double.parseDouble(s.substring(start, i));
    }

    private void skip() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }

    private void expect(char c) {
      if (s.charAt(i) != c) throw new IllegalArgumentException("header: expected '" + c + "' at " + i + ", got '" + s.charAt(i) + "'");
      i++;
    }
  }
}
