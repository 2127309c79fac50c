package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates leases for the stream's shards that have none. With TRIM_HORIZON every shard gets one,
 * with its parents, so that the whole lineage is processed parent before child. With LATEST or
 * AT_TIMESTAMP only open shards get one at first (there is nothing new to read in a closed one); a
 * shard whose parent has a lease is a child born while consuming, and starts at its beginning.
 *
 * <p>Thread-safe (stateless between calls).
 */
final class ShardSync {
  private final KinesisTransport transport;
  private final LeaseStore store;
  private final String stream;
  private final InitialPosition initial;

  ShardSync(KinesisTransport transport, LeaseStore store, String stream, InitialPosition initial) {
    this.transport = transport;
    this.store = store;
    this.stream = stream;
    this.initial = initial;
  }

  /** Lists the shards and creates the missing leases; returns how many it created. */
  int sync() {
    List<Shard> shards = transport.listShards(stream).join();
    Map<String, Lease> leases = new HashMap<>();
    for (Lease l : store.list()) {
      leases.put(l.leaseKey(), l);
    }
    Set<String> known = new HashSet<>();
    shards.forEach(s -> known.add(s.shardId()));
    boolean fromStart = initial.checkpoint().equals(Checkpoint.TRIM_HORIZON);
    int created = 0;
    for (Shard shard : shards) {
      if (leases.containsKey(shard.shardId())) {
        continue;
      }
      Set<String> parents = new HashSet<>();
      shard.parentShardId().ifPresent(parents::add);
      shard.adjacentParentShardId().ifPresent(parents::add);
      boolean parentLeased = parents.stream().anyMatch(leases::containsKey);
      Checkpoint start;
      Set<String> waitFor;
      if (fromStart) {
        start = Checkpoint.TRIM_HORIZON;
        waitFor = new HashSet<>(parents);
        waitFor.retainAll(known); // parents past retention are gone: nothing to wait for
      } else if (parentLeased) {
        start = Checkpoint.TRIM_HORIZON;
        waitFor = new HashSet<>(parents);
        waitFor.retainAll(leases.keySet());
      } else if (shard.isOpen()) {
        start = initial.checkpoint();
        waitFor = Set.of();
      } else {
        continue;
      }
      if (store.createIfAbsent(
          Lease.newLease(shard.shardId(), start, waitFor, shard.hashKeyRange()))) {
        created++;
      }
    }
    return created;
  }
}
