package org.attention4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run. */
class ReadmeExampleTest {
  @Test void readmeExampleRuns() {
    // --- README example start
    Registry registry = Registry.load(List.of());
    float[] k = new float[1000 * 8], v = new float[1000 * 2];
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < k.length; i++) k[i] = (float) r.nextGaussian();
    for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
    float[] q = java.util.Arrays.copyOfRange(k, 42 * 8, 43 * 8);          // the query is key 42
    try (BufferAllocator allocator = new RootAllocator();
         FixedSizeListVector keys = DenseMatrices.of(allocator, "keys", 1000, 8, k);
         FixedSizeListVector values = DenseMatrices.of(allocator, "values", 1000, 2, v);
         FixedSizeListVector query = DenseMatrices.of(allocator, "query", 1, 8, q);
         KeyValueMemory memory = KeyValueMemory.of(keys, values);         // or KeyValueMemory.open(Path.of("keys.npy"), ...)
         ExactSearch search = ExactSearch.over(memory, Metric.L2, registry.kernels())) {
      TopK top = search.search(query, 3);                                 // ids best first, ties by lower id
      ProviderConfig providers = new ProviderConfig(Settings.of("readme", Map.of()), 0, allocator, Optional.empty(),
          registry.kernels(), registry);
      try (SoftLookup soft = SoftLookup.create("dot", 0.05, providers, 8, 8);
           SoftRead read = soft.read(memory, query, allocator)) {
        System.out.printf("nearest (l2) %d; soft read %s; best key under dot %d with weight %.3f%n", top.id(0, 0),
            java.util.Arrays.toString(DenseMatrices.toArray(read.output())), read.sharpness().topId()[0],
            read.sharpness().topWeight()[0]);
        // --- README example end
        assertEquals(42, top.id(0, 0));
        try (ExactSearch ip = ExactSearch.over(memory, Metric.IP, registry.kernels())) {
          assertEquals(ip.search(query, 1).id(0, 0), read.sharpness().topId()[0]);
        }
      }
    }
  }
}
