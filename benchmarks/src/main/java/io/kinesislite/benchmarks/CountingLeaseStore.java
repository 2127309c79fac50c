package io.kinesislite.benchmarks;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.LeaseStoreException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.atomic.LongAdder;

/**
 * One worker's view of a shared lease store that counts the calls reaching it, by method, and can
 * be cut off ({@link #kill()}) to make its worker look dead to the others: from then on every call
 * fails with {@link LeaseStoreException}, as against a store that cannot be reached, and nothing
 * reaches the store. Closing it does not close the wrapped store, which workers share. Thread-safe.
 */
final class CountingLeaseStore implements LeaseStore {
  /** The lease store's methods, in the order they are reported. */
  enum Call {
    LIST("list"),
    GET("get"),
    RENEW("renew"),
    TAKE("take"),
    CHECKPOINT("checkpoint"),
    PREPARE_CHECKPOINT("prepareCheckpoint"),
    HAND_OFF("handOff"),
    RELEASE("release"),
    CREATE_IF_ABSENT("createIfAbsent"),
    RECORD_CHILD_SHARDS("recordChildShards"),
    DELETE("delete"),
    ENSURE_TABLE("ensureTable");

    final String method;

    Call(String method) {
      this.method = method;
    }
  }

  private final LeaseStore store;
  private final LongAdder[] counts = new LongAdder[Call.values().length];
  private volatile boolean killed;

  CountingLeaseStore(LeaseStore store) {
    this.store = store;
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** Cuts the worker off: every later call throws, and none reaches the store. */
  void kill() {
    killed = true;
  }

  /** Returns how many calls of each method reached the store so far. */
  Map<Call, Long> counts() {
    Map<Call, Long> snapshot = new EnumMap<>(Call.class);
    for (Call call : Call.values()) {
      snapshot.put(call, counts[call.ordinal()].sum());
    }
    return snapshot;
  }

  /** Adds up several workers' counts, method by method. */
  static Map<Call, Long> sum(List<Map<Call, Long>> counts) {
    Map<Call, Long> total = new EnumMap<>(Call.class);
    counts.forEach(c -> c.forEach((call, n) -> total.merge(call, n, Long::sum)));
    return total;
  }

  /** All calls in {@code counts}. */
  static long total(Map<Call, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * "list 31.0, renew 36.0, ..." in the enum's order, each count divided by {@code divisor}; with a
   * divisor of 1, whole counts and only those above zero.
   */
  static String describe(Map<Call, Long> counts, double divisor) {
    StringJoiner joiner = new StringJoiner(", ");
    counts.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              if (divisor == 1) {
                if (e.getValue() > 0) {
                  joiner.add(String.format(Locale.ROOT, "%s %,d", e.getKey().method, e.getValue()));
                }
              } else {
                joiner.add(
                    String.format(
                        Locale.ROOT, "%s %.1f", e.getKey().method, e.getValue() / divisor));
              }
            });
    return joiner.toString();
  }

  private void count(Call call) {
    if (killed) {
      throw new LeaseStoreException(
          call.method + " failed: the worker was killed (the benchmark cut it off)", null, null);
    }
    counts[call.ordinal()].increment();
  }

  @Override
  public void ensureTable() {
    count(Call.ENSURE_TABLE);
    store.ensureTable();
  }

  @Override
  public List<Lease> list() {
    count(Call.LIST);
    return store.list();
  }

  @Override
  public Optional<Lease> get(String leaseKey) {
    count(Call.GET);
    return store.get(leaseKey);
  }

  @Override
  public boolean createIfAbsent(Lease lease) {
    count(Call.CREATE_IF_ABSENT);
    return store.createIfAbsent(lease);
  }

  @Override
  public Lease renew(Lease held) {
    count(Call.RENEW);
    return store.renew(held);
  }

  @Override
  public Lease take(Lease observed, String owner) {
    count(Call.TAKE);
    return store.take(observed, owner);
  }

  @Override
  public Lease handOff(Lease observed, String newOwner) {
    count(Call.HAND_OFF);
    return store.handOff(observed, newOwner);
  }

  @Override
  public Lease release(Lease held) {
    count(Call.RELEASE);
    return store.release(held);
  }

  @Override
  public Lease checkpoint(Lease held, Checkpoint checkpoint) {
    count(Call.CHECKPOINT);
    return store.checkpoint(held, checkpoint);
  }

  @Override
  public Lease prepareCheckpoint(Lease held, Checkpoint pending) {
    count(Call.PREPARE_CHECKPOINT);
    return store.prepareCheckpoint(held, pending);
  }

  @Override
  public void recordChildShards(String leaseKey, Set<String> childShardIds) {
    count(Call.RECORD_CHILD_SHARDS);
    store.recordChildShards(leaseKey, childShardIds);
  }

  @Override
  public void delete(String leaseKey) {
    count(Call.DELETE);
    store.delete(leaseKey);
  }

  @Override
  public void close() {
    // The workers share the wrapped store; its owner closes it.
  }
}
