package org.attention4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A provider or plugin is misconfigured: a bad or duplicate id, an SPI range that excludes this
 * api, a jar that cannot be loaded. The registry records these as rejected providers.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class AttentionConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AttentionConfigurationException(String message) { super(message); }

  public AttentionConfigurationException(String message, Throwable cause) { super(message, cause); }
}
