package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardMap;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the producer keeps for one stream: the shard map used to predict where each record
 * goes, a queue per predicted shard, and a queue for records sent before the map is known.
 *
 * <p>The map comes from ListShards and is fetched again, with backoff on failure, whenever a record
 * lands on a shard other than predicted. A new map retires the queues of shards that closed and
 * routes their records anew, so that aggregates always hold records of one open shard.
 *
 * <p>Thread-safe.
 */
final class StreamPipeline {
  private static final Logger log = LoggerFactory.getLogger(StreamPipeline.class);
  private static final long FIRST_REFRESH_BACKOFF_MILLIS = 1_000;
  private static final long MAX_REFRESH_BACKOFF_MILLIS = 30_000;

  final String name;
  private final ProducerConfig config;
  private final Clock clock;
  private final KinesisTransport transport;
  private final Runnable wakeSender;
  private final ConcurrentMap<String, ShardQueue> queues = new ConcurrentHashMap<>();
  final ShardQueue unpredicted;

  private volatile ShardMap shardMap; // null until the first fetch succeeds
  private volatile Map<String, HashKeyRange> ranges = Map.of(); // every known shard, open or not
  private volatile KinesisLiteException missing; // set while the stream does not exist
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile boolean refreshWanted = true;
  private volatile long nextRefreshMillis;
  private long refreshBackoffMillis = FIRST_REFRESH_BACKOFF_MILLIS; // guarded by refreshing
  // Aggregates that landed on an unexpected shard, judged once the new map is in.
  private final List<Misrouted> misrouted = new ArrayList<>(); // guarded by itself

  /**
   * An aggregate put on {@code actual} instead of where it was predicted to go, parked until a map
   * fetched after its answer can judge it ({@code refreshesBefore}: refreshes started before).
   */
  record Misrouted(
      StreamPipeline pipeline,
      OutgoingRecord record,
      ShardQueue queue,
      PutResult actual,
      long refreshesBefore) {}

  private final java.util.concurrent.atomic.AtomicLong refreshesStarted =
      new java.util.concurrent.atomic.AtomicLong();
  // Under strict order: retired queues whose puts are still unanswered. Until they answer, nothing
  // of this stream is sent, so that records routed anew cannot overtake them.
  private final java.util.Set<ShardQueue> draining = ConcurrentHashMap.newKeySet();
  // A new map is published and the records that waited for it are moved to their shards' queues
  // in one step, so that no record added meanwhile can reach a shard queue, and be sent, ahead of
  // older records of its key still waiting to move. Adders hold the read lock while they route;
  // applying a map takes the write lock.
  private final java.util.concurrent.locks.ReentrantReadWriteLock mapSwitch =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  StreamPipeline(
      String name,
      ProducerConfig config,
      Clock clock,
      KinesisTransport transport,
      Runnable wakeSender) {
    this.name = name;
    this.config = config;
    this.clock = clock;
    this.transport = transport;
    this.wakeSender = wakeSender;
    this.unpredicted = new ShardQueue(null, config, clock);
  }

  /** Returns the error that says the stream does not exist, while that is so. */
  Optional<KinesisLiteException> missing() {
    return Optional.ofNullable(missing);
  }

  /** Routes a record to the queue of its predicted shard; wakes the sender if it should look. */
  void route(UserRecord record, long deadline) {
    mapSwitch.readLock().lock();
    try {
      route(record, deadline, false);
    } finally {
      mapSwitch.readLock().unlock();
    }
  }

  private void route(UserRecord record, long deadline, boolean again) {
    if (again && config.strictOrdering()) {
      routeOlder(List.of(record), deadline);
      return;
    }
    while (true) {
      ShardMap map = shardMap;
      ShardQueue queue = queueFor(map, record);
      ShardQueue.Added added = queue.add(record, deadline);
      if (added == ShardQueue.Added.RETIRED) {
        continue; // the map changed under us; the new one knows where it goes
      }
      if (added == ShardQueue.Added.READY) {
        wakeSender.run();
      }
      if (queue == unpredicted && map == null && shardMap != null) {
        // The map arrived while we added: the drain that came with it may have missed this one,
        // which would then travel after records of its key added later.
        routeOlder(unpredicted.drainAll(false), clock.millis());
      }
      return;
    }
  }

  private ShardQueue queueFor(ShardMap map, UserRecord record) {
    if (map != null) {
      Optional<Shard> shard = map.shardFor(record.hashKey);
      if (shard.isPresent()) {
        return queues.computeIfAbsent(
            shard.get().shardId(), id -> new ShardQueue(id, config, clock));
      }
    }
    return unpredicted;
  }

  // Under strict order, records routed again are older than what their new queues may hold: each
  // queue gets its share in add order, ahead of its newer records.
  private void routeOlder(List<UserRecord> records, long notBeforeMillis) {
    List<UserRecord> left = records;
    while (!left.isEmpty()) {
      ShardMap map = shardMap;
      Map<ShardQueue, List<UserRecord>> byQueue = new java.util.LinkedHashMap<>();
      for (UserRecord r : left) {
        byQueue.computeIfAbsent(queueFor(map, r), q -> new ArrayList<>()).add(r);
      }
      List<UserRecord> again = new ArrayList<>();
      for (Map.Entry<ShardQueue, List<UserRecord>> e : byQueue.entrySet()) {
        if (e.getKey().addOlder(e.getValue(), notBeforeMillis) == ShardQueue.Added.RETIRED) {
          again.addAll(e.getValue()); // the map changed under us; route these with the new one
        }
      }
      left = again;
    }
    wakeSender.run();
  }

  /** Returns every queue, the unpredicted one first. */
  List<ShardQueue> queues() {
    List<ShardQueue> all = new ArrayList<>(queues.size() + 1);
    all.add(unpredicted);
    all.addAll(queues.values());
    return all;
  }

  /** Puts a retry back in its queue, or routes its members anew if the queue's shard closed. */
  void retry(OutgoingRecord record, ShardQueue queue) {
    if (queue == unpredicted && shardMap != null) {
      reroute(record.members, record.notBeforeMillis);
      return;
    }
    if (!queue.retry(record)) {
      reroute(record.members, record.notBeforeMillis);
    }
  }

  private void reroute(List<UserRecord> members, long notBeforeMillis) {
    if (config.strictOrdering()) {
      routeOlder(members, Math.max(notBeforeMillis, clock.millis()));
      return;
    }
    for (UserRecord member : members) {
      // The backoff becomes the buffering deadline, so the member waits it out in its new queue.
      route(member, Math.max(notBeforeMillis, clock.millis()), true);
    }
  }

  /** Asks for a new shard map, for example after a record landed on an unexpected shard. */
  void requestRefresh() {
    refreshWanted = true;
  }

  /** Starts fetching the shard map if one is wanted and the backoff allows; never waits. */
  void maybeRefresh(long now) {
    if (!refreshWanted || now < nextRefreshMillis || !refreshing.compareAndSet(false, true)) {
      return;
    }
    refreshWanted = false;
    long started = refreshesStarted.incrementAndGet();
    CompletableFutureSafety.run(
        () -> transport.listShards(name),
        (shards, error) -> {
          try {
            if (error == null) {
              applyMap(shards, started);
            } else {
              refreshFailed(error);
            }
          } catch (RuntimeException e) {
            log.warn("Applying the shard map of {} failed; fetching it again later", name, e);
            refreshFailed(e);
          } finally {
            refreshing.set(false);
            wakeSender.run();
          }
        });
  }

  private void applyMap(List<Shard> shards, long refresh) {
    mapSwitch.writeLock().lock();
    try {
      switchMap(shards);
    } finally {
      mapSwitch.writeLock().unlock();
    }
    judgeMisrouted(refresh);
  }

  private void switchMap(List<Shard> shards) {
    refreshBackoffMillis = FIRST_REFRESH_BACKOFF_MILLIS;
    missing = null;
    Map<String, HashKeyRange> all = new HashMap<>();
    for (Shard s : shards) {
      all.put(s.shardId(), s.hashKeyRange());
    }
    ShardMap map = ShardMap.of(shards);
    ranges = all;
    shardMap = map;
    unpredicted.mapKnown();
    // Retire the queues of shards no longer open, then route their records and the records that
    // waited for a map; in the order they were added.
    List<UserRecord> again = new ArrayList<>(unpredicted.drainAll(false));
    for (ShardQueue queue : queues.values()) {
      boolean open = map.openShards().stream().anyMatch(s -> s.shardId().equals(queue.shardId));
      if (!open) {
        again.addAll(queue.drainAll(true));
        queues.remove(queue.shardId, queue);
        if (config.strictOrdering() && queue.inFlight() > 0) {
          draining.add(queue);
        }
      }
    }
    again.sort(java.util.Comparator.comparingLong(r -> r.seq));
    // Ahead of what their new queues hold (records added since the map arrived are newer), and at
    // once: they waited for the map already.
    routeOlder(again, clock.millis());
  }

  private void refreshFailed(Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof ResourceNotFoundException notFound) {
      missing = notFound;
    }
    nextRefreshMillis = clock.millis() + refreshBackoffMillis;
    refreshBackoffMillis = Math.min(MAX_REFRESH_BACKOFF_MILLIS, refreshBackoffMillis * 3 / 2);
    refreshWanted = true;
    log.debug("Listing the shards of {} failed; trying again later: {}", name, cause.toString());
  }

  /** Keeps an aggregate that landed on an unexpected shard until a new map can judge it. */
  void misrouted(OutgoingRecord record, ShardQueue queue, PutResult actual) {
    synchronized (misrouted) {
      misrouted.add(new Misrouted(this, record, queue, actual, refreshesStarted.get()));
    }
    requestRefresh();
  }

  /** Takes out parked aggregates whose time to live ended; the caller fails them. */
  List<Misrouted> takeExpiredMisrouted(long now) {
    List<Misrouted> expired = new ArrayList<>();
    synchronized (misrouted) {
      for (java.util.Iterator<Misrouted> it = misrouted.iterator(); it.hasNext(); ) {
        Misrouted m = it.next();
        if (m.record().expiryMillis <= now) {
          expired.add(m);
          it.remove();
        }
      }
    }
    return expired;
  }

  /**
   * Returns true while, under strict order, a retired queue still awaits answers: nothing of this
   * stream may be sent until then.
   */
  boolean waitingForRetired() {
    draining.removeIf(q -> q.inFlight() == 0);
    return !draining.isEmpty();
  }

  /** Returns when a wanted shard-map fetch may start, in clock milliseconds, or never. */
  long nextRefreshMillis() {
    return refreshWanted ? nextRefreshMillis : Long.MAX_VALUE;
  }

  /** The judgement of misrouted aggregates; the handler completes or retries them. */
  interface MisroutedJudge {
    void allInRange(Misrouted m);

    void someOutOfRange(Misrouted m);
  }

  private volatile MisroutedJudge judge;

  void judge(MisroutedJudge judge) {
    this.judge = judge;
  }

  // An aggregate whose members all hash into the shard it landed on is where it belongs (a merge
  // child covers both parents); otherwise a consumer that checks ranges, like the KCL, would
  // drop it, so its members are sent again one by one.
  private void judgeMisrouted(long refresh) {
    List<Misrouted> pending = new ArrayList<>();
    synchronized (misrouted) {
      // Only a map fetched after the put was answered knows the shard it landed on.
      for (java.util.Iterator<Misrouted> it = misrouted.iterator(); it.hasNext(); ) {
        Misrouted m = it.next();
        if (m.refreshesBefore() < refresh) {
          pending.add(m);
          it.remove();
        }
      }
      if (!misrouted.isEmpty()) {
        requestRefresh();
      }
    }
    Map<String, HashKeyRange> known = ranges;
    for (Misrouted m : pending) {
      HashKeyRange range = known.get(m.actual().shardId());
      boolean inRange = range != null;
      for (UserRecord member : m.record().members) {
        inRange &= range != null && range.contains(member.hashKey);
      }
      if (inRange) {
        judge.allInRange(m);
      } else {
        judge.someOutOfRange(m);
      }
    }
  }

  /** Routes members anew, for the handler of a misrouted aggregate. */
  void rerouteMembers(List<UserRecord> members, long notBeforeMillis) {
    reroute(members, notBeforeMillis);
  }

  boolean isIdle() {
    for (ShardQueue q : queues()) {
      if (!q.isIdle()) {
        return false;
      }
    }
    synchronized (misrouted) {
      return misrouted.isEmpty();
    }
  }
}
