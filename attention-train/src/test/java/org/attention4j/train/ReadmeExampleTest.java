package org.attention4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run; the README must contain it verbatim. */
@WithRootAllocator
class ReadmeExampleTest {
  @Test void theExampleRuns(BufferAllocator allocator) {
    int nq = 32, nk = 8;
    float[] qs = Fixtures.gaussian(nq * 4, 1, 1), ks = Fixtures.gaussian(nk * 4, 1, 2), ts = new float[nq * nk];
    for (int i = 0; i < nq; i++) for (int j = 0; j < nk; j++) ts[i * nk + j] = (float) Math.tanh(qs[i * 4] * ks[j * 4 + 1]);
    try (FixedSizeListVector queries = DenseMatrices.of(allocator, "queries", nq, 4, qs);
         FixedSizeListVector keys = DenseMatrices.of(allocator, "keys", nk, 4, ks);
         FixedSizeListVector targets = DenseMatrices.of(allocator, "targets", nq, nk, ts)) {
      // README:begin
      Registry registry = Registry.load(List.of());                  // finds "additive" by id
      ProviderConfig config = new ProviderConfig(Settings.of("additive", Map.of("h", "16")), 7, allocator,
          Optional.empty(), registry.kernels(), registry);
      try (Scorer scorer = registry.require(ScorerProvider.class, "additive").create(config, 4, 4);   // seeded W_q, W_k, v, b
           Adam adam = Adam.builder().schedule(LearningRateSchedule.cosine(0.03, 120, 0.003)).build(allocator)) {
        TrainingHistory history = Trainer.builder(scorer.parameters(), adam).epochs(30).batchSize(8).seed(7).build()
            .fit(DenseMatrices.rows(queries), (batch, gradients) -> {
              try (FixedSizeListVector q = batch.rows(queries); FixedSizeListVector t = batch.rows(targets);
                   FixedSizeListVector s = scorer.score(q, keys, batch.allocator());
                   LossResult loss = MeanSquaredError.create().compute(s, t, batch.allocator());
                   Scorer.Gradients g = scorer.backward(q, keys, loss.gradient(), batch.allocator())) {
                Parameters.add(gradients, g.dParameters());            // dL/dθ of the batch's mean loss
                return loss.value();
              }
            }, allocator);                                            // history.loss(): one mean loss per epoch
        // README:end
        assertEquals(30, history.epochs());
        assertEquals(StopReason.COMPLETED, history.stopReason());
        assertTrue(history.finalLoss() < history.loss().get(0) / 5, history.loss().toString());
      }
    }
  }

  @Test void theReadmeShowsTheExample() throws IOException {
    List<String> source = Files.readAllLines(Path.of("src/test/java/org/attention4j/train/ReadmeExampleTest.java"));
    int begin = source.indexOf("      // README:begin"), end = source.indexOf("        // README:end");
    assertTrue(begin > 0 && end > begin, "markers");
    String readme = Files.readString(Path.of("README.md"));
    for (String line : source.subList(begin + 1, end)) {
      String expected = line.length() >= 6 ? line.substring(6) : line.strip();     // the README drops 6 spaces of indent
      assertTrue(readme.contains(expected), "README.md must contain the example line: " + expected);
    }
  }
}
