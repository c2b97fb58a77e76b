package org.attention4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** JSON documents of the CLI (stdout and result files), pretty-printed, keys in insertion order. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("JSON: cannot serialise " + value.getClass().getName(), e);
    }
  }

  static void write(Path file, Object value) throws IOException {
    Files.writeString(file, write(value) + System.lineSeparator());
  }

  @SuppressWarnings("unchecked")
  static <T> T read(Path file, Class<T> type) throws IOException {
    return MAPPER.readValue(file.toFile(), type);
  }
}
