package org.attention4j.simd.internal;

import jdk.incubator.vector.FloatVector;

/**
 * What a width-specialised {@link VectorKernels} offers beyond {@link org.attention4j.api.spi.Kernels}:
 * its width and its vector building blocks (for {@link PanamaKernels} and the tests). A hidden
 * class cannot be named, so its copies are reached through interfaces.
 */
interface VectorMath {
  /** The vector width in bits. */
  int vectorBits();

  /** e^x lane by lane, as {@link FloatMath#exp} does for one float. */
  FloatVector exp(FloatVector x);

  /** tanh x lane by lane, as {@link FloatMath#tanh} does for one float. */
  FloatVector tanh(FloatVector x);

  /** The additive kernels' fast tanh lane by lane, as {@link FloatMath#tanhFast} does for one float. */
  FloatVector tanhFast(FloatVector x);

  /** The sum of the lanes by a fixed pairwise tree. */
  float sumLanes(FloatVector v);
}
