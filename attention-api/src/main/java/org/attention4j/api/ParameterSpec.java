package org.attention4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A declared setting of a provider or scenario (set with {@code --set k=v} or {@code --param k=v}).
 *
 * @param name the key, e.g. {@code h}
 * @param defaultValue the value used when none is given (as text)
 * @param description one line for {@code --help} and reports, with the unit when there is one
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ParameterSpec(String name, String defaultValue, String description) {
  public ParameterSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
  }
}
