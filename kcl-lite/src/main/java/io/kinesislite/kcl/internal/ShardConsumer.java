package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseLostException;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.transport.AggregateDecoder;
import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.CorruptAggregateException;
import io.kinesislite.transport.ExpiredIteratorException;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.UserRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one leased shard on its own thread: waits until every parent shard has ended, then
 * reads the shard from its checkpoint, takes KPL aggregates apart (dropping members outside the
 * shard's hash range, as a mis-routed aggregate would carry), skips what the checkpoint already
 * covers, and hands batches to the shard's record processor; at the shard's end it creates the
 * children's leases and asks the processor to checkpoint SHARD_END.
 *
 * <p>It stops when the lease is lost ({@code leaseLost}), when the worker shuts down gracefully
 * ({@code shutdownRequested}, then the lease is released) or at the shard's end. A processor that
 * throws gets the same batch again after a backoff. Thread-safe: {@link #stop} and {@link
 * #leaseLost} may be called from any thread.
 */
final class ShardConsumer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ShardConsumer.class);
  private static final long FIRST_READ_WAIT_MILLIS = 20;
  // Reads failing without a break for this long are worth a warning (then one a minute): a shard
  // that cannot be read (a damaged store, a missing permission) must not stay stuck quietly.
  private static final long FAILING_WARN_AFTER_MILLIS = 30_000;
  private static final long FAILING_WARN_EVERY_MILLIS = 60_000;

  private final String shardId;
  private final ConsumerConfig config;
  private final KinesisTransport transport;
  private final LeaseStore store;
  private final LeaseCoordinator coordinator;
  private final RecordProcessor processor;
  private final ConsumerMetrics metrics;
  private final ShardCheckpointer checkpointer;
  private final CountDownLatch stopped = new CountDownLatch(1); // counted down to wake waits
  private volatile boolean shutdownRequested;
  private volatile boolean lost;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private long failingSinceMillis = -1; // the consumer thread only
  private long warnedAtMillis;

  ShardConsumer(
      String shardId,
      ConsumerConfig config,
      KinesisTransport transport,
      LeaseStore store,
      LeaseCoordinator coordinator,
      RecordProcessor processor,
      ConsumerMetrics metrics) {
    this.shardId = shardId;
    this.config = config;
    this.transport = transport;
    this.store = store;
    this.coordinator = coordinator;
    this.processor = processor;
    this.metrics = metrics;
    this.checkpointer = new ShardCheckpointer(shardId, coordinator, store, metrics);
  }

  /** Completes when this consumer's thread is done with the shard. */
  CompletableFuture<Void> done() {
    return done;
  }

  /** Asks for a graceful stop: the processor may checkpoint, then the lease is released. */
  void stop() {
    shutdownRequested = true;
    stopped.countDown();
  }

  /** The lease is gone: stop without checkpointing. */
  void leaseLost() {
    lost = true;
    stopped.countDown();
  }

  private boolean running() {
    return !lost && !shutdownRequested && coordinator.held(shardId).isPresent();
  }

  @Override
  public void run() {
    boolean initialized = false;
    try {
      if (!waitForParents()) {
        return;
      }
      Lease lease = coordinator.held(shardId).map(LeaseCoordinator.Held::lease).orElse(null);
      if (lease == null) {
        return;
      }
      Checkpoint start = lease.checkpoint();
      processor.initialize(shardId, start);
      initialized = true;
      consume(lease, start);
    } catch (LeaseLostException e) {
      log.info("Shard {}: lease lost: {}", shardId, e.getMessage());
      lost = true;
    } catch (RuntimeException e) {
      log.error("Shard {}: consumer failed; the lease will be released", shardId, e);
    } finally {
      finish(initialized);
    }
  }

  private void finish(boolean initialized) {
    try {
      if (initialized && !lost && shutdownRequested && coordinator.held(shardId).isPresent()) {
        try {
          processor.shutdownRequested(checkpointer);
        } catch (RuntimeException e) {
          log.error("Shard {}: shutdownRequested threw", shardId, e);
        }
      } else if (initialized && (lost || coordinator.held(shardId).isEmpty())) {
        metrics.leaseLost();
        try {
          processor.leaseLost();
        } catch (RuntimeException e) {
          log.error("Shard {}: leaseLost threw", shardId, e);
        }
      }
      if (!lost && coordinator.held(shardId).isPresent()) {
        coordinator.release(shardId);
      }
    } finally {
      done.complete(null);
    }
  }

  // Returns false if stopped while waiting.
  private boolean waitForParents() {
    while (running()) {
      Lease lease = coordinator.held(shardId).map(LeaseCoordinator.Held::lease).orElse(null);
      if (lease == null) {
        return false;
      }
      boolean ready = true;
      try {
        for (String parent : lease.parentShardIds()) {
          Optional<Lease> p = store.get(parent);
          if (p.isPresent() && !p.get().checkpoint().isShardEnd()) {
            ready = false;
          }
        }
      } catch (KinesisLiteException e) {
        log.warn("Shard {}: reading its parents' leases failed: {}", shardId, e.toString());
        ready = false;
      }
      if (ready) {
        return true;
      }
      pause(config.takeInterval().toMillis());
    }
    return false;
  }

  private void consume(Lease lease, Checkpoint start) {
    Optional<HashKeyRange> range = lease.hashKeyRange();
    Checkpoint position = start; // the last position processed, or the starting sentinel
    long readWait = FIRST_READ_WAIT_MILLIS;
    try (ShardReader reader =
        config.enhancedFanOut()
            ? new FanOutReader(transport, config, config.applicationName(), shardId)
            : new PollingReader(transport, config, shardId)) {
      while (running()) {
        ShardReader.Page page;
        try {
          page = reader.next(position, config.idleWait().toMillis());
        } catch (ExpiredIteratorException e) {
          continue; // the reader starts again from the position
        } catch (ResourceNotFoundException e) {
          log.warn("Shard {}: the stream, shard or consumer is gone: {}", shardId, e.getMessage());
          readFailed(e);
          pause(config.idleWait().toMillis());
          continue;
        } catch (KinesisLiteException e) {
          log.debug("Shard {}: read failed, backing off: {}", shardId, e.toString());
          readFailed(e);
          pause(readWait = Math.min(config.idleWait().toMillis(), readWait * 2));
          continue;
        }
        failingSinceMillis = -1;
        List<ConsumerRecord> batch = userRecords(page.records(), range, position);
        if (!batch.isEmpty()) {
          if (!deliver(batch, page.millisBehind())) {
            return; // stopped before the processor took the batch: it was never seen
          }
          position = batch.get(batch.size() - 1).checkpoint();
        }
        if (page.shardEnd()) {
          shardEnd(page.children());
          return;
        }
        if (config.enhancedFanOut()) {
          continue; // the service pushes: no waiting between reads
        }
        if (!page.records().isEmpty() && page.millisBehind() > 0) {
          readWait = FIRST_READ_WAIT_MILLIS; // behind: the next page is already on its way
        } else {
          pause(readWait); // caught up: wait longer each time, up to idleWait
          readWait = Math.min(config.idleWait().toMillis(), readWait * 2);
        }
      }
    }
  }

  private void readFailed(KinesisLiteException e) {
    metrics.readFailed(shardId, e);
    long now = config.clock().millis();
    if (failingSinceMillis < 0) {
      failingSinceMillis = now;
      return;
    }
    if (now - failingSinceMillis >= FAILING_WARN_AFTER_MILLIS
        && now - warnedAtMillis >= FAILING_WARN_EVERY_MILLIS) {
      warnedAtMillis = now;
      log.warn(
          "Shard {}: every read has failed for {} s; it is not processed until reads succeed."
              + " Trying again: {}",
          shardId,
          (now - failingSinceMillis) / 1000,
          e.toString());
    }
  }

  // Plain records and the members of aggregates, in shard order, after {@code position}.
  private List<ConsumerRecord> userRecords(
      List<StreamRecord> records, Optional<HashKeyRange> range, Checkpoint position) {
    List<ConsumerRecord> out = new ArrayList<>(records.size());
    for (StreamRecord r : records) {
      byte[] data = r.dataBytes();
      List<UserRecord> members = null;
      if (AggregateDecoder.isAggregated(data)) {
        try {
          members = AggregateDecoder.decode(data);
        } catch (CorruptAggregateException e) {
          log.warn(
              "Shard {}: record {} looks aggregated but is not; delivered as it is",
              shardId,
              r.sequenceNumber());
        }
      }
      if (members == null) {
        add(
            out,
            position,
            new ConsumerRecord(
                r.data(),
                r.partitionKey(),
                r.explicitHashKey(),
                r.sequenceNumber(),
                0,
                r.arrivalTime(),
                false));
        continue;
      }
      for (UserRecord u : members) {
        if (range.isPresent() && !range.get().contains(u.hashKey())) {
          continue; // a member of a mis-routed aggregate: the producer sends it again
        }
        add(
            out,
            position,
            new ConsumerRecord(
                u.data(),
                u.partitionKey(),
                u.explicitHashKey(),
                r.sequenceNumber(),
                u.subSequenceNumber(),
                r.arrivalTime(),
                true));
      }
    }
    return out;
  }

  private static void add(List<ConsumerRecord> out, Checkpoint position, ConsumerRecord r) {
    if (position.isSentinel() || r.checkpoint().compareTo(position) > 0) {
      out.add(r);
    }
  }

  /**
   * Hands the batch to the processor until it takes it; returns false if the consumer stopped
   * first. The checkpointer counts the batch as delivered only while a processRecords call holds
   * it: a batch read just before a graceful stop, or one the processor threw on, must not be
   * covered by the processor's "checkpoint what I was given" in shutdownRequested.
   */
  private boolean deliver(List<ConsumerRecord> batch, long millisBehind) {
    Checkpoint last = batch.get(batch.size() - 1).checkpoint();
    while (running()) {
      Checkpoint before = checkpointer.delivered(last);
      try {
        processor.processRecords(List.copyOf(batch), checkpointer, millisBehind);
        long bytes = 0;
        for (ConsumerRecord r : batch) {
          bytes += r.data().remaining();
        }
        metrics.processed(shardId, batch.size(), bytes, millisBehind);
        return true;
      } catch (LeaseLostException e) {
        throw e;
      } catch (RuntimeException e) {
        checkpointer.delivered(before);
        log.error(
            "Shard {}: the record processor threw on a batch of {} records from {}; giving it"
                + " the same batch again in {} ms",
            shardId,
            batch.size(),
            batch.get(0).checkpoint(),
            config.processorRetryBackoff().toMillis(),
            e);
        pause(config.processorRetryBackoff().toMillis());
      }
    }
    return false;
  }

  private void shardEnd(List<ChildShard> children) {
    for (ChildShard child : children) {
      store.createIfAbsent(
          Lease.newLease(
              child.shardId(),
              Checkpoint.TRIM_HORIZON,
              Set.copyOf(child.parentShards()),
              child.hashKeyRange()));
    }
    checkpointer.shardEnded();
    while (running()) {
      processor.shardEnded(checkpointer);
      Lease now = coordinator.held(shardId).map(LeaseCoordinator.Held::lease).orElse(null);
      if (now == null) {
        throw new LeaseLostException("lost the lease of shard " + shardId + " at its end");
      }
      if (now.checkpoint().isShardEnd()) {
        Set<String> ids = new java.util.HashSet<>();
        children.forEach(c -> ids.add(c.shardId()));
        store.recordChildShards(shardId, ids);
        log.info("Shard {} ended; children {}", shardId, ids);
        return;
      }
      log.error(
          "Shard {}: the processor did not checkpoint SHARD_END in shardEnded; its children wait."
              + " Asking again in {} ms",
          shardId,
          config.processorRetryBackoff().toMillis());
      pause(config.processorRetryBackoff().toMillis());
    }
  }

  private <T> T call(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lost = true;
      throw new LeaseLostException("interrupted");
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  private static RuntimeException unwrap(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof RuntimeException r) {
      return r;
    }
    return new io.kinesislite.transport.TransportIoException(cause.toString(), null, cause);
  }

  // Waits, but wakes at once when stopped.
  private void pause(long millis) {
    try {
      stopped.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lost = true;
    }
  }
}
