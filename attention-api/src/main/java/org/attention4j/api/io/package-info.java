/**
 * Readers and writers for the files Attention4J takes and produces: numpy {@code .npy}, CSV, Arrow
 * IPC files and safetensors. {@link org.attention4j.api.io.MatrixFiles} picks the format from the
 * extension ({@link org.attention4j.api.io.FileFormat}); {@link org.attention4j.api.io.Csv} adds
 * tables with a header and {@link org.attention4j.api.io.Safetensors} named tensors with metadata.
 *
 * <ul>
 *   <li><b>.npy</b> (versions 1.0, 2.0, 3.0 read; 1.0 written), C order, little-endian. Data:
 *       float32, or float64 converted to float32. Masks: bool, uint8, int32, int64 (non-zero = may
 *       attend). Integers: int32 or int64, written as int64. A 1-D array is read as [n, 1].</li>
 *   <li><b>CSV</b>: the first line is a header iff one of its fields is neither a number nor
 *       true/false; masks accept 0/1/true/false; rows must all have the first line's field count.
 *       Matrices are written without a header, floats with 9 significant digits.</li>
 *   <li><b>Arrow IPC file</b>: one column {@code data} of {@code FixedSizeList<float32>[cols]}, field
 *       metadata {@code attention4j.shape} with the full shape (always written; absent = 2-D).
 *       Record batches are concatenated. Float data only.</li>
 *   <li><b>safetensors</b>: F32 (F64 converted) tensors as parameters, I32/I64 as integer tensors;
 *       written as F32 and I64.</li>
 * </ul>
 *
 * <p><b>Errors.</b> A malformed or unsupported file gives one {@link java.lang.IllegalArgumentException}
 * "{@code <file>: expected <what>, got <actual>}". Sizes in headers are checked against the file
 * size before anything is allocated, and no Arrow buffer outlives a failed read.
 *
 * <p><b>Non-finite values</b> (NaN, ±infinity) are read and written as they are: the readers do not
 * refuse them; the {@code Attention} and {@code Scorer} facades do, naming the first position.
 *
 * <p><b>Memory.</b> Every Arrow buffer comes from the caller's {@link org.apache.arrow.memory.BufferAllocator};
 * the caller owns and closes what a reader returns. Writers never close their inputs.
 *
 * @since 0.1
 */
package org.attention4j.api.io;
