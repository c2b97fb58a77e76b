package org.attention4j.biosim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run. */
class ReadmeExampleTest {
  @Test void readmeExample() {
    // --- README example starts ---
    DendriteModel neuron = new DendriteModel(DendriteParameters.defaults());
    DendriteResponse alone = neuron.simulate(20, 0, 1000, 200, 0);   // proximal AMPA 20 nS: tonic spikes
    DendriteResponse both = neuron.simulate(20, 40, 1000, 200, 0);   // + distal NMDA 40 nS: bursts
    System.out.printf("%.1f Hz -> %.1f Hz, %d bursts%n", alone.rateHz(), both.rateHz(), both.bursts());

    PromoterModel promoter = PromoterModel.of(10, 10, 20, 0.05, 0.01);    // K_A, K_B (nM), ω, leak, basal
    TruthTable gate = TruthTable.of(promoter::expression, 0.1, 100, 0.5);  // low, high (nM), "on" at ≥ 0.5
    System.out.println(gate.isAnd() + " " + Arrays.toString(gate.bits())); // true [0, 0, 0, 1]
    // --- README example ends ---
    assertEquals(11.25, alone.rateHz(), 1e-9);
    assertEquals(0, alone.bursts());
    assertTrue(both.rateHz() > 40 && both.bursts() == 8, both.rateHz() + " Hz, " + both.bursts() + " bursts");
    assertTrue(gate.isAnd());
    assertArrayEquals(new int[] {0, 0, 0, 1}, gate.bits());
  }
}
