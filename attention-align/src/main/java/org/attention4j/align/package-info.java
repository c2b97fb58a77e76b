/**
 * Sequence alignment, the user API of {@code org.attention4j.align}: {@link org.attention4j.align.Aligner}
 * aligns two series (DTW distance and path, soft-DTW value, gradient and divergence, the energy
 * landscape over global shifts); {@link org.attention4j.align.Dtw} and
 * {@link org.attention4j.align.SoftDtw} work on a given cost matrix.
 *
 * <p>Conventions (docs/CLI.md, {@code align}): a series is a matrix [n, d] (one time step per row);
 * local costs and every sum are float64, computed from the float32 inputs; the DTW distance is the
 * sum of local costs along the optimal path, without a square root; path ties prefer the diagonal,
 * then (i−1, j), then (i, j−1); a Sakoe–Chiba band keeps |i − j·n/m| ≤ W; shifts follow
 * y[t] = x[t − τ] (τ &gt; 0: y lags x).
 *
 * @since 0.1
 */
package org.attention4j.align;
