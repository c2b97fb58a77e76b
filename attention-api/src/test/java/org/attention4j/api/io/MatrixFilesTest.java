package org.attention4j.api.io;

import static org.attention4j.api.io.IoTestSupport.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade: the format follows the extension, and file-level mistakes name the file. */
class MatrixFilesTest {
  private BufferAllocator allocator;
  @TempDir Path dir;

  @BeforeEach void open() { allocator = new RootAllocator(); }

  @AfterEach void close() { allocator.close(); }

  @Test void formatFollowsTheExtensionIgnoringCase() {
    assertSame(FileFormat.NPY, FileFormat.of(Path.of("a", "q.NPY")));
    assertSame(FileFormat.CSV, FileFormat.of(Path.of("q.csv")));
    assertSame(FileFormat.ARROW, FileFormat.of(Path.of("q.Arrow")));
    assertSame(FileFormat.SAFETENSORS, FileFormat.of(Path.of("q.safetensors")));
  }

  @Test void otherExtensionsListTheSupportedOnes() {
    Path txt = dir.resolve("q.txt");
    assertEquals(txt + ": expected one of the extensions .npy, .csv, .arrow, .safetensors, got '.txt'",
        assertRefused(txt, () -> MatrixFiles.readMatrix(txt, allocator)));
    Path none = dir.resolve("query");
    assertEquals(none + ": expected one of the extensions .npy, .csv, .arrow, .safetensors, got no extension",
        assertRefused(none, () -> MatrixFiles.readMask(none)));
    Path bare = dir.resolve(".npy");
    assertRefused(bare, () -> MatrixFiles.readIntegers(bare));
  }

  @Test void missingFilesAndDirectoriesAreInputErrors() {
    Path missing = dir.resolve("missing.npy");
    assertEquals(missing + ": expected an existing file, got no such file",
        assertRefused(missing, () -> MatrixFiles.readMatrix(missing, allocator)));
    Path folder = dir.resolve("folder.csv");
    folder.toFile().mkdir();
    assertEquals(folder + ": expected a file, got a directory", assertRefused(folder, () -> MatrixFiles.readMask(folder)));
    Path nowhere = dir.resolve("no").resolve("such").resolve("out.npy");
    try (FixedSizeListVector v = DenseMatrices.allocate(allocator, "v", 1, 1)) {
      assertEquals(nowhere + ": expected a writable path, got no such directory",
          assertRefused(nowhere, () -> MatrixFiles.writeMatrix(nowhere, v)));
    }
  }

  @Test void eachKindOfDataGoesOnlyWhereItFits() {
    Path st = dir.resolve("m.safetensors");
    assertEquals(st + ": expected a matrix in .npy, .csv or .arrow, got .safetensors (named tensors: use readParameters)",
        assertRefused(st, () -> MatrixFiles.readMatrix(st, allocator)));
    assertRefused(st, () -> MatrixFiles.readMask(st));
    assertRefused(st, () -> MatrixFiles.readIntegers(st));
    assertRefused(st, () -> MatrixFiles.writeIntegers(st, new long[1], 1));
    try (FixedSizeListVector v = DenseMatrices.allocate(allocator, "v", 1, 1)) {
      assertRefused(st, () -> MatrixFiles.writeMatrix(st, v));
    }
  }

  @Test void integerShapesMustMatchTheirValues() {
    Path f = dir.resolve("i.npy");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> MatrixFiles.writeIntegers(f, new long[5], 2, 3));
    assertEquals("integers: expected 6 values (= product of shape [2, 3]), got 5", e.getMessage());
  }
}
