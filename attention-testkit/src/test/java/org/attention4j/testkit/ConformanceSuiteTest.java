package org.attention4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.attention4j.testkit.FixtureRuns.assertContains;
import static org.attention4j.testkit.FixtureRuns.failureOf;
import static org.attention4j.testkit.FixtureRuns.failures;
import static org.attention4j.testkit.FixtureRuns.run;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.FixtureNormalizerProvider.Defect;
import org.attention4j.testkit.RootAllocatorExtensionTest.OnlyFromEngineTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The conformance suite itself: a correct fixture passes every check it can (it is not registered
 * with ServiceLoader, so that check fails, which is the discovery negative control), and each
 * deliberately broken fixture fails its check with a message naming the breaking input. The
 * fixtures run through {@link EngineTestKit}, as in {@link RootAllocatorExtensionTest}.
 */
class ConformanceSuiteTest {
  // --- scorer fixtures: one class per defect, enabled only when run from this test

  @ExtendWith(OnlyFromEngineTestKit.class)
  abstract static class ScorerFixture extends BaseScorerConformanceTest {
    private final FixtureScorerProvider.Defect defect;

    ScorerFixture(FixtureScorerProvider.Defect defect) { this.defect = defect; }

    @Override protected ScorerProvider provider() { return new FixtureScorerProvider(defect); }

    @Override protected boolean requiresEqualWidths() { return true; }
  }

  static class GoodScorer extends ScorerFixture { GoodScorer() { super(FixtureScorerProvider.Defect.NONE); } }
  static class BadId extends ScorerFixture { BadId() { super(FixtureScorerProvider.Defect.BAD_ID); } }
  static class BlankVersion extends ScorerFixture { BlankVersion() { super(FixtureScorerProvider.Defect.BLANK_VERSION); } }
  static class ExcludingRange extends ScorerFixture { ExcludingRange() { super(FixtureScorerProvider.Defect.EXCLUDING_RANGE); } }
  static class UnparseableRange extends ScorerFixture {
    UnparseableRange() { super(FixtureScorerProvider.Defect.UNPARSEABLE_RANGE); }
  }
  static class SilentWidths extends ScorerFixture { SilentWidths() { super(FixtureScorerProvider.Defect.SILENT_WIDTHS); } }
  static class UnnamedWidthError extends ScorerFixture {
    UnnamedWidthError() { super(FixtureScorerProvider.Defect.UNNAMED_WIDTH_ERROR); }
  }
  static class AcceptsNaN extends ScorerFixture { AcceptsNaN() { super(FixtureScorerProvider.Defect.ACCEPTS_NAN); } }
  static class WrongDQuery extends ScorerFixture { WrongDQuery() { super(FixtureScorerProvider.Defect.WRONG_DQUERY); } }
  static class WrongDParameter extends ScorerFixture { WrongDParameter() { super(FixtureScorerProvider.Defect.WRONG_DPARAMETER); } }
  static class PairsTransposed extends ScorerFixture { PairsTransposed() { super(FixtureScorerProvider.Defect.PAIRS_TRANSPOSED); } }
  static class PairsOverwrite extends ScorerFixture { PairsOverwrite() { super(FixtureScorerProvider.Defect.PAIRS_OVERWRITE); } }
  static class Unseeded extends ScorerFixture { Unseeded() { super(FixtureScorerProvider.Defect.UNSEEDED); } }
  static class SharedScratch extends ScorerFixture { SharedScratch() { super(FixtureScorerProvider.Defect.SHARED_SCRATCH); } }
  static class LeakingScorer extends ScorerFixture { LeakingScorer() { super(FixtureScorerProvider.Defect.LEAKS); } }

  /** A correct scorer whose "plugin jar" does not provide it (a jar with only a manifest). */
  static class JarWithoutTheProvider extends ScorerFixture {
    JarWithoutTheProvider() { super(FixtureScorerProvider.Defect.NONE); }

    @Override protected Optional<Path> pluginJar() { return Optional.of(emptyJar()); }
  }

  // --- normalizer fixtures

  @ExtendWith(OnlyFromEngineTestKit.class)
  abstract static class NormalizerFixture extends BaseNormalizerConformanceTest {
    private final Defect defect;

    NormalizerFixture(Defect defect) { this.defect = defect; }

    @Override protected NormalizerProvider provider() { return new FixtureNormalizerProvider(defect); }
  }

  static class GoodNormalizer extends NormalizerFixture { GoodNormalizer() { super(Defect.NONE); } }
  static class MaskedKeysWeighted extends NormalizerFixture { MaskedKeysWeighted() { super(Defect.MASKED_KEYS_WEIGHTED); } }
  static class NaNOnEmptyRows extends NormalizerFixture { NaNOnEmptyRows() { super(Defect.NAN_ON_EMPTY_ROWS); } }
  static class Unnormalized extends NormalizerFixture { Unnormalized() { super(Defect.UNNORMALIZED); } }
  static class IgnoresTemperature extends NormalizerFixture { IgnoresTemperature() { super(Defect.IGNORES_TEMPERATURE); } }
  static class NotShiftInvariant extends NormalizerFixture { NotShiftInvariant() { super(Defect.SQUARES); } }
  static class WrongBackward extends NormalizerFixture { WrongBackward() { super(Defect.WRONG_BACKWARD); } }
  static class SilentShapes extends NormalizerFixture { SilentShapes() { super(Defect.SILENT_SHAPES); } }
  static class AcceptsNonFinite extends NormalizerFixture { AcceptsNonFinite() { super(Defect.ACCEPTS_NON_FINITE); } }
  static class LeakingNormalizer extends NormalizerFixture { LeakingNormalizer() { super(Defect.LEAKS); } }

  /** A jar with a manifest and nothing else (an automatic module that provides nothing). */
  static Path emptyJar() {
    try {
      Path dir = Files.createTempDirectory("a4j-conformance-fixture");
      Path jar = dir.resolve("no-provider.jar");
      Manifest m = new Manifest();
      m.getMainAttributes().putValue("Manifest-Version", "1.0");
      try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
        j.flush();
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- running them

  @Test void aCorrectScorerPassesEverythingButServiceLoaderDiscovery() {
    EngineExecutionResults r = run(GoodScorer.class);
    Map<String, String> f = failures(r);
    assertEquals(List.of("serviceLoaderListsTheProvider"), List.copyOf(f.keySet()), "failures: " + f);
    assertContains(f.get("serviceLoaderListsTheProvider"), "'fixture-dot': ServiceLoader",
        "ServiceLoader: expected org.attention4j.testkit.FixtureScorerProvider among the ScorerProviders",
        "provides org.attention4j.api.spi.ScorerProvider with org.attention4j.testkit.FixtureScorerProvider");
    r.testEvents().assertStatistics(s -> s.skipped(0).aborted(1).failed(1).succeeded(8));   // plugin folder: no jar
  }

  @Test void descriptorDefectsNameTheField() {
    assertContains(failureOf(BadId.class, "descriptorIsValid"),
        "id: expected lower-case ASCII letters, digits and '-'", "got 'Fixture_Dot'");
    assertContains(failureOf(BlankVersion.class, "descriptorIsValid"), "'fixture-dot': version: expected a non-blank version, got ' '");
    assertContains(failureOf(ExcludingRange.class, "descriptorIsValid"),
        "spiRange: expected a range containing this attention-api's 0.1", "got [9.0,10.0)");
    assertContains(failureOf(UnparseableRange.class, "descriptorIsValid"),
        "spiRange: expected a Maven version range such as [0.1,0.2), got '0.1+'");
  }

  @Test void aJarThatDoesNotProvideTheScorerFailsThePluginFolderCheck() {
    assertContains(failureOf(JarWithoutTheProvider.class, "loadsFromAPluginFolder"),
        "plugin folder: expected one scorer 'fixture-dot' loaded from no-provider.jar in its own module layer, got []");
  }

  @Test void widthDefectsNameTheArgument() {
    assertContains(failureOf(SilentWidths.class, "wrongWidthsAreRefusedNamingTheArgument"),
        "scorer 'fixture-dot' [d_q=1, d_k=1]: score(query [2, 2], keys): expected IllegalArgumentException naming query or "
            + "queries, got no exception");
    assertContains(failureOf(UnnamedWidthError.class, "wrongWidthsAreRefusedNamingTheArgument"),
        "score(query [2, 2], keys): expected the message to name query or queries", "got 'width mismatch'");
  }

  @Test void acceptingNaNFails() {
    assertContains(failureOf(AcceptsNaN.class, "nonFiniteInputIsRefusedNamingTheArgument"),
        "[d_q=3, d_k=3]: score(query with NaN at (row 1, col 0), keys): expected IllegalArgumentException naming query or "
            + "queries, got no exception");
  }

  @Test void wrongGradientsNameTheTensorAndTheWorstEntry() {
    assertContains(failureOf(WrongDQuery.class, "backwardMatchesCentralDifferences"),
        "scorer 'fixture-dot' [d_q=3, d_k=3] at Q, K from seeds 21, 22 and dScores from seed 23: dQuery: expected "
            + "|analytic − numeric| ≤ 0.001 + 0.01·|numeric| everywhere, got", "worst at (row");
    String dw = failureOf(WrongDParameter.class, "backwardMatchesCentralDifferences");
    assertContains(dw, ": dw: expected |analytic − numeric|", "worst at (row 0, col 0)");
  }

  @Test void scorePairsThatDisagreesWithScoreFails() {
    assertContains(failureOf(PairsTransposed.class, "scorePairsAgreesWithScore"),
        "scorePairs(src=[0, 2, 1, 2, 0], dst=[3, 0, 1, 2, 0]) against score()[src, dst]: expected |actual − expected|");
  }

  @Test void pairGradientsThatDropARepeatedEdgeFail() {
    assertContains(failureOf(PairsOverwrite.class, "backwardPairsMatchesCentralDifferences"),
        "backwardPairs(src=[0, 2, 1, 2, 0, 0], dst=[3, 0, 1, 2, 0, 3]) at Q, K from seeds 41, 42 and dScores from seed 43: "
            + "dQuery: expected |analytic − numeric|", "entries outside; worst at (row ");
  }

  @Test void anUnseededScorerFailsDeterminism() {
    assertContains(failureOf(Unseeded.class, "sameSeedGivesIdenticalScores"),
        "two scorers created with seed 20240601 on the same Q, K: expected identical results, got");
  }

  @Test void sharedScratchFailsUnderConcurrentCalls() {
    assertContains(failureOf(SharedScratch.class, "concurrentCallsOnASharedScorerAgree"),
        "of 4, call ", "on a shared scorer, against the same input scored on one thread: expected identical results, got");
  }

  @Test void aLeakingScorerFailsThroughTheAllocator() {
    assertContains(failureOf(LeakingScorer.class, "sameSeedGivesIdenticalScores"),
        "allocator 'LeakingScorer.sameSeedGivesIdenticalScores()': expected every buffer and child allocator "
            + "closed when the test ends, got 6 buffers");
  }

  @Test void aCorrectNormalizerPassesEverythingButServiceLoaderDiscovery() {
    EngineExecutionResults r = run(GoodNormalizer.class);
    Map<String, String> f = failures(r);
    assertEquals(List.of("serviceLoaderListsTheProvider"), List.copyOf(f.keySet()), "failures: " + f);
    assertContains(f.get("serviceLoaderListsTheProvider"),
        "ServiceLoader: expected org.attention4j.testkit.FixtureNormalizerProvider among the NormalizerProviders");
    r.testEvents().assertStatistics(s -> s.aborted(1).failed(1).succeeded(10));
  }

  @Test void maskDefectsNameTheEntry() {
    assertContains(failureOf(MaskedKeysWeighted.class, "masksGiveExactZerosAndAllowedKeysSumToOne"),
        "normalizer 'fixture-softmax' [scores 1 x 1, mask Mask[explicit[1, 1]], T=1.0] on scores [",
        "weight at masked (row 0, col 0): expected exactly 0, got 1.0");
    assertContains(failureOf(NaNOnEmptyRows.class, "fullyMaskedRowsGiveZeroWeightsAndZeroGradients"),
        "weight at (row 0, col 0) of a fully masked row: expected 0, got NaN");
    assertContains(failureOf(Unnormalized.class, "masksGiveExactZerosAndAllowedKeysSumToOne"),
        "normalizer 'fixture-softmax' [scores 1 x 1, mask Mask[all], T=1.0]", "row 0 sum over its 1 allowed keys: expected 1 ± 1.0E-5, got");
  }

  @Test void temperatureShiftAndBackwardDefectsFail() {
    assertContains(failureOf(IgnoresTemperature.class, "temperatureDividesTheScores"),
        "T=0.25]: normalize(S, T) against normalize(S / T, 1) for S = [");
    assertContains(failureOf(NotShiftInvariant.class, "addingAConstantToARowChangesNothing"),
        ": weights of S + c (c per row = [3.5, -7.0, 10.5]) against weights of S = [");
    assertContains(failureOf(WrongBackward.class, "backwardMatchesCentralDifferences"),
        "mask Mask[all], T=0.7]", ": dScores: expected |analytic − numeric|");
    assertContains(failureOf(SilentShapes.class, "wrongShapesAndTemperaturesAreRefusedNamingTheArgument"),
        "backward(weights, dWeights [2, 4]): expected IllegalArgumentException naming dWeights, got no exception");
    assertContains(failureOf(AcceptsNonFinite.class, "nonFiniteScoresAreRefusedWhereAllowedAndIgnoredWhereMasked"),
        "normalizer 'fixture-softmax' [scores 2 x 4, mask Mask[explicit[2, 4]], T=1.0]: normalize(scores with NaN at "
            + "(row 1, col 1)): expected IllegalArgumentException naming scores, got no exception");
    assertContains(failureOf(LeakingNormalizer.class, "sameSeedGivesIdenticalWeights"),
        "expected every buffer and child allocator closed when the test ends, got 2 buffers");
  }
}
