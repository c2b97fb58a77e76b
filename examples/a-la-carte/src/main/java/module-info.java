/**
 * Attention4J à la carte: requires only the api. The scorers come from attention-bilinear on the
 * module path, bound as services when the boot layer is resolved; no Attention4J module but these
 * two is present.
 */
module org.example.alacarte {
  requires org.attention4j.api;
  requires org.apache.arrow.memory.unsafe;     // the default allocation manager must be in the layer
}
