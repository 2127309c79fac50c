package io.kinesislite.kcl;

import io.kinesislite.kcl.internal.LeaseTableFile;
import io.kinesislite.kcl.internal.LeaseTableFile.CallLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A {@link LeaseStore} without DynamoDB: the lease table in memory, or in a JSON file beside the
 * embedded engine's data, for consumers of an embedded or local stream, and for tests. Its
 * conditional writes behave as the {@code DynamoDbLeaseStore}'s: every write that concerns
 * ownership or progress succeeds only if the lease's counter is still the caller's, raises it, and
 * otherwise fails with {@link LeaseLostException} and writes nothing.
 *
 * <p>{@link #inDirectory(Path, String)} keeps the table in {@code <dir>/leases/<tableName>.json},
 * loaded when the store opens and replaced atomically on every write (a temporary file in the same
 * directory, forced to disk, renamed over the old one, the directory forced), so a crash leaves the
 * table as it was before or after the write, never torn. A write whose file cannot be written
 * throws {@link LeaseStoreException} and changes nothing. The table can be open in one store at a
 * time: an OS file lock keeps out a second one, in this process or another, until {@link #close()}.
 * Workers that share a table therefore share one store (it is thread-safe), which suits workers
 * inside one process.
 *
 * <p>{@link #sharedInDirectory(Path, String)} opens the same file for workers in several processes
 * on one host: every call takes an OS lock on {@code <dir>/leases/<tableName>.lock}, reads the file
 * again, makes its conditional write as above, saves the file atomically and releases the lock. A
 * table is opened either exclusively or shared: the two modes keep each other out. Workers on
 * several hosts share a {@code DynamoDbLeaseStore}.
 *
 * <pre>{@code
 * try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(dataDir, "orders-app")) {
 *   leases.ensureTable();
 *   leases.createIfAbsent(Lease.newLease("shardId-000000000000", Checkpoint.TRIM_HORIZON,
 *       Set.of(), null));
 *   Lease mine = leases.take(leases.get("shardId-000000000000").orElseThrow(), "worker-1");
 *   mine = leases.checkpoint(mine, Checkpoint.at("4960...", 0));
 * }
 * }</pre>
 *
 * <p>Thread-safe: calls are serialized by one lock (a file-backed store holds it while it writes
 * the file). Calls after {@link #close()} throw {@link IllegalStateException}.
 */
@SuppressWarnings("try") // a call's lock is held by its try block, unreferenced
public final class EmbeddedLeaseStore implements LeaseStore {
  /** DynamoDB's rule for table names. */
  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,255}");

  /**
   * The longest table name a file can hold: {@code <tableName>.json.tmp} must fit the 255-byte
   * file-name limit of common file systems.
   */
  private static final int MAX_FILE_TABLE_NAME_LENGTH = 255 - ".json.tmp".length();

  private final Object lock = new Object();
  private final String tableName;
  private final LeaseTableFile file; // null in memory
  private final Map<String, Lease> leases; // guarded by lock
  private boolean closed; // guarded by lock

  private EmbeddedLeaseStore(String tableName, LeaseTableFile file, Map<String, Lease> leases) {
    this.tableName = tableName;
    this.file = file;
    this.leases = leases;
  }

  /** Returns a store whose table lives in memory only, and is gone when the store is. */
  public static EmbeddedLeaseStore inMemory() {
    return new EmbeddedLeaseStore("in-memory", null, new LinkedHashMap<>());
  }

  /**
   * Opens the table {@code tableName} kept in {@code dir/leases/<tableName>.json}, loading it if
   * the file exists; {@link #ensureTable()} creates the file if it does not.
   *
   * @param dir a directory, for example the embedded engine's data directory; created if missing
   * @param tableName the table's name: by DynamoDB's rule characters of {@code [a-zA-Z0-9_.-]}, and
   *     at most 246 of them (DynamoDB allows 255, but the file names must fit the file system's
   *     255-byte limit)
   * @throws IllegalArgumentException if {@code tableName} breaks that rule
   * @throws io.kinesislite.transport.FatalException if the file is corrupt, or the table is open in
   *     another store
   * @throws LeaseStoreException if the directory or the file cannot be read or created
   */
  public static EmbeddedLeaseStore inDirectory(Path dir, String tableName) {
    Objects.requireNonNull(dir, "dir == null");
    checkTableName(tableName);
    LeaseTableFile file = LeaseTableFile.open(dir, tableName);
    try {
      return new EmbeddedLeaseStore(tableName, file, file.load());
    } catch (RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /**
   * Opens the table {@code tableName} kept in {@code dir/leases/<tableName>.json} for sharing
   * between processes on one host (and stores in this process): workers in several JVMs, each with
   * its own store over the same directory, take, renew and checkpoint leases in one table, with the
   * same conditional writes as every other store.
   *
   * <p>How: every call, reads included, takes an OS file lock on {@code
   * dir/leases/<tableName>.lock} (waiting while another process's call holds it, polling), reads
   * the table file again, applies its conditional write to what it read, replaces the file
   * atomically and durably as {@link #inDirectory} does, and releases the lock. So each call costs
   * a lock, a read and parse of the whole file and, for writes, an fsync'd replace: a few
   * milliseconds on a local disk for a table of a few hundred leases, which suits a fleet of
   * workers renewing every few seconds, not a store called thousands of times a second. Within one
   * JVM, stores over the same file take turns on a lock of their own (Java's file locks belong to
   * the whole JVM), so several shared stores in one process work too.
   *
   * <p>Only for processes on one host with a local file system: the lock is an advisory {@code
   * fcntl}/{@code LockFileEx} lock, which network file systems (NFS, SMB) honour unreliably, if at
   * all. A table open here cannot be opened by {@link #inDirectory} (and the reverse) until every
   * shared store over it is closed. A call that waits more than 10 s for another process's call
   * (one stopped in a debugger, say) fails with {@link LeaseStoreException}, as a call to an
   * unreachable DynamoDB does.
   *
   * @param dir a directory on a local file system, the same one in every process; created if
   *     missing
   * @param tableName the table's name, by the rule of {@link #inDirectory}
   * @throws IllegalArgumentException if {@code tableName} breaks that rule
   * @throws io.kinesislite.transport.FatalException if the file is corrupt, or the table is open in
   *     an exclusive store ({@link #inDirectory}), in this process or another
   * @throws LeaseStoreException if the directory or the file cannot be read or created
   */
  public static EmbeddedLeaseStore sharedInDirectory(Path dir, String tableName) {
    Objects.requireNonNull(dir, "dir == null");
    checkTableName(tableName);
    LeaseTableFile file = LeaseTableFile.openShared(dir, tableName);
    try (CallLock held = file.lockForCall()) {
      return new EmbeddedLeaseStore(tableName, file, file.load());
    } catch (RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private static void checkTableName(String tableName) {
    Objects.requireNonNull(tableName, "tableName == null");
    if (!TABLE_NAME.matcher(tableName).matches()) {
      throw new IllegalArgumentException(
          "tableName must be 1 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.': '"
              + tableName
              + "'");
    }
    if (tableName.length() > MAX_FILE_TABLE_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "tableName must be at most "
              + MAX_FILE_TABLE_NAME_LENGTH
              + " characters for a table kept in a file (its file names must fit 255 bytes), not "
              + tableName.length());
    }
  }

  @Override
  public void ensureTable() {
    synchronized (lock) {
      checkOpen();
      try (CallLock held = refresh()) {
        if (file != null && !file.exists()) {
          file.save(tableName, leases.values());
        }
      }
    }
  }

  @Override
  public List<Lease> list() {
    synchronized (lock) {
      checkOpen();
      try (CallLock held = refresh()) {
        return List.copyOf(leases.values());
      }
    }
  }

  @Override
  public Optional<Lease> get(String leaseKey) {
    Objects.requireNonNull(leaseKey, "leaseKey == null");
    synchronized (lock) {
      checkOpen();
      try (CallLock held = refresh()) {
        return Optional.ofNullable(leases.get(leaseKey));
      }
    }
  }

  @Override
  public boolean createIfAbsent(Lease lease) {
    Objects.requireNonNull(lease, "lease == null");
    synchronized (lock) {
      checkOpen();
      try (CallLock held = refresh()) {
        if (leases.containsKey(lease.leaseKey())) {
          return false;
        }
        commit(lease.leaseKey(), lease);
        return true;
      }
    }
  }

  @Override
  public Lease renew(Lease held) {
    return updateIfCounter(held, "renew", current -> current);
  }

  @Override
  public Lease take(Lease observed, String owner) {
    Objects.requireNonNull(observed, "observed == null");
    Objects.requireNonNull(owner, "owner == null");
    boolean switches = LeaseStore.countsAsOwnerSwitch(observed, owner);
    return updateIfCounter(
        observed,
        "take",
        current -> {
          Lease taken = current.withOwner(Optional.of(owner)).withCheckpointOwner(Optional.empty());
          return switches
              ? taken.withOwnerSwitchesSinceCheckpoint(taken.ownerSwitchesSinceCheckpoint() + 1)
              : taken;
        });
  }

  @Override
  public Lease handOff(Lease observed, String newOwner) {
    String from = LeaseStore.checkHandOff(observed, newOwner);
    synchronized (lock) {
      checkOpen();
      try (CallLock held = refresh()) {
        Lease current = leases.get(observed.leaseKey());
        if (current == null
            || !current.owner().equals(Optional.of(from))
            || current.checkpointOwner().isPresent()) {
          throw LeaseLostException.handOffRefused(observed.leaseKey(), from, current);
        }
        Lease handed =
            current.withOwner(Optional.of(newOwner)).withCheckpointOwner(Optional.of(from));
        commit(handed.leaseKey(), handed);
        return handed;
      }
    }
  }

  @Override
  public Lease release(Lease held) {
    return updateIfCounter(
        held,
        "release",
        current ->
            current.checkpointOwner().isPresent()
                ? current.withCheckpointOwner(Optional.empty())
                : current.withOwner(Optional.empty()));
  }

  @Override
  public Lease checkpoint(Lease held, Checkpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint == null");
    return updateIfCounter(
        held,
        "checkpoint",
        current ->
            current
                .withCheckpoint(checkpoint)
                .withPendingCheckpoint(Optional.empty())
                .withOwnerSwitchesSinceCheckpoint(0));
  }

  @Override
  public Lease prepareCheckpoint(Lease held, Checkpoint pending) {
    Objects.requireNonNull(pending, "pending == null");
    return updateIfCounter(
        held, "prepareCheckpoint", current -> current.withPendingCheckpoint(Optional.of(pending)));
  }

  /**
   * {@inheritDoc}
   *
   * @throws LeaseLostException if there is no such lease (as DynamoDB's conditional update on the
   *     key's existence fails); nothing is written
   */
  @Override
  public void recordChildShards(String leaseKey, Set<String> childShardIds) {
    Objects.requireNonNull(leaseKey, "leaseKey == null");
    Set<String> children = Set.copyOf(childShardIds);
    synchronized (lock) {
      checkOpen();
      try (CallLock held = refresh()) {
        Lease current = leases.get(leaseKey);
        if (current == null) {
          throw new LeaseLostException(
              "cannot record child shards of lease " + leaseKey + ": there is no such lease");
        }
        commit(leaseKey, current.withChildShardIds(children));
      }
    }
  }

  @Override
  public void delete(String leaseKey) {
    Objects.requireNonNull(leaseKey, "leaseKey == null");
    synchronized (lock) {
      checkOpen();
      try (CallLock held = refresh()) {
        if (leases.containsKey(leaseKey)) {
          commit(leaseKey, null);
        }
      }
    }
  }

  /** Closes the store (releasing the table's file lock); does not delete anything. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (file != null) {
        file.close();
      }
    }
  }

  @Override
  public String toString() {
    return file == null
        ? "EmbeddedLeaseStore[in memory]"
        : "EmbeddedLeaseStore[" + file.path() + "]";
  }

  /**
   * Applies {@code change} to the stored lease and raises its counter, if the counter is still the
   * caller's; the one conditional write every ownership and progress operation is made of.
   */
  private Lease updateIfCounter(Lease expected, String operation, UnaryOperator<Lease> change) {
    Objects.requireNonNull(expected, "lease == null");
    synchronized (lock) {
      checkOpen();
      try (CallLock held = refresh()) {
        Lease current = leases.get(expected.leaseKey());
        if (current == null) {
          throw new LeaseLostException(
              operation + " of lease " + expected.leaseKey() + " failed: there is no such lease");
        }
        if (current.counter() != expected.counter()) {
          throw new LeaseLostException(
              operation
                  + " of lease "
                  + expected.leaseKey()
                  + " failed: its counter is "
                  + current.counter()
                  + ", not "
                  + expected.counter()
                  + " (owner now "
                  + current.owner().orElse("none")
                  + ")");
        }
        Lease updated = change.apply(current).withCounter(current.counter() + 1);
        commit(updated.leaseKey(), updated);
        return updated;
      }
    }
  }

  /**
   * Writes one row ({@code null} deletes it): first the file, then memory, so a failed write leaves
   * both as they were. Called with the lock held.
   */
  private void commit(String leaseKey, Lease value) {
    if (file != null) {
      List<Lease> next = new ArrayList<>(leases.size() + 1);
      for (Map.Entry<String, Lease> row : leases.entrySet()) {
        if (!row.getKey().equals(leaseKey)) {
          next.add(row.getValue());
        }
      }
      if (value != null) {
        next.add(value);
      }
      file.save(tableName, next);
    }
    if (value == null) {
      leases.remove(leaseKey);
    } else {
      leases.put(leaseKey, value);
    }
  }

  /**
   * For a shared table: takes the table's lock and reads the file again, for the call to decide on
   * what is stored now; the caller closes the lock when its write is saved. For an exclusive or
   * in-memory table: nothing (this store's copy is the table). Called with {@code lock} held.
   */
  private CallLock refresh() {
    if (file == null || !file.isShared()) {
      return () -> {};
    }
    CallLock held = file.lockForCall();
    try {
      Map<String, Lease> stored = file.load();
      leases.clear();
      leases.putAll(stored);
      return held;
    } catch (RuntimeException e) {
      held.close();
      throw e;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }
}
