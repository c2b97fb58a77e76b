package org.attention4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;

/**
 * Named tensors (a scorer's parameters, or their gradients), each a dense float32 Arrow vector with
 * its full shape (see {@link DenseMatrices#shape}). The set owns its vectors and closes them.
 * Names are exact and case-sensitive.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ParameterSet implements AutoCloseable {
  /** The expected name and shape of a tensor, for error messages and checks. */
  public record TensorSpec(String name, int[] shape, boolean optional) {
    @Override public String toString() { return name + " " + Arrays.toString(shape) + (optional ? " (optional)" : ""); }
  }

  private final Map<String, FixedSizeListVector> tensors = new LinkedHashMap<>();

  /** Adds {@code tensor} under {@code name}, taking ownership. A name may be added once. */
  public ParameterSet put(String name, FixedSizeListVector tensor) {
    if (tensors.containsKey(name)) {
      tensor.close();
      throw new IllegalArgumentException("parameters: expected each name once, got '" + name + "' twice");
    }
    tensors.put(name, tensor);
    return this;
  }

  public boolean contains(String name) { return tensors.containsKey(name); }

  public Set<String> names() { return java.util.Collections.unmodifiableSet(tensors.keySet()); }

  public Map<String, FixedSizeListVector> asMap() { return java.util.Collections.unmodifiableMap(tensors); }

  /** The tensor called {@code name}; an error lists the names present. */
  public FixedSizeListVector get(String name) {
    FixedSizeListVector v = tensors.get(name);
    if (v == null) {
      throw new IllegalArgumentException("parameters: expected a tensor '" + name + "', got only " + tensors.keySet());
    }
    return v;
  }

  /**
   * Checks these tensors against {@code expected}: every required name present with its shape, and
   * no unknown names. Messages name the tensor, the expected and the actual shape, or list the
   * expected names and shapes.
   */
  public void check(List<TensorSpec> expected) {
    String listing = expected.stream().map(TensorSpec::toString).collect(Collectors.joining(", "));
    for (String name : tensors.keySet()) {
      if (expected.stream().noneMatch(s -> s.name().equals(name))) {
        throw new IllegalArgumentException("parameters: unknown tensor '" + name + "'; expected " + listing);
      }
    }
    for (TensorSpec s : expected) {
      FixedSizeListVector v = tensors.get(s.name());
      if (v == null) {
        if (s.optional()) continue;
        throw new IllegalArgumentException("parameters: missing tensor '" + s.name() + "'; expected " + listing);
      }
      int[] actual = DenseMatrices.shape(v);
      if (!Arrays.equals(actual, s.shape())) {
        throw new IllegalArgumentException(s.name() + ": expected shape " + Arrays.toString(s.shape()) + ", got "
            + Arrays.toString(actual));
      }
    }
  }

  @Override public void close() {
    RuntimeException first = null;
    for (FixedSizeListVector v : tensors.values()) {
      try {
        v.close();
      } catch (RuntimeException e) {
        if (first == null) first = e;
      }
    }
    tensors.clear();
    if (first != null) throw first;
  }

  @Override public String toString() {
    return tensors.entrySet().stream()
        .map(e -> e.getKey() + Arrays.toString(DenseMatrices.shape(e.getValue())))
        .collect(Collectors.joining(", ", "ParameterSet[", "]"));
  }
}
