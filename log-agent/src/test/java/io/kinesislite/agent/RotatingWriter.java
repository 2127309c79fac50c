package io.kinesislite.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A log writer that rotates as logrotate and applications do: rename-and-create (the live file is
 * renamed to {@code name.<n>} and a new one created), copytruncate (copied to {@code name.<n>},
 * then truncated in place while the writer keeps appending), or a new timestamped-style file per
 * generation ({@code base-<n>.log}). Old rotations are deleted as logrotate's {@code rotate 2}
 * would. Lines are {@code gen-GGGG line-NNNNNNNN}. Not thread-safe.
 */
final class RotatingWriter implements AutoCloseable {
  enum Rotation {
    RENAME,
    COPYTRUNCATE,
    /** Copytruncate with a copy written slowly, 4 KiB every 10 ms, so scans see it partial. */
    SLOW_COPYTRUNCATE,
    NEW_FILE
  }

  private final Path dir;
  private final String name;
  private final Rotation rotation;
  private final boolean deleteOld;
  private OutputStream out;
  private int generation;
  private int written;
  private final StringBuilder line = new StringBuilder(32);

  /** A writer that deletes rotations two generations old, as logrotate's {@code rotate 2}. */
  RotatingWriter(Path dir, String name, Rotation rotation) {
    this(dir, name, rotation, true);
  }

  /** A writer that deletes old rotations only if {@code deleteOld}. */
  RotatingWriter(Path dir, String name, Rotation rotation, boolean deleteOld) {
    this.dir = dir;
    this.name = name;
    this.rotation = rotation;
    this.deleteOld = deleteOld;
    open();
  }

  private void deleteIfOld(Path path) throws IOException {
    if (deleteOld) {
      Files.deleteIfExists(path);
    }
  }

  private Path live() {
    return rotation == Rotation.NEW_FILE
        ? dir.resolve(name + "-" + String.format("%04d", generation) + ".log")
        : dir.resolve(name);
  }

  private void open() {
    try {
      out =
          Files.newOutputStream(
              live(),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String line(int generation, int n) {
    return String.format("gen-%04d line-%08d", generation, n);
  }

  /** Writes {@code lines} more lines to the live file. */
  void write(int lines) {
    try {
      for (int i = 0; i < lines; i++) {
        line.setLength(0);
        line.append(line(generation, written++)).append('\n');
        out.write(line.toString().getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rotates once; the next lines go to the next generation. */
  void rotate() {
    try {
      int done = generation++;
      switch (rotation) {
        case RENAME -> {
          out.close();
          Files.move(dir.resolve(name), dir.resolve(name + "." + done));
          deleteIfOld(dir.resolve(name + "." + (done - 2)));
          open();
        }
        case COPYTRUNCATE -> {
          out.flush();
          Files.copy(
              dir.resolve(name),
              dir.resolve(name + "." + done),
              StandardCopyOption.REPLACE_EXISTING);
          try (FileChannel c = FileChannel.open(dir.resolve(name), StandardOpenOption.WRITE)) {
            c.truncate(0);
          }
          deleteIfOld(dir.resolve(name + "." + (done - 2)));
        }
        case SLOW_COPYTRUNCATE -> {
          out.flush();
          byte[] all = Files.readAllBytes(dir.resolve(name));
          try (OutputStream copy = Files.newOutputStream(dir.resolve(name + "." + done))) {
            for (int i = 0; i < all.length; i += 4096) {
              copy.write(all, i, Math.min(4096, all.length - i));
              copy.flush();
              java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
          }
          try (FileChannel c = FileChannel.open(dir.resolve(name), StandardOpenOption.WRITE)) {
            c.truncate(0);
          }
          deleteIfOld(dir.resolve(name + "." + (done - 2)));
        }
        case NEW_FILE -> {
          out.close();
          deleteIfOld(dir.resolve(name + "-" + String.format("%04d", done - 2) + ".log"));
          open();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int written() {
    return written;
  }

  /** Every line written so far, in order. */
  List<String> lines() {
    return lines;
  }

  private final List<String> lines = new ArrayList<>();

  /** Writes and records: as {@link #write(int)}, remembering each line for the checks. */
  void writeRemembering(int count) {
    int from = written;
    int gen = generation;
    write(count);
    for (int n = from; n < from + count; n++) {
      lines.add(line(gen, n));
    }
  }

  /** The lines of {@code stored} (each a line with its newline) by generation, in stored order. */
  static Map<Integer, List<Integer>> byGeneration(List<String> stored) {
    Map<Integer, List<Integer>> out = new TreeMap<>();
    for (String s : stored) {
      String l = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
      int gen = Integer.parseInt(l.substring(4, 8));
      int n = Integer.parseInt(l.substring(14));
      out.computeIfAbsent(gen, k -> new ArrayList<>()).add(n);
    }
    return out;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
