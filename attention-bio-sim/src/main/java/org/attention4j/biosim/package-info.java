/**
 * The biological models of SEED-DIGEST §4: {@link org.attention4j.biosim.DendriteModel} (a
 * two-compartment pyramidal neuron with NMDA synapses, a dendritic Ca²⁺ spike and bAPs),
 * {@link org.attention4j.biosim.PromoterModel} (a thermodynamic two-activator promoter) with its
 * {@link org.attention4j.biosim.HillProduct} approximation and {@link org.attention4j.biosim.TruthTable},
 * and {@link org.attention4j.biosim.SurfaceFit} (multiplicative against additive separable fits).
 *
 * @since 0.1
 */
package org.attention4j.biosim;
