package org.attention4j.api.io;

/** The element types the readers understand, with their names in .npy and safetensors headers. */
enum Dtype {
  BOOL("bool", 1, "|b1", "BOOL"),
  UINT8("uint8", 1, "|u1", "U8"),
  INT32("int32", 4, "<i4", "I32"),
  INT64("int64", 8, "<i8", "I64"),
  FLOAT32("float32", 4, "<f4", "F32"),
  FLOAT64("float64", 8, "<f8", "F64");

  final String label;
  final int size;
  final String npy;
  final String safetensors;

  Dtype(String label, int size, String npy, String safetensors) {
    this.label = label;
    this.size = size;
    this.npy = npy;
    this.safetensors = safetensors;
  }

  /**
   * The type of a .npy {@code descr} such as {@code '<f4'}, or null when unsupported. One-byte types
   * have no byte order, so numpy writes '|'; '<' and '=' mean the same for them.
   */
  static Dtype ofNpy(String descr) {
    if (descr.length() < 3) return null;
    char order = descr.charAt(0);
    String code = descr.substring(1);
    for (Dtype t : values()) {
      if (!t.npy.substring(1).equals(code)) continue;
      if (order == '<' || (t.size == 1 && (order == '|' || order == '='))) return t;
    }
    return null;
  }

  /** The type of a safetensors {@code dtype} such as {@code F32}, or null when unsupported. */
  static Dtype ofSafetensors(String name) {
    for (Dtype t : values()) if (t.safetensors.equals(name)) return t;
    return null;
  }

  @Override public String toString() { return label; }
}
