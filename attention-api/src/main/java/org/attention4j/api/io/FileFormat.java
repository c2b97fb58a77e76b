package org.attention4j.api.io;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * The file formats Attention4J reads and writes. The format follows the file extension (compared
 * without regard to case).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum FileFormat {
  /** numpy's {@code .npy}: one array, C order, little-endian. */
  NPY(".npy"),
  /** Comma-separated text; a matrix or a table with a header. */
  CSV(".csv"),
  /** Arrow IPC file: one column {@code data} of {@code FixedSizeList<float32>}. */
  ARROW(".arrow"),
  /** safetensors: named tensors (parameters, saved indexes). */
  SAFETENSORS(".safetensors");

  private final String extension;

  FileFormat(String extension) { this.extension = extension; }

  /** The extension, with its dot: {@code .npy}. */
  public String extension() { return extension; }

  /** The format of {@code file} from its extension; anything else is an error listing the supported ones. */
  public static FileFormat of(Path file) {
    Path name = file.getFileName();
    String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    for (FileFormat f : values()) if (n.endsWith(f.extension) && n.length() > f.extension.length()) return f;
    int dot = n.lastIndexOf('.');
    throw FileIo.error(file, "one of the extensions .npy, .csv, .arrow, .safetensors",
        dot <= 0 ? "no extension" : "'" + name.toString().substring(dot) + "'");
  }
}
