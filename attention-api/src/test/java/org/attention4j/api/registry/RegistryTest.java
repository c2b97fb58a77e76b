package org.attention4j.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.attention4j.api.spi.NormalizerProvider;
import org.junit.jupiter.api.Test;

/** Discovery of the api's own providers on the module path (Surefire runs this test inside the module). */
class RegistryTest {
  @Test void findsBuiltInsOnTheModulePath() {
    Registry r = Registry.load(List.of());
    assertEquals("scalar", r.kernels().id());
    NormalizerProvider softmax = r.require(NormalizerProvider.class, "softmax");
    ProviderDescriptor d = r.descriptorOf(softmax).orElseThrow();
    assertEquals("org.attention4j.api", d.module());
    assertEquals("module-path", d.origin());
    assertEquals(ProviderDescriptor.Status.ACTIVE, d.status());
    assertTrue(d.version().startsWith("0.1"), d.version());
  }
}
