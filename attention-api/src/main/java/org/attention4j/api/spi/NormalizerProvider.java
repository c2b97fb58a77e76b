package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Creates {@link Normalizer}s ({@code softmax}, {@code sparsemax}, {@code entmax15}, …).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface NormalizerProvider extends Provider {
  Normalizer create(ProviderConfig config);
}
