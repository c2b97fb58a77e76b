/**
 * Attention4J's architecture as ArchUnit rules, shipped as a library: {@code AttentionArchRules} holds
 * the dependency rules of ARCHITECTURE §4 that every Attention4J module keeps (they run in
 * attention-it on the built jars); {@code PluginArchRules} holds parameterised rules that plugin
 * authors and integrators run on their own code.
 *
 * <p>ArchUnit has no module descriptor: {@code com.tngtech.archunit} is an automatic module (see the
 * README). It is required transitively because {@code ArchRule} appears in every public signature.
 */
module org.attention4j.archunit {
  requires transitive com.tngtech.archunit;
  requires static org.apiguardian.api;

  exports org.attention4j.archunit;
}
