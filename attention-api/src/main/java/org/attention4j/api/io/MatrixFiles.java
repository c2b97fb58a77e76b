package org.attention4j.api.io;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;

/**
 * Reads and writes matrices, masks, integer tensors and parameters; the format follows the file
 * extension ({@link FileFormat}): {@code .npy}, {@code .csv}, {@code .arrow}, {@code .safetensors}.
 *
 * <p>Every problem with a file's name, extension or content — truncated, wrong magic, a header that
 * lies about sizes or offsets, an unsupported dtype, Fortran order, absurd dimensions — is one
 * {@link IllegalArgumentException} "{@code <file>: expected <what>, got <actual>}", thrown before
 * anything large is allocated and after every Arrow buffer is released. Genuine I/O failures are
 * {@link java.io.UncheckedIOException}s. Non-finite values are read as they are; the
 * {@code Attention} and {@code Scorer} facades refuse them.
 *
 * <p>Matrices come from and go to Arrow vectors of the caller's allocator; the caller owns and
 * closes what a reader returns, and writers never close their input.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class MatrixFiles {
  private MatrixFiles() {}

  /**
   * Reads float data (.npy float32 or float64, CSV, Arrow IPC) as a dense float32 matrix allocated
   * from {@code allocator}. A 1-D array is read as [n, 1]; rank &gt; 2 keeps its full shape
   * ({@link DenseMatrices#shape}). The vector is named after the file.
   */
  public static FixedSizeListVector readMatrix(Path file, BufferAllocator allocator) {
    return switch (FileFormat.of(file)) {
      case NPY -> Npy.readMatrix(file, allocator);
      case CSV -> Csv.readMatrix(file, allocator);
      case ARROW -> ArrowIpc.read(file, allocator);
      case SAFETENSORS -> throw FileIo.error(file, "a matrix in .npy, .csv or .arrow",
          ".safetensors (named tensors: use readParameters)");
    };
  }

  /**
   * Writes {@code matrix} as float32: .npy with its full shape, CSV without a header (rank &lt;= 2,
   * 9 significant digits), or Arrow IPC with the shape in the field metadata.
   */
  public static void writeMatrix(Path file, FixedSizeListVector matrix) {
    switch (FileFormat.of(file)) {
      case NPY -> Npy.writeMatrix(file, matrix);
      case CSV -> Csv.writeMatrix(file, matrix);
      case ARROW -> ArrowIpc.write(file, matrix);
      case SAFETENSORS -> throw FileIo.error(file, "a matrix file .npy, .csv or .arrow",
          ".safetensors (named tensors: use writeParameters)");
    }
  }

  /**
   * Reads a mask, {@code true} = may attend: .npy of bool, uint8, int32 or int64 (non-zero = true)
   * or CSV of 0/1/true/false. A 1-D array is read as [n, 1].
   */
  public static MaskData readMask(Path file) {
    return switch (FileFormat.of(file)) {
      case NPY -> Npy.readMask(file);
      case CSV -> Csv.readMask(file);
      case ARROW, SAFETENSORS -> throw FileIo.error(file, "a mask in .npy or .csv", FileFormat.of(file).extension());
    };
  }

  /**
   * Reads integers (ids, labels, paths, edge lists): .npy of int32 or int64, or CSV (a header is
   * optional). A 1-D array is read as [n, 1].
   */
  public static LongTensor readIntegers(Path file) {
    return switch (FileFormat.of(file)) {
      case NPY -> Npy.readIntegers(file);
      case CSV -> Csv.readIntegers(file);
      case ARROW -> throw FileIo.error(file, "integers in .npy or .csv", ".arrow (Arrow files hold float data only)");
      case SAFETENSORS -> throw FileIo.error(file, "integers in .npy or .csv",
          ".safetensors (named tensors: use Safetensors.read)");
    };
  }

  /** Writes integers as .npy int64 or as CSV without a header (rank &lt;= 2). */
  public static void writeIntegers(Path file, LongTensor tensor) {
    switch (FileFormat.of(file)) {
      case NPY -> Npy.writeIntegers(file, tensor);
      case CSV -> Csv.writeIntegers(file, tensor);
      case ARROW -> throw FileIo.error(file, "integers to .npy or .csv", ".arrow (Arrow files hold float data only)");
      case SAFETENSORS -> throw FileIo.error(file, "integers to .npy or .csv",
          ".safetensors (named tensors: use Safetensors.write)");
    }
  }

  /** Writes {@code values} of the given shape (row-major) as integers; see {@link #writeIntegers(Path, LongTensor)}. */
  public static void writeIntegers(Path file, long[] values, int... shape) {
    writeIntegers(file, new LongTensor(shape, values));
  }

  /**
   * Reads the float tensors of a .safetensors file (F32, or F64 converted) allocated from
   * {@code allocator}; an integer tensor in it is an error. See {@link Safetensors#read} for files
   * that hold both.
   */
  public static ParameterSet readParameters(Path file, BufferAllocator allocator) {
    if (FileFormat.of(file) != FileFormat.SAFETENSORS) {
      throw FileIo.error(file, "parameters in .safetensors", FileFormat.of(file).extension());
    }
    return Safetensors.readParameters(file, allocator);
  }

  /** Writes {@code parameters} to a .safetensors file as F32, each with its full shape. */
  public static void writeParameters(Path file, ParameterSet parameters) {
    if (FileFormat.of(file) != FileFormat.SAFETENSORS) {
      throw FileIo.error(file, "parameters to .safetensors", FileFormat.of(file).extension());
    }
    Safetensors.writeParameters(file, parameters);
  }

  /**
   * Checks that {@code matrix} is dense float32 and that its shape matches its rows and columns;
   * returns the full shape.
   */
  static int[] checkedShape(String argument, FixedSizeListVector matrix) {
    DenseMatrices.require(matrix, argument, -1);
    int[] shape = DenseMatrices.shape(matrix);
    long elements = (long) DenseMatrices.rows(matrix) * DenseMatrices.cols(matrix);
    if (shape.length == 0 || FileIo.elementCount(shape) != elements) {
      throw new IllegalArgumentException(argument + ": expected a shape of " + elements + " elements (= "
          + DenseMatrices.rows(matrix) + " x " + DenseMatrices.cols(matrix) + "), got " + Arrays.toString(shape));
    }
    return shape;
  }
}
