package org.attention4j.align;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Which local cost C[i][j] compares x_i and y_j: {@code sqeuclidean} (Σ_k (x_ik − y_jk)²),
 * {@code abs} (Σ_k |x_ik − y_jk|), or {@code scorer:ID}, the negated score −s(x_i, y_j) of an
 * installed scorer (an attention score matrix is an alignment matrix), created through the
 * registry with d_q = d_k = d.
 *
 * @param kind the kind of cost
 * @param scorerId the scorer id for {@link Kind#SCORER}, else null
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record CostSpec(Kind kind, String scorerId) {
  /**
   * The kinds of local cost.
   *
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Kind {
    /** Squared Euclidean distance (float64). */
    SQEUCLIDEAN,
    /** Absolute (L1) distance (float64). */
    ABS,
    /** −score of a scorer (float32 scores). */
    SCORER
  }

  /** Squared Euclidean cost, the default. */
  public static final CostSpec SQEUCLIDEAN = new CostSpec(Kind.SQEUCLIDEAN, null);
  /** Absolute (L1) cost. */
  public static final CostSpec ABS = new CostSpec(Kind.ABS, null);

  /** Checks that exactly the scorer kind names a scorer id. */
  public CostSpec {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.SCORER) != (scorerId != null)) {
      throw new IllegalArgumentException("cost: expected a scorer id exactly for kind SCORER, got " + kind + " with "
          + scorerId);
    }
    if (scorerId != null && scorerId.isBlank()) {
      throw new IllegalArgumentException("cost: expected scorer:ID with a scorer id, got 'scorer:'");
    }
  }

  /** The negated score of the scorer {@code id}. */
  public static CostSpec scorer(String id) { return new CostSpec(Kind.SCORER, Objects.requireNonNull(id, "id")); }

  /** Parses {@code sqeuclidean}, {@code abs} or {@code scorer:ID}; errors name the argument {@code cost}. */
  public static CostSpec parse(String text) { return parse(text, "cost"); }

  /**
   * Parses {@code sqeuclidean}, {@code abs} or {@code scorer:ID}; an error is
   * "{@code <argument>: expected sqeuclidean, abs or scorer:ID, got '<text>'}".
   */
  public static CostSpec parse(String text, String argument) {
    if (text != null) {
      if (text.equals("sqeuclidean")) return SQEUCLIDEAN;
      if (text.equals("abs")) return ABS;
      if (text.startsWith("scorer:") && text.length() > "scorer:".length()) return scorer(text.substring("scorer:".length()));
    }
    throw new IllegalArgumentException(argument + ": expected sqeuclidean, abs or scorer:ID, got '" + text + "'");
  }

  /** True for a scorer's negated score. */
  public boolean isScorer() { return kind == Kind.SCORER; }

  /** The text form: {@code sqeuclidean}, {@code abs} or {@code scorer:ID}. */
  @Override public String toString() {
    return switch (kind) {
      case SQEUCLIDEAN -> "sqeuclidean";
      case ABS -> "abs";
      case SCORER -> "scorer:" + scorerId;
    };
  }
}
