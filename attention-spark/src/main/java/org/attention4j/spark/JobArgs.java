package org.attention4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of one job: {@code --name value} pairs and {@code --flag}s, repeatable where declared
 * ({@code --set k=v}, {@code --plugin-path DIR}). An unknown option, a missing value or a value of
 * the wrong type is an {@link IllegalArgumentException} naming the option.
 */
final class JobArgs {
  private final String job;
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final Set<String> flags;

  private JobArgs(String job, Set<String> flags) {
    this.job = job;
    this.flags = flags;
  }

  /**
   * Parses {@code args}; {@code valued} are the options that take a value, {@code flags} those that
   * do not.
   */
  static JobArgs parse(String job, List<String> args, Set<String> valued, Set<String> flags) {
    JobArgs a = new JobArgs(job, flags);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i), value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      if (flags.contains(arg)) {
        if (value != null) throw new IllegalArgumentException(arg + ": expected no value, got '" + value + "'");
        a.values.computeIfAbsent(arg, k -> new ArrayList<>()).add("true");
      } else if (valued.contains(arg)) {
        if (value == null) {
          if (i + 1 >= args.size()) throw new IllegalArgumentException(arg + ": expected a value, got none");
          value = args.get(++i);
        }
        a.values.computeIfAbsent(arg, k -> new ArrayList<>()).add(value);
      } else {
        Set<String> known = new TreeSet<>(valued);
        known.addAll(flags);
        throw new IllegalArgumentException("spark " + job + ": expected an option in " + known + ", got '" + arg + "'");
      }
    }
    return a;
  }

  boolean flag(String name) { return values.containsKey(name); }

  Optional<String> get(String name) {
    List<String> v = values.get(name);
    if (v == null) return Optional.empty();
    if (v.size() > 1) throw new IllegalArgumentException(name + ": expected once, got " + v.size() + " times");
    return Optional.of(v.get(0));
  }

  String require(String name) {
    return get(name).orElseThrow(() -> new IllegalArgumentException(name + ": expected a value (required by spark " + job
        + "), got none"));
  }

  String get(String name, String dflt) { return get(name).orElse(dflt); }

  List<String> all(String name) { return values.getOrDefault(name, List.of()); }

  int getInt(String name, int dflt, int min) {
    Optional<String> v = get(name);
    if (v.isEmpty()) return dflt;
    int x;
    try {
      x = Integer.parseInt(v.get().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": expected an integer, got '" + v.get() + "'", e);
    }
    if (x < min) throw new IllegalArgumentException(name + ": expected an integer >= " + min + ", got " + x);
    return x;
  }

  long getLong(String name, long dflt) {
    Optional<String> v = get(name);
    if (v.isEmpty()) return dflt;
    try {
      return Long.parseLong(v.get().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": expected an integer, got '" + v.get() + "'", e);
    }
  }

  double getPositive(String name, double dflt) {
    Optional<String> v = get(name);
    if (v.isEmpty()) return dflt;
    double x;
    try {
      x = Double.parseDouble(v.get().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": expected a number > 0, got '" + v.get() + "'", e);
    }
    if (!(x > 0) || !Double.isFinite(x)) throw new IllegalArgumentException(name + ": expected a finite number > 0, got " + x);
    return x;
  }

  /** {@code --set k=v} pairs in order. */
  Map<String, String> settings() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : all("--set")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--set: expected key=value, got '" + kv + "'");
      out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return out;
  }
}
