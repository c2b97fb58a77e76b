/**
 * Retrieval, the user API of {@code org.attention4j.retrieval}: {@link org.attention4j.retrieval.KeyValueMemory}
 * holds keys [n, d] (and optionally values [n, d_v]) off the heap; {@link org.attention4j.retrieval.ExactSearch}
 * finds the exact top-k by {@link org.attention4j.retrieval.Metric}; {@link org.attention4j.retrieval.SoftLookup}
 * is the attention read over the whole memory with any installed scorer.
 *
 * <p>Conventions (docs/CLI.md, {@code retrieve}): ids are row indices, best first — inner product and
 * cosine by descending score, L2 by ascending distance — and ties go to the lower id. Scores are
 * float64 from the float32 inputs.
 *
 * @since 0.1
 */
package org.attention4j.retrieval;
