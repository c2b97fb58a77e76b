package org.attention4j.api.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * Checks the parts of an Arrow IPC file that Arrow Java trusts, before Arrow reads them.
 *
 * <ul>
 *   <li>The footer's schema: flatbuffer offsets are read as signed ints, so fields can list
 *       themselves (or one shared field many times) as children, and Arrow's recursive conversion
 *       then overflows the stack or takes exponential time. The walk here is iterative and bounded.</li>
 *   <li>Each record batch: a lying offset or length makes Arrow's loader read past a buffer or
 *       allocate from a made-up size, and on several of those paths it throws without releasing the
 *       buffer it already holds.</li>
 * </ul>
 *
 * Both read the same flatbuffer fields with the same arithmetic as the generated accessors
 * ({@code Footer}, {@code Schema}, {@code Field}, {@code Message}, {@code RecordBatch}) on a heap
 * copy, where a bad access is merely an exception.
 */
final class IpcChecks {
  /** Real batch metadata is a few hundred bytes. */
  static final int MAX_METADATA = 1 << 20;
  private static final byte RECORD_BATCH = 3;   // MessageHeader.RecordBatch

  /** An accepted batch: its number of rows (one list of the FixedSizeList each). */
  record Batch(int rows) {}

  /** Far beyond the one column and one child a matrix file has. */
  static final int MAX_FIELDS = 10_000, MAX_DEPTH = 64;

  private IpcChecks() {}

  /**
   * Walks the fields of the footer's schema (Footer.schema, Schema.fields, Field.children) and
   * refuses more than {@value #MAX_FIELDS} visits or {@value #MAX_DEPTH} levels. Footer framing
   * errors are left to Arrow, which reports them without allocating.
   */
  static void footerSchema(FileChannel ch, long fileSize, Path file) {
    if (fileSize < 16) return;
    int footerLength = FileIo.read(ch, fileSize - 10, 4, file, "the Arrow footer length").getInt(0);
    if (footerLength <= 0 || footerLength > fileSize - 16) return;
    ByteBuffer bb = FileIo.read(ch, fileSize - 10 - footerLength, footerLength, file, "the Arrow footer");
    try {
      Table footer = new Table(bb, bb.getInt(0));
      int o = footer.offset(6);
      if (o == 0) return;
      Table schema = new Table(bb, footer.indirect(o + footer.pos));
      Deque<int[]> todo = new ArrayDeque<>();   // {table position, depth}
      for (int i = schema.vectorLength(6) - 1; i >= 0; i--) todo.push(new int[] {schema.element(6, i), 1});
      int visits = 0;
      while (!todo.isEmpty()) {
        int[] next = todo.pop();
        if (++visits > MAX_FIELDS || next[1] > MAX_DEPTH) {
          throw FileIo.error(file, "a schema of at most " + MAX_FIELDS + " fields and " + MAX_DEPTH + " levels",
              "more (fields that contain themselves?)");
        }
        Table field = new Table(bb, next[0]);
        for (int i = field.vectorLength(14) - 1; i >= 0; i--) todo.push(new int[] {field.element(14, i), next[1] + 1});
      }
    } catch (IndexOutOfBoundsException e) {
      throw FileIo.error(file, "a well-formed Arrow footer", "offsets outside its " + footerLength + " bytes");
    }
  }

  /**
   * Checks that block {@code index} lies inside the file and that its message is an uncompressed
   * record batch of one non-null FixedSizeList column of {@code listSize} floats, with buffers inside the body.
   */
  static Batch batch(FileChannel ch, long fileSize, ArrowBlock block, int index, int listSize, Path file) {
    String what = "record batch " + index;
    long offset = block.getOffset(), bodyLength = block.getBodyLength();
    int metadataLength = block.getMetadataLength();
    if (offset < 0 || offset > fileSize || metadataLength < 8 || metadataLength > MAX_METADATA || bodyLength < 0
        || metadataLength > fileSize - offset || bodyLength > fileSize - offset - metadataLength) {
      throw FileIo.error(file, what + " inside the file's " + fileSize + " bytes", "offset " + offset + ", metadata "
          + metadataLength + " bytes, body " + bodyLength + " bytes");
    }
    ByteBuffer meta = FileIo.read(ch, offset, metadataLength, file, what);
    // As MessageSerializer: an optional continuation marker (-1), the length, then the flatbuffer.
    int prefix = meta.getInt(0) == -1 ? 8 : 4;
    ByteBuffer bb = meta.position(prefix).slice().order(ByteOrder.LITTLE_ENDIAN);
    long rows, childLength, dataLength;
    try {
      Table message = new Table(bb, bb.getInt(0));
      int o = message.offset(6);
      byte type = o != 0 ? bb.get(o + message.pos) : 0;
      if (type != RECORD_BATCH) throw FileIo.error(file, what + " to be a RecordBatch message", "message type " + type);
      o = message.offset(8);
      if (o == 0) throw FileIo.error(file, what + " to have a RecordBatch header", "none");
      int p = o + message.pos;
      Table batch = new Table(bb, p + bb.getInt(p));
      o = batch.offset(4);
      rows = o != 0 ? bb.getLong(o + batch.pos) : 0L;
      int nodes = batch.vectorLength(6), buffers = batch.vectorLength(8);
      if (nodes != 2 || buffers != 3) {
        throw FileIo.error(file, what + " with 2 field nodes and 3 buffers (FixedSizeList<float32>)",
            nodes + " nodes and " + buffers + " buffers");
      }
      if (batch.offset(10) != 0) throw FileIo.error(file, what + " without compression", "a compressed body");
      if (batch.vectorLength(12) != 0) throw FileIo.error(file, what + " without variadic buffers", "some");
      int nodeStart = batch.vector(6), bufferStart = batch.vector(8);
      long listLength = bb.getLong(nodeStart), listNulls = bb.getLong(nodeStart + 8);
      childLength = bb.getLong(nodeStart + 16);
      long childNulls = bb.getLong(nodeStart + 24);
      if (rows < 0 || rows > Integer.MAX_VALUE || listLength != rows || childLength != rows * listSize
          || childLength > Integer.MAX_VALUE) {   // Arrow refuses int-overflowing nodes only after allocating
        throw FileIo.error(file, what + " of " + rows + " rows x " + listSize + " floats", "field nodes of " + listLength
            + " lists and " + childLength + " floats");
      }
      if (listNulls != 0 || childNulls != 0) {
        throw FileIo.error(file, what + " without nulls", (listNulls + childNulls) + " nulls");
      }
      dataLength = 0;
      for (int j = 0; j < 3; j++) {
        long bufOffset = bb.getLong(bufferStart + j * 16), bufLength = bb.getLong(bufferStart + j * 16 + 8);
        if (bufOffset < 0 || bufLength < 0 || bufOffset > bodyLength || bufLength > bodyLength - bufOffset) {
          throw FileIo.error(file, what + " buffers inside its " + bodyLength + "-byte body", "buffer " + j + " at ["
              + bufOffset + ", +" + bufLength + "]");
        }
        if (j == 2) dataLength = bufLength;
      }
    } catch (IndexOutOfBoundsException e) {
      throw FileIo.error(file, what + " with well-formed metadata",
          "offsets outside its " + (metadataLength - prefix) + " bytes");
    }
    if (dataLength < childLength * Float.BYTES) {
      throw FileIo.error(file, (childLength * Float.BYTES) + " bytes of floats in " + what, dataLength + "");
    }
    return new Batch((int) rows);
  }

  /**
   * A flatbuffer table, read exactly as {@code com.google.flatbuffers.Table} does (same int
   * arithmetic, so it fails wherever the generated code would).
   */
  private static final class Table {
    final ByteBuffer bb;
    final int pos, vtableStart, vtableSize;

    Table(ByteBuffer bb, int pos) {
      this.bb = bb;
      this.pos = pos;
      this.vtableStart = pos - bb.getInt(pos);
      this.vtableSize = bb.getShort(vtableStart);
    }

    /** __offset: the field's offset from the table, or 0 when absent. */
    int offset(int vtableOffset) {
      return vtableOffset < vtableSize ? bb.getShort(vtableStart + vtableOffset) : 0;
    }

    /** __vector_len of an optional vector field (0 when absent). */
    int vectorLength(int vtableOffset) {
      int o = offset(vtableOffset);
      if (o == 0) return 0;
      int p = o + pos;
      p += bb.getInt(p);
      return bb.getInt(p);
    }

    /** __vector: where the vector's elements start. */
    int vector(int vtableOffset) {
      int p = offset(vtableOffset) + pos;
      return p + bb.getInt(p) + 4;
    }

    /** __indirect: the position an offset stored at {@code p} points to. */
    int indirect(int p) { return p + bb.getInt(p); }

    /** Element {@code j} of a vector of tables: __indirect(__vector(o) + j * 4). */
    int element(int vtableOffset, int j) { return indirect(vector(vtableOffset) + j * 4); }
  }
}
