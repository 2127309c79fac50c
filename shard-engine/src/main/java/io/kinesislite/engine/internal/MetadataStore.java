package io.kinesislite.engine.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kinesislite.engine.internal.log.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps each stream's metadata (settings, shards and lineage, consumers) in {@code
 * <dir>/streams/<name>@<incarnation>/stream.json}, replaced atomically: written to a temporary
 * file, forced, renamed over the old one, and the directory forced, so a crash leaves the old or
 * the new file, never a mix. Shard logs live beside it in {@code shard-<ordinal>} directories.
 *
 * <p>Thread-safe for different streams; one stream's writes are serialized by its write lock. Not
 * final only so that tests can make saving fail.
 */
class MetadataStore {
  private static final String FILE = "stream.json";

  private final Path streamsDir;
  private final ObjectMapper json =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A stream as stored. */
  record StreamMetadata(
      int version,
      String name,
      String arn,
      long incarnation,
      String mode,
      long createdAtMillis,
      int retentionHours,
      int nextOrdinal,
      List<ShardMetadata> shards,
      List<ConsumerMetadata> consumers) {}

  /** A shard as stored; {@code endOffset} and {@code closedAtMillis} are -1 while it is open. */
  record ShardMetadata(
      int ordinal,
      String parentShardId,
      String adjacentParentShardId,
      String startingHashKey,
      String endingHashKey,
      long createdAtMillis,
      long closedAtMillis,
      long endOffset) {}

  /** A fan-out consumer as stored. */
  record ConsumerMetadata(String name, String arn, long createdAtMillis) {}

  MetadataStore(Path directory) {
    this.streamsDir = directory.resolve("streams");
    try {
      Files.createDirectories(streamsDir);
    } catch (IOException e) {
      throw new StorageException("cannot create " + streamsDir + ": " + e, e);
    }
  }

  Path streamDir(String name, long incarnation) {
    return streamsDir.resolve(name + "@" + incarnation);
  }

  Path shardDir(String name, long incarnation, int ordinal) {
    return streamDir(name, incarnation).resolve("shard-" + ordinal);
  }

  void save(StreamMetadata metadata) {
    Path dir = streamDir(metadata.name(), metadata.incarnation());
    Path target = dir.resolve(FILE);
    Path temp = dir.resolve(FILE + ".tmp");
    try {
      Files.createDirectories(dir);
      byte[] bytes = json.writeValueAsBytes(metadata);
      try (FileChannel out =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        out.write(java.nio.ByteBuffer.wrap(bytes));
        out.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceDirectory(dir);
    } catch (IOException e) {
      throw new StorageException("cannot write stream metadata " + target + ": " + e, e);
    }
  }

  /** Loads every stored stream; directories without a readable stream.json are skipped. */
  List<StreamMetadata> loadAll() {
    List<StreamMetadata> result = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(streamsDir)) {
      for (Path dir : dirs) {
        Path file = dir.resolve(FILE);
        if (Files.isRegularFile(file)) {
          result.add(json.readValue(file.toFile(), StreamMetadata.class));
        } else {
          // A stream whose creation did not finish, or whose deletion did not: drop it.
          deleteRecursively(dir);
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot read stream metadata in " + streamsDir + ": " + e, e);
    }
    return result;
  }

  /**
   * Deletes the shard directories of a stream that its metadata does not list: left by a change
   * that failed or crashed before its metadata was saved, or by a removal that crashed after.
   */
  void pruneShardDirs(String name, long incarnation, java.util.Set<Integer> keep) {
    Path dir = streamDir(name, incarnation);
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, "shard-*")) {
      for (Path child : children) {
        String suffix = child.getFileName().toString().substring("shard-".length());
        boolean listed;
        try {
          listed = keep.contains(Integer.parseInt(suffix));
        } catch (NumberFormatException e) {
          listed = true; // not ours to judge
        }
        if (!listed) {
          deleteRecursively(child);
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot clean up shard directories in " + dir + ": " + e, e);
    }
  }

  /** Deletes a stream's directory: metadata first, so a crash midway never brings it back. */
  void delete(String name, long incarnation) {
    Path dir = streamDir(name, incarnation);
    try {
      Files.deleteIfExists(dir.resolve(FILE));
      forceDirectory(dir);
      deleteRecursively(dir);
    } catch (IOException e) {
      throw new StorageException("cannot delete stream directory " + dir + ": " + e, e);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void forceDirectory(Path dir) {
    // Makes the rename itself durable. Some file systems refuse to open a directory; then the
    // rename is as durable as they make it.
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // best effort, see above
    }
  }
}
