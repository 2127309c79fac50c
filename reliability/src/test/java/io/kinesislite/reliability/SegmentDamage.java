package io.kinesislite.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Damages a segment file of a stopped durable engine the way a bad disk or a torn write would:
 * flips one bit inside a record's frame, or cuts the file inside a frame. It reads the segment
 * format of docs/shard-engine.md (a 16-byte header, then frames of {@code [int32 body length][int32
 * CRC32C][body]}) to know which record it hit: the record at offset {@code base + frame}, where
 * {@code base} is the offset in the file's name.
 *
 * <p>Stateless and thread-safe; callers must not damage a file an engine has open.
 */
final class SegmentDamage {
  private static final int HEADER_BYTES = 16;
  private static final int FRAME_HEADER_BYTES = 8;

  /** What was done: to which file, the first record it hit (offset in the shard), and how. */
  record Hit(Path segment, long recordOffset, long position, String how) {}

  private SegmentDamage() {}

  /** The segment files of a shard directory, in offset order. */
  static List<Path> segments(Path shardDir) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(shardDir, "*.seg")) {
      entries.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + shardDir, e);
    }
    files.sort(null);
    return files;
  }

  /** Flips one random bit inside a random record frame of {@code segment}. */
  static Hit flipBit(Path segment, Random random) {
    return flipBit(segment, random, 0, 1);
  }

  /**
   * Flips one random bit inside a record frame of {@code segment} picked at random among its frames
   * from the fraction {@code from} to the fraction {@code to} of them (0 to 1: any).
   */
  static Hit flipBit(Path segment, Random random, double from, double to) {
    List<long[]> frames = frames(segment);
    int first = (int) (from * frames.size());
    int end = Math.max(first + 1, (int) Math.ceil(to * frames.size()));
    int k = Math.min(frames.size() - 1, first + random.nextInt(end - first));
    long start = frames.get(k)[0];
    long position = start + (long) (random.nextDouble() * frames.get(k)[1]);
    int bit = random.nextInt(8);
    try (FileChannel file =
        FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      file.read(one, position);
      one.put(0, (byte) (one.get(0) ^ (1 << bit))).rewind();
      file.write(one, position);
      file.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot damage " + segment, e);
    }
    return new Hit(segment, base(segment) + k, position, "bit " + bit + " flipped at " + position);
  }

  /** Cuts {@code segment} inside a random record frame, as a torn write leaves it. */
  static Hit truncateInsideAFrame(Path segment, Random random) {
    List<long[]> frames = frames(segment);
    int k = random.nextInt(frames.size());
    long start = frames.get(k)[0];
    long position = start + 1 + (long) (random.nextDouble() * (frames.get(k)[1] - 1));
    try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      file.truncate(position);
      file.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot truncate " + segment, e);
    }
    return new Hit(segment, base(segment) + k, position, "cut at " + position);
  }

  private static long base(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(0, name.indexOf('.')));
  }

  // Each whole frame as {position, length with its header}.
  private static List<long[]> frames(Path segment) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(segment);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + segment, e);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    List<long[]> frames = new ArrayList<>();
    int p = HEADER_BYTES;
    while (p + FRAME_HEADER_BYTES <= bytes.length) {
      int length = b.getInt(p);
      if (length < 0 || p + FRAME_HEADER_BYTES + (long) length > bytes.length) {
        break;
      }
      frames.add(new long[] {p, FRAME_HEADER_BYTES + length});
      p += FRAME_HEADER_BYTES + length;
    }
    if (frames.isEmpty()) {
      throw new AssertionError(segment + " holds no whole record frame to damage");
    }
    return frames;
  }
}
