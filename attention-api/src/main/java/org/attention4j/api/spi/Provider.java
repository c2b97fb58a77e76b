package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import org.attention4j.api.ParameterSpec;
import org.apiguardian.api.API;

/**
 * What every provider (scorer, normalizer, layer, kernel, scenario) declares. Found through
 * {@link java.util.ServiceLoader}; see the registry for the rules on ids and SPI ranges.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Provider {
  /** The id: lower-case ASCII letters, digits and {@code -}; unique per kind; never renamed. */
  String id();

  /** One line saying what it is. */
  String description();

  /**
   * The attention-api versions this provider works with, as a Maven range over {@code major.minor}
   * (e.g. {@code [0.1,0.2)}).
   */
  default String spiRange() { return "[0.1,0.2)"; }

  /** The provider's version: its module's version, else its jar's Implementation-Version. */
  default String version() {
    ModuleDescriptor d = getClass().getModule().getDescriptor();
    if (d != null && d.rawVersion().isPresent()) return d.rawVersion().get();
    Package p = getClass().getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "unversioned" : v;
  }

  /** The settings it takes ({@code --set k=v}), with defaults. */
  default List<ParameterSpec> parameters() { return List.of(); }
}
