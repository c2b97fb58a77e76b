package org.attention4j.api.io;

import static org.attention4j.api.io.IoTestSupport.assertRefused;
import static org.attention4j.api.io.IoTestSupport.bytes;
import static org.attention4j.api.io.IoTestSupport.floats;
import static org.attention4j.api.io.IoTestSupport.prefix;
import static org.attention4j.api.io.IoTestSupport.readOrRefuse;
import static org.attention4j.api.io.IoTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.attention4j.api.DenseMatrices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arrow IPC files: shape metadata, several batches, foreign schemas, and malformed files without leaks. */
class ArrowIpcTest {
  private BufferAllocator allocator;
  @TempDir Path dir;

  @BeforeEach void open() { allocator = new RootAllocator(); }

  @AfterEach void close() { allocator.close(); }   // throws on any outstanding buffer, also after refused files

  private static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

  /** Writes {@code batches} (each rows x cols, row-major) as one Arrow file with the given column metadata. */
  static void writeBatches(Path file, BufferAllocator allocator, String name, ArrowType itemType, int cols,
      Map<String, String> metadata, float[]... batches) {
    Field item = new Field("item", FieldType.notNullable(itemType), null);
    Field data = new Field(name, new FieldType(false, new ArrowType.FixedSizeList(cols), null, metadata), List.of(item));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(data)), allocator);
         FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
         ArrowFileWriter w = new ArrowFileWriter(root, new DictionaryProvider.MapDictionaryProvider(), ch)) {
      w.start();
      for (float[] batch : batches) {
        int rows = batch.length / cols;
        FixedSizeListVector v = (FixedSizeListVector) root.getVector(0);
        v.setInitialCapacity(rows);
        v.allocateNew();
        FieldVector child = v.getDataVector();
        for (int i = 0; i < rows; i++) v.setNotNull(i);
        for (int i = 0; i < batch.length; i++) {
          if (child instanceof Float4Vector f) f.setSafe(i, batch[i]);
          else ((org.apache.arrow.vector.Float8Vector) child).setSafe(i, batch[i]);
        }
        child.setValueCount(batch.length);
        root.setRowCount(rows);
        w.writeBatch();
      }
      w.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void assertMatrix(Path file, int[] shape, float[] expected) {
    try (FixedSizeListVector v = MatrixFiles.readMatrix(file, allocator)) {
      assertArrayEquals(shape, DenseMatrices.shape(v));
      assertArrayEquals(expected, DenseMatrices.toArray(v));
    }
  }

  /** The schema as stored: column name, list size, metadata. */
  private Field storedField(Path file) {
    try (FileChannel ch = FileChannel.open(file); ArrowFileReader r = new ArrowFileReader(ch, allocator)) {
      return r.getVectorSchemaRoot().getSchema().getFields().get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test void roundTripsAMatrixAndAlwaysWritesTheShape() {
    Path f = dir.resolve("m.arrow");
    try (FixedSizeListVector v = DenseMatrices.of(allocator, "whatever", 3, 4, floats(12))) {
      MatrixFiles.writeMatrix(f, v);
      assertEquals(3, DenseMatrices.rows(v));   // the input is still open and intact
    }
    Field stored = storedField(f);
    assertEquals("data", stored.getName());
    assertEquals(new ArrowType.FixedSizeList(4), stored.getType());
    assertEquals(FLOAT32, stored.getChildren().get(0).getType());
    assertEquals(Map.of(DenseMatrices.SHAPE_KEY, "[3,4]"), stored.getMetadata());
    assertMatrix(f, new int[] {3, 4}, floats(12));
  }

  @Test void rankThreeAndRankOneUseTheShapeMetadata() {
    Path f = dir.resolve("t.arrow");
    try (FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, "t", 2, 3, 4)) {
      DenseMatrices.segment(v).copyFrom(java.lang.foreign.MemorySegment.ofArray(floats(24)));
      MatrixFiles.writeMatrix(f, v);
    }
    assertEquals("[2,3,4]", storedField(f).getMetadata().get(DenseMatrices.SHAPE_KEY));
    assertMatrix(f, new int[] {2, 3, 4}, floats(24));
    try (FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, "v", 5)) {
      MatrixFiles.writeMatrix(f, v);
    }
    assertEquals("[5]", storedField(f).getMetadata().get(DenseMatrices.SHAPE_KEY));
    assertMatrix(f, new int[] {5, 1}, new float[5]);
  }

  @Test void withoutShapeMetadataTheDataIsTwoDimensional() {
    Path f = dir.resolve("plain.arrow");
    writeBatches(f, allocator, "data", FLOAT32, 3, null, floats(6));
    assertMatrix(f, new int[] {2, 3}, floats(6));
  }

  @Test void concatenatesRecordBatches() {
    Path f = dir.resolve("batches.arrow");
    float[] all = floats(30);
    writeBatches(f, allocator, "data", FLOAT32, 3, Map.of(DenseMatrices.SHAPE_KEY, "[2,5,3]"),
        java.util.Arrays.copyOfRange(all, 0, 9), new float[0], java.util.Arrays.copyOfRange(all, 9, 12),
        java.util.Arrays.copyOfRange(all, 12, 30));
    assertMatrix(f, new int[] {2, 5, 3}, all);
  }

  @Test void emptyMatricesRoundTrip() {
    Path f = dir.resolve("e.arrow");
    try (FixedSizeListVector v = DenseMatrices.allocate(allocator, "e", 0, 7)) {
      MatrixFiles.writeMatrix(f, v);
    }
    assertMatrix(f, new int[] {0, 7}, new float[0]);
    try (FixedSizeListVector v = DenseMatrices.allocate(allocator, "z", 2, 0)) {
      assertRefused(f, () -> MatrixFiles.writeMatrix(f, v));
    }
  }

  @Test void refusesForeignSchemasNamingThem() {
    Path f = dir.resolve("f.arrow");
    writeBatches(f, allocator, "data", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), 2, null, floats(4));
    String m = assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator));
    assertTrue(m.startsWith(f + ": expected one column 'data' of FixedSizeList<float32>[cols >= 1], got "), m);
    assertTrue(m.contains("DOUBLE"), m);
    writeBatches(f, allocator, "features", FLOAT32, 2, null, floats(4));
    assertTrue(assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)).contains("features"));
    Field ids = new Field("data", FieldType.notNullable(new ArrowType.Int(64, true)), null);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(ids)), allocator);
         FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
         ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
      ((BigIntVector) root.getVector(0)).allocateNew(1);
      ((BigIntVector) root.getVector(0)).set(0, 7);
      root.setRowCount(1);
      w.start();
      w.writeBatch();
      w.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator)).contains("Int(64, true)"));
  }

  @Test void refusesShapeMetadataThatDisagreesWithTheData() {
    Path f = dir.resolve("s.arrow");
    for (String shape : List.of("[2,4]", "[3,2]", "[6]", "[]", "[2,-3]", "[2.5,2]", "{\"a\":1}", "[2,3", "[1,2,3,1]", "[2147483648,3]")) {
      writeBatches(f, allocator, "data", FLOAT32, 3, Map.of(DenseMatrices.SHAPE_KEY, shape), floats(6));
      String m = assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator));
      assertTrue(m.contains("attention4j.shape as a JSON list of dimensions matching 2 rows x 3 columns"), m);
    }
    writeBatches(f, allocator, "data", FLOAT32, 3, Map.of(DenseMatrices.SHAPE_KEY, "[1,2,3]"), floats(6));
    assertMatrix(f, new int[] {1, 2, 3}, floats(6));
  }

  @Test void integerDataCannotGoToArrow() {
    Path f = dir.resolve("ids.arrow");
    assertEquals(f + ": expected integers to .npy or .csv, got .arrow (Arrow files hold float data only)",
        assertRefused(f, () -> MatrixFiles.writeIntegers(f, new long[] {1, 2}, 2)));
    assertRefused(f, () -> MatrixFiles.readIntegers(f));
    assertRefused(f, () -> MatrixFiles.readMask(f));
  }

  @Test void truncationAtEveryLengthIsRefusedWithoutLeaks() {
    Path whole = dir.resolve("w.arrow");
    writeBatches(whole, allocator, "data", FLOAT32, 3, Map.of(DenseMatrices.SHAPE_KEY, "[2,2,3]"),
        floats(6), floats(6));
    byte[] b = bytes(whole);
    for (int n = 0; n < b.length; n++) {
      Path f = IoTestSupport.fresh(dir, "cut.arrow");
      write(f, prefix(b, n));
      assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator));
      IoTestSupport.deleteFresh();
    }
  }

  /**
   * Flatbuffer offsets are read as signed ints, so a footer can make a field its own child; Arrow's
   * schema conversion would recurse without end (a stack overflow). The schema walk refuses it first.
   */
  @Test void aSchemaThatContainsItselfIsRefused() {
    Path f = dir.resolve("cyclic.arrow");
    writeBatches(f, allocator, "data", FLOAT32, 2, null, floats(2));
    byte[] b = bytes(f);
    ByteBuffer all = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int footerLength = all.getInt(b.length - 10);
    ByteBuffer footer = ByteBuffer.wrap(b, b.length - 10 - footerLength, footerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
    int root = footer.getInt(0);
    int schema = table(footer, root, 6);                       // Footer.schema
    int fields = vector(footer, schema, 6);                    // Schema.fields
    int data = fields + footer.getInt(fields);                 // fields[0]
    int children = vector(footer, data, 14);                   // Field.children
    footer.putInt(children, data - children);                  // children[0] = the field itself
    write(f, b);
    String m = assertRefused(f, () -> MatrixFiles.readMatrix(f, allocator));
    assertEquals(f + ": expected a schema of at most 10000 fields and 64 levels, got more (fields that contain themselves?)", m);
  }

  /** The table that field {@code slot} (a vtable offset) of the table at {@code pos} points to. */
  private static int table(ByteBuffer bb, int pos, int slot) {
    int field = pos + bb.getShort(pos - bb.getInt(pos) + slot);
    return field + bb.getInt(field);
  }

  /** Where the elements of vector field {@code slot} of the table at {@code pos} start. */
  private static int vector(ByteBuffer bb, int pos, int slot) { return table(bb, pos, slot) + 4; }

  /** One bit flipped in every byte (which bit varies); the property tests add random flips and lies. */
  @Test void aBitFlipInAnyByteReadsOrIsRefusedWithoutLeaks() {
    Path whole = dir.resolve("w.arrow");
    writeBatches(whole, allocator, "data", FLOAT32, 2, Map.of(DenseMatrices.SHAPE_KEY, "[2,2]"), floats(2), floats(2));
    byte[] b = bytes(whole);
    int refused = 0;
    for (int i = 0; i < b.length; i++) {
      Path f = IoTestSupport.fresh(dir, "flip.arrow");
      byte[] c = b.clone();
      c[i] ^= (byte) (1 << (i * 5 % 8));
      write(f, c);
      if (!readOrRefuse(f, () -> MatrixFiles.readMatrix(f, allocator))) refused++;
      IoTestSupport.deleteFresh();
    }
    assertTrue(refused > 100, "flips in the metadata break the file: " + refused);
  }
}
