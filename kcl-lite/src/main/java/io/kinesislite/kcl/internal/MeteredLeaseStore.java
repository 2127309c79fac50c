package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A lease store that counts every call, by operation and outcome, into {@link ConsumerMetrics}.
 * Thread-safe as the store it wraps; closing it does not close that store, which the caller owns.
 */
final class MeteredLeaseStore implements LeaseStore {
  private final LeaseStore store;
  private final ConsumerMetrics metrics;

  MeteredLeaseStore(LeaseStore store, ConsumerMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  @Override
  public void ensureTable() {
    metrics.storeCall(
        "ensureTable",
        () -> {
          store.ensureTable();
          return null;
        });
  }

  @Override
  public List<Lease> list() {
    return metrics.storeCall("list", store::list);
  }

  @Override
  public Optional<Lease> get(String leaseKey) {
    return metrics.storeCall("get", () -> store.get(leaseKey));
  }

  @Override
  public boolean createIfAbsent(Lease lease) {
    return metrics.storeCall("create", () -> store.createIfAbsent(lease));
  }

  @Override
  public Lease renew(Lease held) {
    return metrics.storeCall("renew", () -> store.renew(held));
  }

  @Override
  public Lease take(Lease observed, String owner) {
    return metrics.storeCall("take", () -> store.take(observed, owner));
  }

  @Override
  public Lease handOff(Lease observed, String newOwner) {
    return metrics.storeCall("handOff", () -> store.handOff(observed, newOwner));
  }

  @Override
  public Lease release(Lease held) {
    return metrics.storeCall("release", () -> store.release(held));
  }

  @Override
  public Lease checkpoint(Lease held, Checkpoint checkpoint) {
    return metrics.storeCall("checkpoint", () -> store.checkpoint(held, checkpoint));
  }

  @Override
  public Lease prepareCheckpoint(Lease held, Checkpoint pending) {
    return metrics.storeCall("prepareCheckpoint", () -> store.prepareCheckpoint(held, pending));
  }

  @Override
  public void recordChildShards(String leaseKey, Set<String> childShardIds) {
    metrics.storeCall(
        "recordChildShards",
        () -> {
          store.recordChildShards(leaseKey, childShardIds);
          return null;
        });
  }

  @Override
  public void delete(String leaseKey) {
    metrics.storeCall(
        "delete",
        () -> {
          store.delete(leaseKey);
          return null;
        });
  }

  @Override
  public void close() {
    // The caller owns the store.
  }
}
