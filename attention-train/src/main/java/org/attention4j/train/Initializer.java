package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * Fills a tensor with initial values drawn from a {@link Random}. {@link Random}'s algorithm is
 * specified by the JDK (a 48-bit linear congruential generator, Gaussians by the polar method), so
 * a seed gives the same values on every JDK and platform. Values are drawn in row-major order.
 *
 * <p>Fans follow PyTorch's convention for a weight of shape [out, in, k…]: {@code fan_in = in·Πk},
 * {@code fan_out = out·Πk}; a rank-1 tensor [n] has {@code fan_in = fan_out = n}.
 *
 * <pre>{@code
 * ParameterSet p = Parameters.create(allocator, specs, Initializer.glorotUniform(), 7);
 * Parameters.initialize(p, "b", Initializer.zeros(), 7);
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
@FunctionalInterface
public interface Initializer {
  /**
   * Overwrites every entry of {@code tensor}, drawing from {@code random} in row-major order.
   *
   * @param tensor a dense float32 tensor; its full shape (see {@link DenseMatrices#shape}) gives the fans
   */
  void initialize(FixedSizeListVector tensor, Random random);

  /** All zeros (draws nothing). */
  static Initializer zeros() {
    return (tensor, random) -> Tensors.seg(DenseMatrices.require(tensor, "tensor", -1)).fill((byte) 0);
  }

  /** Normal with the given mean and standard deviation (≥ 0). */
  static Initializer normal(double mean, double std) {
    Tensors.requireIn(mean, "mean", -Double.MAX_VALUE, Double.MAX_VALUE, "a finite number");
    Tensors.requireIn(std, "std", 0, Double.MAX_VALUE, "a finite number >= 0");
    return (tensor, random) -> Tensors.fill(tensor, random, (r, fanIn, fanOut) -> mean + std * r.nextGaussian());
  }

  /** Uniform on [−limit, limit) (limit ≥ 0). */
  static Initializer uniform(double limit) {
    Tensors.requireIn(limit, "limit", 0, Double.MAX_VALUE, "a finite number >= 0");
    return (tensor, random) -> Tensors.fill(tensor, random, (r, fanIn, fanOut) -> (2 * r.nextDouble() - 1) * limit);
  }

  /**
   * Glorot/Xavier uniform: U[−a, a) with {@code a = √(6 / (fan_in + fan_out))}, as the additive
   * scorer initialises its projections.
   */
  static Initializer glorotUniform() {
    return (tensor, random) -> Tensors.fill(tensor, random,
        (r, fanIn, fanOut) -> (2 * r.nextDouble() - 1) * Math.sqrt(6.0 / Math.max(1, fanIn + fanOut)));
  }

  /**
   * Glorot/Xavier normal: N(0, σ²) with {@code σ = √(2 / (fan_in + fan_out))} (not truncated, as in
   * PyTorch's {@code xavier_normal_}).
   */
  static Initializer glorotNormal() {
    return (tensor, random) -> Tensors.fill(tensor, random,
        (r, fanIn, fanOut) -> r.nextGaussian() * Math.sqrt(2.0 / Math.max(1, fanIn + fanOut)));
  }

  /** {@code fan_in} of a tensor of this shape (see the class comment). */
  static long fanIn(int[] shape) { return Tensors.fanIn(shape); }

  /** {@code fan_out} of a tensor of this shape (see the class comment). */
  static long fanOut(int[] shape) { return Tensors.fanOut(shape); }
}
