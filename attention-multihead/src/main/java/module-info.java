/**
 * Multi-head attention over any installed scorer: per-head input projections, a per-head scorer
 * found through the registry ({@code scaled-dot}, {@code additive}, …), a normalizer, the attention
 * read, concatenation and an output projection, with an analytic backward pass. Scaled-dot heads
 * load and reproduce {@code torch.nn.MultiheadAttention} state dicts (PyTorch's tensor names);
 * additive heads have no 1/√d scale — their learned readout sets each head's temperature. It exports
 * nothing; applications reach the layer through the registry by its id {@code multihead}.
 *
 * @provides org.attention4j.api.spi.AttentionLayerProvider {@code multihead}
 * @provides org.attention4j.api.spi.ScenarioProvider {@code multihead-specialisation} (claim 3.4)
 */
module org.attention4j.multihead {
  requires org.attention4j.api;
  requires org.attention4j.train;

  provides org.attention4j.api.spi.AttentionLayerProvider
      with org.attention4j.multihead.internal.MultiHeadLayerProvider;
  provides org.attention4j.api.spi.ScenarioProvider
      with org.attention4j.multihead.internal.scenario.SpecialisationScenario;
}
