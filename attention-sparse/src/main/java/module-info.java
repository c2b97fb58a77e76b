/**
 * Sparse normalizers: {@code sparsemax} (Martins &amp; Astudillo 2016) and {@code entmax15}
 * (α = 1.5, Peters, Niculae &amp; Martins 2019), exact and sort-based, row-wise over the allowed keys,
 * with temperature and an analytic backward pass (VJP). Unlike softmax they give exact zeros to
 * low-scoring keys. It exports nothing; applications reach the normalizers through the registry by
 * their ids.
 *
 * @provides org.attention4j.api.spi.NormalizerProvider {@code sparsemax} and {@code entmax15}
 */
module org.attention4j.sparse {
  requires org.attention4j.api;

  provides org.attention4j.api.spi.NormalizerProvider with
      org.attention4j.sparse.internal.SparsemaxNormalizerProvider,
      org.attention4j.sparse.internal.Entmax15NormalizerProvider;
}
