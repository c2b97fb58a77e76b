package org.attention4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * Resolved key=value settings checked against declared {@link ParameterSpec}s: an unknown key or a
 * value of the wrong type is an {@link IllegalArgumentException} naming the key, the expected and
 * the actual value.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Settings {
  private final String owner;
  private final Map<String, String> values;

  private Settings(String owner, Map<String, String> values) {
    this.owner = owner;
    this.values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));   // keeps declaration order
  }

  /**
   * Resolves {@code given} over the defaults of {@code specs}. Keys in {@code ignored} (settings meant
   * for someone else, e.g. {@code kernels}) are skipped; any other unknown key is refused.
   */
  public static Settings resolve(String owner, List<ParameterSpec> specs, Map<String, String> given, List<String> ignored) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ParameterSpec s : specs) out.put(s.name(), s.defaultValue());
    for (Map.Entry<String, String> e : given.entrySet()) {
      if (ignored.contains(e.getKey())) continue;
      if (!out.containsKey(e.getKey())) {
        throw new IllegalArgumentException(owner + ": expected a setting in "
            + specs.stream().map(ParameterSpec::name).collect(Collectors.toList()) + ", got '" + e.getKey() + "'");
      }
      out.put(e.getKey(), e.getValue());
    }
    return new Settings(owner, out);
  }

  /** Settings with no declared keys, holding exactly {@code values}. */
  public static Settings of(String owner, Map<String, String> values) { return new Settings(owner, values); }

  public Map<String, String> asMap() { return values; }

  public String getString(String key) {
    String v = values.get(key);
    if (v == null) throw new IllegalArgumentException(owner + ": expected a setting '" + key + "', got none");
    return v;
  }

  public int getInt(String key) {
    String v = getString(key);
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(owner + " " + key + ": expected an integer, got '" + v + "'", e);
    }
  }

  public double getDouble(String key) {
    String v = getString(key);
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(owner + " " + key + ": expected a number, got '" + v + "'", e);
    }
    if (!Double.isFinite(d)) throw new IllegalArgumentException(owner + " " + key + ": expected a finite number, got '" + v + "'");
    return d;
  }

  public boolean getBoolean(String key) {
    String v = getString(key).trim().toLowerCase(java.util.Locale.ROOT);
    return switch (v) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(owner + " " + key + ": expected true or false, got '" + v + "'");
    };
  }

  /** A comma-separated list of numbers, e.g. {@code 0.5,1,2}. */
  public double[] getDoubles(String key) {
    String v = getString(key);
    String[] parts = v.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(owner + " " + key + ": expected comma-separated numbers, got '" + v + "'", e);
      }
    }
    return out;
  }

  @Override public String toString() { return owner + values; }
}
