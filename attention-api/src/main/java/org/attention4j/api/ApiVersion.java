package org.attention4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apiguardian.api.API;

/**
 * This attention-api's version, read from a resource generated at build time (so it works on the
 * module path and the class path alike).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ApiVersion {
  private static final String VERSION = load();

  private ApiVersion() {}

  private static String load() {
    try (InputStream in = ApiVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) throw new LinkageError("attention-api: version.properties missing from the jar (packaging bug)");
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The full version, e.g. {@code 0.1.0}. */
  public static String full() { return VERSION; }

  /** {@code major.minor}, the version SPI ranges are checked against, e.g. {@code 0.1}. */
  public static String spi() {
    String[] parts = VERSION.split("[.-]");
    return parts[0] + "." + (parts.length > 1 ? parts[1] : "0");
  }
}
