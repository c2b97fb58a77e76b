package org.attention4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.io.LongTensor;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The numpy fixtures (src/test/python/make_fixtures.py): hard lookup ids and scores, the soft read and its sharpness. */
@WithRootAllocator
class FixturesTest {
  static Path fixture(String name) {
    try {
      return Path.of(FixturesTest.class.getResource("/fixtures/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode expected() throws IOException {
    return new ObjectMapper().readTree(fixture("expected.json").toFile());
  }

  @Test void hardLookupIdsEqualNumpyForEveryMetricKernelAndFileKind(BufferAllocator a) throws IOException {
    JsonNode exp = expected();
    int k = exp.get("k").asInt();
    for (String keysFile : List.of("keys.npy", "keys-f64.npy")) {
      try (KeyValueMemory memory = KeyValueMemory.open(fixture(keysFile), null, a);
           FixedSizeListVector queries = MatrixFiles.readMatrix(fixture("queries.npy"), a)) {
        assertEquals(keysFile.equals("keys.npy"), memory.isMapped(), keysFile + ": float32 C-order files are mapped");
        for (Metric metric : Metric.values()) {
          LongTensor want = MatrixFiles.readIntegers(fixture("ids-" + metric.id() + ".npy"));
          for (Kernels kernels : List.of(ExactSearchTest.SCALAR, ExactSearchTest.SIMD)) {
            try (ExactSearch search = ExactSearch.over(memory, metric, kernels)) {
              TopK top = search.search(queries, k);
              String what = keysFile + " " + metric + " " + kernels.id();
              assertArrayEquals(want.values(), top.ids(), what);
              JsonNode scores = exp.get("scores").get(metric.id());
              for (int q = 0; q < top.queries(); q++) {
                for (int r = 0; r < k; r++) {
                  double w = scores.get(q).get(r).asDouble();
                  assertEquals(w, top.score(q, r), 1e-12 * Math.max(1, Math.abs(w)), what + " q=" + q + " r=" + r);
                }
              }
            }
          }
        }
      }
    }
  }

  @Test void softReadEntropyAndTopWeightEqualNumpy(BufferAllocator a) throws IOException {
    JsonNode exp = expected();
    double t = exp.get("temperature").asDouble();
    Registry registry = Registry.load(List.of());
    ProviderConfig providers = new ProviderConfig(Settings.of("test", Map.of()), 0, a, Optional.empty(), registry.kernels(), registry);
    try (KeyValueMemory memory = KeyValueMemory.open(fixture("keys.npy"), fixture("values.npy"), a);
         FixedSizeListVector queries = MatrixFiles.readMatrix(fixture("queries.npy"), a)) {
      assertTrue(memory.isMapped());
      for (long block : new long[] {1L << 22, 20 * 37}) {           // one block, and 54 blocks of 37 keys
        try (SoftLookup soft = SoftLookup.create("scaled-dot", t, providers, memory.dim(), memory.dim()).blockScores(block);
             SoftRead read = soft.read(memory, queries, a)) {
          int nq = DenseMatrices.rows(queries), dv = memory.valueDim();
          for (int q = 0; q < nq; q++) {
            for (int c = 0; c < dv; c++) {
              double w = exp.get("soft_read").get(q).get(c).asDouble();
              assertEquals(w, DenseMatrices.get(read.output(), q, c), 2e-5 * Math.max(1, Math.abs(w)), "read q=" + q + " c=" + c);
            }
            assertEquals(exp.get("entropy").get(q).asDouble(), read.sharpness().entropy()[q], 2e-5, "entropy q=" + q);
            assertEquals(exp.get("top_weight").get(q).asDouble(), read.sharpness().topWeight()[q], 2e-5, "top weight q=" + q);
          }
        }
      }
    }
  }

  @Test void aFloat64FileIsReadNotMapped(BufferAllocator a) {
    try (KeyValueMemory memory = KeyValueMemory.open(fixture("keys-f64.npy"), fixture("values.npy"), a)) {
      assertFalse(memory.isMapped());
      assertEquals(2000, memory.size());
      assertEquals(24, memory.dim());
      assertEquals(5, memory.valueDim());
    }
  }
}
