package io.kinesislite.kcl.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseStoreException;
import io.kinesislite.transport.FatalException;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.internal.DurableFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One lease table kept as a JSON file, {@code <dir>/leases/<table>.json}, replaced atomically on
 * every save: written to {@code <table>.json.tmp} in the same directory, forced, renamed over the
 * old file, and the directory forced, so a crash leaves the old table or the new one, never a torn
 * file. A leftover temporary file is ignored (and overwritten by the next save). An OS lock on
 * {@code <table>.lock} keeps a second store, in this process or another, from opening the table
 * while it is open: two writers would overwrite each other's conditional writes. In shared mode
 * ({@link #openShared}) the lock is instead taken around each call ({@link #lockForCall()}), and
 * the store reads the file again under it.
 *
 * <p>Rows use the KCL's attribute names (reference: {@code DynamoDBLeaseSerializer}). Not
 * thread-safe: the embedded store serializes calls.
 */
public final class LeaseTableFile implements AutoCloseable {
  /** The version of the file format this class writes and reads. */
  static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path file;
  private final Path temp;
  private final Path directory;
  private final FileChannel lockChannel; // null in shared mode
  private final FileLock lock; // null in shared mode
  private final SharedTableLock shared; // null in exclusive mode

  /** The file as stored. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record TableJson(Integer formatVersion, String tableName, List<LeaseJson> leases) {}

  /** One lease as stored; absent attributes are null, empty sets are left out. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record LeaseJson(
      String leaseKey,
      String leaseOwner,
      Long leaseCounter,
      String checkpoint,
      Long checkpointSubSequenceNumber,
      String pendingCheckpoint,
      Long pendingCheckpointSubSequenceNumber,
      Long ownerSwitchesSinceCheckpoint,
      List<String> parentShardId,
      List<String> childShardIds,
      String startingHashKey,
      String endingHashKey,
      String checkpointOwner) {}

  private LeaseTableFile(
      Path directory,
      String tableName,
      FileChannel lockChannel,
      FileLock lock,
      SharedTableLock shared) {
    this.directory = directory;
    this.file = directory.resolve(tableName + ".json");
    this.temp = directory.resolve(tableName + ".json.tmp");
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.shared = shared;
  }

  /**
   * Opens the table {@code tableName} under {@code dir}, creating {@code dir/leases} if needed, and
   * locks it for this process until {@link #close()}.
   *
   * @throws FatalException if the table is open in another store
   * @throws LeaseStoreException if the directory cannot be created or locked
   */
  public static LeaseTableFile open(Path dir, String tableName) {
    Path directory = dir.resolve("leases");
    Path lockFile = directory.resolve(tableName + ".lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(directory);
      // Refused before a channel is opened: closing a second channel of a file this JVM holds
      // shared-mode locks on would drop those locks (POSIX locks belong to the process).
      if (SharedTableLock.isOpen(directory.toRealPath().resolve(tableName + ".lock"))) {
        throw inUse(lockFile, null);
      }
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(lockFile, null);
      }
      return new LeaseTableFile(directory, tableName, channel, lock, null);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw inUse(lockFile, e);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new LeaseStoreException(
          "cannot open lease table directory " + directory + ": " + e, "IOException", e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Opens the table {@code tableName} under {@code dir} in shared mode, creating {@code dir/leases}
   * if needed: it is not locked while open (beyond keeping out an exclusive store), and every call
   * of the store brackets its read and write with {@link #lockForCall()}, so that stores in several
   * processes (and in this one) can share the table.
   *
   * @throws FatalException if the table is open in an exclusive store
   * @throws LeaseStoreException if the directory cannot be created, or the lock file not opened
   */
  public static LeaseTableFile openShared(Path dir, String tableName) {
    Path directory = dir.resolve("leases");
    Path canonical;
    try {
      Files.createDirectories(directory);
      canonical = directory.toRealPath();
    } catch (IOException e) {
      throw new LeaseStoreException(
          "cannot open lease table directory " + directory + ": " + e, "IOException", e);
    }
    SharedTableLock shared = SharedTableLock.open(canonical.resolve(tableName + ".lock"));
    return new LeaseTableFile(canonical, tableName, null, null, shared);
  }

  /** Whether the table was opened with {@link #openShared}. */
  public boolean isShared() {
    return shared != null;
  }

  /**
   * Shared mode: waits until no other call, in this process or another, holds the table, and holds
   * it until the returned handle is closed. Exclusive mode: the table is held already; does
   * nothing.
   *
   * @throws LeaseStoreException if the table stayed held by another call for 10 s, the thread was
   *     interrupted, or the lock could not be taken
   */
  public CallLock lockForCall() {
    if (shared == null) {
      return () -> {};
    }
    SharedTableLock.Held held = shared.acquire();
    return held::close;
  }

  /** A call's hold on a shared table. */
  public interface CallLock extends AutoCloseable {
    /** Releases the hold. */
    @Override
    void close();
  }

  private static FatalException inUse(Path lockFile, Throwable cause) {
    return new FatalException(
        "lease table "
            + lockFile
            + " is locked: another EmbeddedLeaseStore, in this process or another, has it open",
        "ResourceInUse",
        cause);
  }

  /** The table's JSON file. */
  public Path path() {
    return file;
  }

  /** Returns whether the table's file exists. */
  public boolean exists() {
    return Files.isRegularFile(file);
  }

  /**
   * Reads the table: its leases by key, in file order; empty if the file does not exist.
   *
   * @throws FatalException if the file is not a lease table (corrupt, or a newer format)
   * @throws LeaseStoreException if it cannot be read
   */
  public Map<String, Lease> load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new LinkedHashMap<>();
    } catch (IOException e) {
      throw new LeaseStoreException("cannot read lease table " + file + ": " + e, "IOException", e);
    }
    TableJson table;
    try {
      table = JSON.readValue(bytes, TableJson.class);
    } catch (JsonProcessingException e) {
      throw corrupt("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw corrupt(e.toString(), e);
    }
    if (table == null) {
      throw corrupt("the file is empty", null);
    }
    if (table.formatVersion() == null || table.formatVersion() != FORMAT_VERSION) {
      throw corrupt(
          "formatVersion is "
              + table.formatVersion()
              + "; this version of kcl-lite reads "
              + FORMAT_VERSION,
          null);
    }
    Map<String, Lease> leases = new LinkedHashMap<>();
    List<LeaseJson> rows = table.leases() == null ? List.of() : table.leases();
    for (int i = 0; i < rows.size(); i++) {
      Lease lease;
      try {
        lease = fromJson(rows.get(i));
      } catch (RuntimeException e) {
        throw corrupt("lease #" + i + " is invalid: " + e.getMessage(), e);
      }
      if (leases.put(lease.leaseKey(), lease) != null) {
        throw corrupt("lease #" + i + " repeats leaseKey " + lease.leaseKey(), null);
      }
    }
    return leases;
  }

  private FatalException corrupt(String why, Throwable cause) {
    return new FatalException(
        "lease table file " + file + " is corrupt: " + why, "CorruptLeaseTable", cause);
  }

  /**
   * Replaces the table with {@code leases}, atomically and durably.
   *
   * @throws LeaseStoreException if it could not; the old file is then still in place
   */
  public void save(String tableName, Collection<Lease> leases) {
    List<LeaseJson> rows = new ArrayList<>(leases.size());
    for (Lease lease : leases) {
      rows.add(toJson(lease));
    }
    rows.sort(Comparator.comparing(LeaseJson::leaseKey));
    try {
      byte[] bytes = JSON.writeValueAsBytes(new TableJson(FORMAT_VERSION, tableName, rows));
      DurableFiles.replace(file, temp, bytes);
    } catch (IOException e) {
      throw new LeaseStoreException(
          "cannot write lease table " + file + ": " + e, "IOException", e);
    }
  }

  /** Releases the lock; does not delete anything. */
  @Override
  public void close() {
    if (shared != null) {
      shared.release();
      return;
    }
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it as well
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing left to do
      }
    }
  }

  static LeaseJson toJson(Lease lease) {
    return new LeaseJson(
        lease.leaseKey(),
        lease.owner().orElse(null),
        lease.counter(),
        lease.checkpoint().sequenceNumber(),
        lease.checkpoint().subSequenceNumber(),
        lease.pendingCheckpoint().map(Checkpoint::sequenceNumber).orElse(null),
        lease.pendingCheckpoint().map(Checkpoint::subSequenceNumber).orElse(null),
        lease.ownerSwitchesSinceCheckpoint(),
        sorted(lease.parentShardIds()),
        sorted(lease.childShardIds()),
        lease.hashKeyRange().map(r -> r.start().toString()).orElse(null),
        lease.hashKeyRange().map(r -> r.end().toString()).orElse(null),
        lease.checkpointOwner().orElse(null));
  }

  static Lease fromJson(LeaseJson row) {
    if (row == null) {
      throw new IllegalArgumentException("null row");
    }
    Optional<Checkpoint> pending =
        row.pendingCheckpoint() == null
            ? Optional.empty()
            : Optional.of(
                new Checkpoint(
                    row.pendingCheckpoint(), orZero(row.pendingCheckpointSubSequenceNumber())));
    Optional<HashKeyRange> range;
    if (row.startingHashKey() == null && row.endingHashKey() == null) {
      range = Optional.empty();
    } else if (row.startingHashKey() == null || row.endingHashKey() == null) {
      throw new IllegalArgumentException("startingHashKey and endingHashKey come together");
    } else {
      range =
          Optional.of(
              new HashKeyRange(
                  new BigInteger(row.startingHashKey()), new BigInteger(row.endingHashKey())));
    }
    return new Lease(
        row.leaseKey(),
        Optional.ofNullable(row.leaseOwner()),
        required(row.leaseCounter(), "leaseCounter"),
        new Checkpoint(
            requiredString(row.checkpoint(), "checkpoint"),
            orZero(row.checkpointSubSequenceNumber())),
        pending,
        orZero(row.ownerSwitchesSinceCheckpoint()),
        asSet(row.parentShardId(), "parentShardId"),
        asSet(row.childShardIds(), "childShardIds"),
        range,
        Optional.ofNullable(row.checkpointOwner()));
  }

  private static long required(Long value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return value;
  }

  private static String requiredString(String value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return value;
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }

  private static Set<String> asSet(List<String> values, String name) {
    if (values == null) {
      return Set.of();
    }
    Set<String> set = new HashSet<>(values.size());
    for (String value : values) {
      if (value == null || !set.add(value)) {
        throw new IllegalArgumentException(name + " holds a null or repeated id: " + values);
      }
    }
    return set;
  }
}
