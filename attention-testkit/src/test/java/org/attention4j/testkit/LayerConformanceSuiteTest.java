package org.attention4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.attention4j.testkit.FixtureRuns.assertContains;
import static org.attention4j.testkit.FixtureRuns.failureOf;
import static org.attention4j.testkit.FixtureRuns.failures;
import static org.attention4j.testkit.FixtureRuns.run;

import java.util.List;
import java.util.Map;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.testkit.FixtureLayerProvider.Defect;
import org.attention4j.testkit.RootAllocatorExtensionTest.OnlyFromEngineTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@link BaseLayerConformanceTest} itself: a correct fixture layer passes every check it can (it is
 * not registered with ServiceLoader, the discovery negative control), and each deliberately broken
 * fixture fails its check with a message naming the breaking input.
 */
class LayerConformanceSuiteTest {
  @ExtendWith(OnlyFromEngineTestKit.class)
  abstract static class LayerFixture extends BaseLayerConformanceTest {
    private final Defect defect;

    LayerFixture(Defect defect) { this.defect = defect; }

    @Override protected AttentionLayerProvider provider() { return new FixtureLayerProvider(defect); }
  }

  static class GoodLayer extends LayerFixture { GoodLayer() { super(Defect.NONE); } }
  static class SilentWidths extends LayerFixture { SilentWidths() { super(Defect.SILENT_WIDTHS); } }
  static class AcceptsNaN extends LayerFixture { AcceptsNaN() { super(Defect.ACCEPTS_NAN); } }
  static class MaskedKeysWeighted extends LayerFixture { MaskedKeysWeighted() { super(Defect.MASKED_KEYS_WEIGHTED); } }
  static class NaNOnEmptyRows extends LayerFixture { NaNOnEmptyRows() { super(Defect.NAN_ON_EMPTY_ROWS); } }
  static class WrongDValues extends LayerFixture { WrongDValues() { super(Defect.WRONG_DVALUES); } }
  static class Unseeded extends LayerFixture { Unseeded() { super(Defect.UNSEEDED); } }
  static class Leaks extends LayerFixture { Leaks() { super(Defect.LEAKS); } }

  @Test void aCorrectLayerPassesEverythingButServiceLoaderDiscovery() {
    EngineExecutionResults r = run(GoodLayer.class);
    Map<String, String> f = failures(r);
    assertEquals(List.of("serviceLoaderListsTheProvider"), List.copyOf(f.keySet()), "failures: " + f);
    assertContains(f.get("serviceLoaderListsTheProvider"),
        "ServiceLoader: expected org.attention4j.testkit.FixtureLayerProvider among the AttentionLayerProviders");
    r.testEvents().assertStatistics(s -> s.aborted(1).failed(1).succeeded(7));
  }

  @Test void eachDefectFailsItsCheckNamingTheInput() {
    assertContains(failureOf(SilentWidths.class, "wrongShapesAreRefusedNamingTheArgument"),
        "layer 'fixture-layer' {} [d_q=4, d_k=3, d_v=5]: forward(query [3, 5], keys, values): expected IllegalArgumentException "
            + "naming query or queries, got");
    assertContains(failureOf(AcceptsNaN.class, "nonFiniteInputIsRefusedNamingTheArgument"),
        "forward(query with NaN at (row 1, col 0), keys, values): expected IllegalArgumentException naming query or queries, "
            + "got no exception");
    assertContains(failureOf(MaskedKeysWeighted.class, "maskedKeysGetZeroWeightAndFullyMaskedRowsIgnoreKeysAndValues"),
        "(row 1 fully masked) at Q, K, V from seed 31: weight of slab 0 at masked (row 0, col 0): expected exactly 0, got");
    assertContains(failureOf(NaNOnEmptyRows.class, "maskedKeysGetZeroWeightAndFullyMaskedRowsIgnoreKeysAndValues"),
        "(row 1 fully masked) at Q, K, V from seed 31: weight of slab 0 at masked (row 1, col 0): expected exactly 0, got NaN");
    assertContains(failureOf(WrongDValues.class, "backwardMatchesCentralDifferences"),
        "at Q, K, V from seeds 21, 22, 23, dOutput from seed 24", ": dValues: expected |analytic − numeric|", "worst at (row 0, col 0)");
    assertContains(failureOf(Unseeded.class, "sameSeedGivesIdenticalResults"),
        "two layers created with seed 20240601 on the same Q, K, V (output): expected identical results, got");
    assertContains(failureOf(Leaks.class, "sameSeedGivesIdenticalResults"),
        "expected every buffer and child allocator closed when the test ends, got");
  }
}
