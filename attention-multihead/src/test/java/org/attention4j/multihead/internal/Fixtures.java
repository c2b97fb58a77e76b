package org.attention4j.multihead.internal;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.ProviderConfig;

/** Shared test setup: the registry (as the CLI finds the layer and the per-head scorers), configs and data. */
final class Fixtures {
  static final Registry REGISTRY = Registry.load(List.of());

  private Fixtures() {}

  static AttentionLayerProvider provider() { return REGISTRY.require(AttentionLayerProvider.class, MultiHeadLayerProvider.ID); }

  static ProviderConfig config(BufferAllocator allocator, Map<String, String> settings, long seed, Optional<ParameterSet> p) {
    return new ProviderConfig(Settings.of("test", settings), seed, allocator, p, REGISTRY.kernels(), REGISTRY);
  }

  /** A layer with {@code heads} heads of {@code scorer}, initialised from the seed; more settings as key, value pairs. */
  static AttentionLayer layer(BufferAllocator allocator, String scorer, int heads, int e, int kdim, int vdim, long seed,
      String... more) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("scorer", scorer);
    s.put("heads", Integer.toString(heads));
    for (int i = 0; i + 1 < more.length; i += 2) s.put(more[i], more[i + 1]);
    return provider().create(config(allocator, s, seed, Optional.empty()), e, kdim, vdim);
  }

  static float[] gaussian(int n, double sd, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * sd);
    return x;
  }

  static FixedSizeListVector matrix(BufferAllocator allocator, String name, int rows, int cols, long seed) {
    return DenseMatrices.of(allocator, name, rows, cols, gaussian(rows * cols, 1, seed));
  }

  static Path fixture(String name) {
    URL url = Fixtures.class.getResource("/fixtures/" + name);
    if (url == null) throw new IllegalStateException("missing test resource fixtures/" + name);
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static double[] doubles(FixedSizeListVector v) {
    float[] f = DenseMatrices.toArray(v);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  /**
   * One mask per batch item from PyTorch-polarity tensors (1 = masked out): attn [B, n_q, n_k] and
   * key padding [B, n_k], combined by AND after converting to ours.
   */
  static List<Mask> torchMasks(FixedSizeListVector attn, FixedSizeListVector padding) {
    int[] as = DenseMatrices.shape(attn);
    int b = as[0], nq = as[1], nk = as[2];
    float[] a = DenseMatrices.toArray(attn), p = DenseMatrices.toArray(padding);
    List<Mask> out = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      boolean[] m = new boolean[nq * nk], kp = new boolean[nk];
      for (int j = 0; j < m.length; j++) m[j] = a[i * nq * nk + j] != 0;
      for (int j = 0; j < nk; j++) kp[j] = p[i * nk + j] != 0;
      out.add(Mask.explicit(nq, nk, Mask.fromTorchBool(m)).and(Mask.keyPadding(Mask.fromTorchBool(kp))));
    }
    return out;
  }

  static int[] shape(FixedSizeListVector v) { return DenseMatrices.shape(v); }

  static String str(int[] s) { return Arrays.toString(s); }
}
