package io.kinesislite.kcl;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Delegates to a real store, or fails every call as an unreachable store would. */
public final class FlakyLeaseStore implements LeaseStore {
  private final LeaseStore real;
  private volatile boolean down;
  private final java.util.concurrent.atomic.AtomicInteger calls =
      new java.util.concurrent.atomic.AtomicInteger();

  public FlakyLeaseStore(LeaseStore real) {
    this.real = real;
  }

  /** Makes every call fail (true) or reach the real store again (false). */
  public void down(boolean down) {
    this.down = down;
  }

  /** Returns how many calls were made, failed ones included. */
  public int calls() {
    return calls.get();
  }

  private void check() {
    calls.incrementAndGet();
    if (down) {
      throw new LeaseStoreException("store unreachable (test)", null, null);
    }
  }

  @Override
  public void ensureTable() {
    check();
    real.ensureTable();
  }

  @Override
  public List<Lease> list() {
    check();
    return real.list();
  }

  @Override
  public Optional<Lease> get(String leaseKey) {
    check();
    return real.get(leaseKey);
  }

  @Override
  public boolean createIfAbsent(Lease lease) {
    check();
    return real.createIfAbsent(lease);
  }

  @Override
  public Lease renew(Lease held) {
    check();
    return real.renew(held);
  }

  @Override
  public Lease take(Lease observed, String owner) {
    check();
    return real.take(observed, owner);
  }

  @Override
  public Lease handOff(Lease observed, String newOwner) {
    check();
    return real.handOff(observed, newOwner);
  }

  @Override
  public Lease release(Lease held) {
    check();
    return real.release(held);
  }

  @Override
  public Lease checkpoint(Lease held, Checkpoint checkpoint) {
    check();
    return real.checkpoint(held, checkpoint);
  }

  @Override
  public Lease prepareCheckpoint(Lease held, Checkpoint pending) {
    check();
    return real.prepareCheckpoint(held, pending);
  }

  @Override
  public void recordChildShards(String leaseKey, Set<String> childShardIds) {
    check();
    real.recordChildShards(leaseKey, childShardIds);
  }

  @Override
  public void delete(String leaseKey) {
    check();
    real.delete(leaseKey);
  }

  @Override
  public void close() {}
}
