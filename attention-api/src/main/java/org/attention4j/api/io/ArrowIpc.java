package org.attention4j.api.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.attention4j.api.DenseMatrices;

/**
 * Arrow IPC files: one column {@code data} of {@code FixedSizeList<float32 not null>[cols]}, one row
 * per matrix row, with the full shape as JSON in the field metadata {@value DenseMatrices#SHAPE_KEY}
 * (always written; when absent on read the data is 2-D). Several record batches are concatenated.
 *
 * <p>The footer and schema are parsed by {@link ArrowFileReader} on the heap, after {@link IpcChecks}
 * has bounded the schema's nesting; each record batch is checked by {@link IpcChecks} before Arrow
 * loads it, inside a child allocator capped by the file size, and copied into the result.
 */
final class ArrowIpc {
  private static final byte[] MAGIC = {'A', 'R', 'R', 'O', 'W', '1'};
  private static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

  private ArrowIpc() {}

  /** Exposes the footer's schema, which ArrowFileReader parses without allocating Arrow memory. */
  private static final class Reader extends ArrowFileReader {
    Reader(FileChannel in, BufferAllocator allocator) { super(in, allocator); }

    Schema schema() throws IOException { return readSchema(); }
  }

  private interface ArrowCall<T> {
    T call() throws IOException;
  }

  /** Runs a step of Arrow's parser; whatever it throws on a malformed file becomes one clear error. */
  private static <T> T arrow(Path file, ArrowCall<T> step) {
    try {
      return step.call();
    } catch (IOException | RuntimeException e) {
      String why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + FileIo.preview(e.getMessage(), 120));
      throw FileIo.error(file, "a well-formed Arrow IPC file", why);
    }
  }

  static FixedSizeListVector read(Path file, BufferAllocator allocator) {
    try (FileChannel ch = FileIo.openRead(file)) {
      long size = FileIo.size(ch, file);
      ByteBuffer start = FileIo.read(ch, 0, (int) Math.min(MAGIC.length, size), file, "the Arrow magic");
      if (size < MAGIC.length || !Arrays.equals(Arrays.copyOf(start.array(), MAGIC.length), MAGIC)) {
        throw FileIo.error(file, "an Arrow IPC file starting with ARROW1", size < MAGIC.length ? size + " bytes" : "other bytes");
      }
      String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
      try (BufferAllocator scratch = allocator.newChildAllocator("read " + name, 0, 2 * size + (1 << 20));
           Reader reader = new Reader(ch, scratch)) {
        IpcChecks.footerSchema(ch, size, file);
        Field column = checkSchema(file, arrow(file, reader::schema));
        int cols = ((ArrowType.FixedSizeList) column.getType()).getListSize();
        List<ArrowBlock> blocks = arrow(file, reader::getRecordBlocks);
        int[] batchRows = new int[blocks.size()];
        long rows = 0;
        for (int i = 0; i < batchRows.length; i++) {
          batchRows[i] = IpcChecks.batch(ch, size, blocks.get(i), i, cols, file).rows();
          rows += batchRows[i];
          if (rows > Integer.MAX_VALUE) throw FileIo.error(file, "at most " + Integer.MAX_VALUE + " rows", "more");
        }
        int[] shape = shape(file, column, (int) rows, cols);
        FileIo.checkDenseShape(file, shape, size);
        FixedSizeListVector out = DenseMatrices.allocateShaped(allocator, name, shape);
        try {
          ArrowBuf dst = ((Float4Vector) out.getDataVector()).getDataBuffer();
          long at = 0;
          for (int i = 0; i < batchRows.length; i++) {
            ArrowBlock block = blocks.get(i);
            arrow(file, () -> reader.loadRecordBatch(block));
            FixedSizeListVector v = (FixedSizeListVector) reader.getVectorSchemaRoot().getVector(0);
            ArrowBuf data = ((Float4Vector) v.getDataVector()).getDataBuffer();
            long bytes = (long) batchRows[i] * cols * Float.BYTES;
            if (v.getValueCount() != batchRows[i] || data.capacity() < bytes) {   // IpcChecks makes this impossible
              throw FileIo.error(file, "record batch " + i + " of " + batchRows[i] + " rows", v.getValueCount() + " loaded");
            }
            dst.setBytes(at, data, 0, bytes);   // bounds-checked copy between Arrow buffers
            at += bytes;
          }
          return out;
        } catch (RuntimeException | Error e) {
          out.close();
          throw e;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code matrix} as one record batch, with its full shape in the field metadata. */
  static void write(Path file, FixedSizeListVector matrix) {
    int[] shape = MatrixFiles.checkedShape("matrix", matrix);
    int cols = DenseMatrices.cols(matrix);
    if (cols == 0) throw FileIo.error(file, "at least one column for .arrow", "shape " + Arrays.toString(shape));
    Field item = new Field("item", FieldType.notNullable(FLOAT32), null);
    Field data = new Field("data", new FieldType(false, new ArrowType.FixedSizeList(cols), null,
        Map.of(DenseMatrices.SHAPE_KEY, DenseMatrices.shapeJson(shape))), List.of(item));
    try (VectorSchemaRoot target = VectorSchemaRoot.create(new Schema(List.of(data)), matrix.getAllocator())) {
      // Share the matrix's buffers with the target (reference counted, no copy); the view is not closed
      // because it does not own the matrix.
      VectorSchemaRoot view = new VectorSchemaRoot(List.of(matrix));
      try (ArrowRecordBatch batch = new VectorUnloader(view).getRecordBatch()) {
        new VectorLoader(target).load(batch);
      }
      try (FileChannel ch = FileIo.openWrite(file);
           ArrowFileWriter writer = new ArrowFileWriter(target, new DictionaryProvider.MapDictionaryProvider(), ch)) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  private static Field checkSchema(Path file, Schema schema) {
    List<Field> fields = schema.getFields();
    if (fields.size() == 1) {
      Field f = fields.get(0);
      if ("data".equals(f.getName()) && f.getDictionary() == null && f.getType() instanceof ArrowType.FixedSizeList l
          && l.getListSize() >= 1 && f.getChildren().size() == 1) {
        Field c = f.getChildren().get(0);
        if (c.getDictionary() == null && c.getChildren().isEmpty() && FLOAT32.equals(c.getType())) return f;
      }
    }
    throw FileIo.error(file, "one column 'data' of FixedSizeList<float32>[cols >= 1]", FileIo.preview(fields.toString(), 160));
  }

  /** The shape from the metadata, checked against the data; [rows, cols] when absent; 1-D as [n, 1]. */
  private static int[] shape(Path file, Field column, int rows, int cols) {
    Map<String, String> md = column.getMetadata();
    String json = md == null ? null : md.get(DenseMatrices.SHAPE_KEY);
    if (json == null) return new int[] {rows, cols};
    String expected = DenseMatrices.SHAPE_KEY + " as a JSON list of dimensions matching " + rows + " rows x " + cols + " columns";
    JsonNode node;
    try {
      node = FileIo.JSON.readTree(json);
    } catch (IOException e) {
      throw FileIo.error(file, expected, "'" + FileIo.preview(json, 80) + "'");
    }
    if (node == null || !node.isArray() || node.isEmpty() || node.size() > FileIo.MAX_RANK) {
      throw FileIo.error(file, expected, "'" + FileIo.preview(json, 80) + "'");
    }
    int[] shape = new int[node.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = node.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0 || d.longValue() > Integer.MAX_VALUE) {
        throw FileIo.error(file, expected, "'" + FileIo.preview(json, 80) + "'");
      }
      shape[i] = d.intValue();
    }
    boolean lastMatches = shape.length == 1 ? cols == 1 : shape[shape.length - 1] == cols;
    if (!lastMatches || FileIo.elementCount(shape) != (long) rows * cols) {
      throw FileIo.error(file, expected, "'" + FileIo.preview(json, 80) + "'");
    }
    return shape.length == 1 ? new int[] {shape[0], 1} : shape;
  }
}
