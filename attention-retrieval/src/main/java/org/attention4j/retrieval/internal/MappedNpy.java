package org.attention4j.retrieval.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the data of a {@code .npy} file of little-endian float32 in C order, 1-D or 2-D, without
 * copying it: the kernels read the page cache directly, so a 512 MB key file costs no heap and no
 * second copy. Any other layout (float64, Fortran order, rank &gt; 2, a damaged header) is left to
 * the api's reader ({@link #tryMap} returns empty), which converts or explains the problem.
 */
public final class MappedNpy {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /** A mapping: the data segment (rows·cols·4 bytes), its shape and the arena that unmaps it. */
  public record Mapping(MemorySegment data, int rows, int cols, Arena arena) {}

  private MappedNpy() {}

  /** The mapping of {@code file}, or empty when it is not a float32 C-order 1-D/2-D {@code .npy}. */
  public static Optional<Mapping> tryMap(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 12)).order(ByteOrder.LITTLE_ENDIAN);
      while (head.hasRemaining() && ch.read(head, head.position()) > 0) { /* fill */ }
      if (head.position() < 10 || head.get(0) != (byte) 0x93 || head.get(1) != 'N' || head.get(2) != 'U'
          || head.get(3) != 'M' || head.get(4) != 'P' || head.get(5) != 'Y') {
        return Optional.empty();
      }
      int major = head.get(6);
      long headerLen, dataStart;
      if (major == 1) {
        headerLen = Short.toUnsignedInt(head.getShort(8));
        dataStart = 10 + headerLen;
      } else if ((major == 2 || major == 3) && head.position() >= 12) {
        headerLen = Integer.toUnsignedLong(head.getInt(8));
        dataStart = 12 + headerLen;
      } else {
        return Optional.empty();
      }
      if (dataStart > size || headerLen > 1 << 20) return Optional.empty();
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      ch.read(hb, dataStart - headerLen);
      String header = new String(hb.array(), 0, hb.position(), StandardCharsets.ISO_8859_1);
      Matcher descr = DESCR.matcher(header), fortran = FORTRAN.matcher(header), shape = SHAPE.matcher(header);
      if (!descr.find() || !fortran.find() || !shape.find()) return Optional.empty();
      if (!descr.group(1).equals("<f4") || fortran.group(1).equals("True")) return Optional.empty();
      String[] dims = shape.group(1).split(",");
      long[] s = new long[2];
      int rank = 0;
      for (String dim : dims) {
        String t = dim.strip();
        if (t.isEmpty()) continue;
        if (rank == 2) return Optional.empty();
        try {
          s[rank++] = Long.parseLong(t);
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
      if (rank == 0) return Optional.empty();
      long rows = s[0], cols = rank == 1 ? 1 : s[1];
      if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || rows < 0 || cols < 0) return Optional.empty();
      long bytes = rows * cols * Float.BYTES;
      if (dataStart + bytes != size) return Optional.empty();        // truncated or padded: the api reader says which
      Arena arena = Arena.ofShared();
      try {
        MemorySegment data = bytes == 0 ? arena.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, bytes, arena);
        return Optional.of(new Mapping(data, (int) rows, (int) cols, arena));
      } catch (IOException | RuntimeException e) {
        arena.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
