package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.KinesisTransport;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's one I/O thread: wakes at the next buffering deadline, retry or token refill (or
 * when woken), moves what is due from the shard queues into put-many calls, and starts them. It
 * never waits for an answer and holds no lock while a call runs; answers come back on the
 * transport's threads to {@link Responses}. {@link #runOnce()} is one round, for tests.
 *
 * <p>Thread-safe: {@link #wake()} and {@link #flush(String)} may be called from any thread.
 */
final class Sender implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Sender.class);
  private static final long MAX_SLEEP_MILLIS = 1_000;
  private static final long EXPIRY_SCAN_MILLIS = 50;

  private final ProducerConfig config;
  private final Clock clock;
  private final KinesisTransport transport;
  private final Collection<StreamPipeline> pipelines;
  private final Responses responses;
  private final Completions completions;
  private final ProducerMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition woken = lock.newCondition();
  // Set by wake(); cleared when a round starts. Adds call wake() often, so the common case (a
  // round already asked for) is one atomic operation, not a lock.
  private final java.util.concurrent.atomic.AtomicBoolean signalled =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean running = true;
  private volatile boolean flushAll;
  private volatile long plannedWakeMillis = Long.MAX_VALUE;
  private final java.util.Set<String> flushStreams =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private long nextExpiryScan;

  Sender(
      ProducerConfig config,
      Clock clock,
      KinesisTransport transport,
      Collection<StreamPipeline> pipelines,
      Responses responses,
      Completions completions,
      ProducerMetrics metrics) {
    this.config = config;
    this.clock = clock;
    this.transport = transport;
    this.pipelines = pipelines;
    this.responses = responses;
    this.completions = completions;
    this.metrics = metrics;
  }

  @Override
  public void run() {
    while (running) {
      long wake;
      signalled.set(false);
      try {
        wake = runOnce();
      } catch (RuntimeException | AssertionError e) {
        // One bad round must not stop the producer; the next round tries again.
        log.error("The producer's sender round failed; continuing.", e);
        wake = clock.millis() + 100;
      }
      sleepUntil(wake);
    }
  }

  /** Runs one round; returns when the next is due, in clock milliseconds. */
  long runOnce() {
    long now = clock.millis();
    long wake = now + MAX_SLEEP_MILLIS;
    boolean flushEverything = flushAll;
    boolean scanExpiry = now >= nextExpiryScan;
    if (scanExpiry) {
      nextExpiryScan = now + EXPIRY_SCAN_MILLIS;
    }
    for (StreamPipeline pipeline : pipelines) {
      pipeline.maybeRefresh(now);
      if (scanExpiry) {
        expire(pipeline, now);
      }
      boolean flush = flushEverything || flushStreams.remove(pipeline.name);
      wake = Math.min(wake, Math.max(now + 1, pipeline.nextRefreshMillis()));
      if (config.strictOrdering() && pipeline.waitingForRetired()) {
        continue; // a closed shard's put is unanswered: records routed anew wait for it
      }
      List<ShardQueue> queues = pipeline.queues();
      if (!flush) {
        long due = dueMillis(queues, now);
        if (due > now) {
          wake = Math.min(wake, due);
          continue; // nothing must go yet: let more records join the put
        }
      }
      Batch batch = newBatch(pipeline);
      for (ShardQueue queue : queues) {
        long due = queue.collect(batch, now, flush);
        while (due <= now && batch.isFull()) {
          batch = send(batch);
          due = queue.collect(batch, now, flush);
        }
        wake = Math.min(wake, due);
      }
      if (!batch.isEmpty()) {
        send(batch);
      }
    }
    metrics.userRecordsPending(completions.count());
    return wake;
  }

  /**
   * Returns when a stream's next put must go, as the KPL's collector decides: when any record's
   * buffering deadline passes or a retry is due, or as soon as enough is ready to fill a put
   * ({@code CollectionMaxCount} entries or {@code CollectionMaxSize} bytes) or one shard has {@link
   * ShardQueue#SHARD_FLUSH_BYTES} ready. Once one goes, it takes along whatever else is ready.
   */
  private long dueMillis(List<ShardQueue> queues, long now) {
    long due = Long.MAX_VALUE;
    long entries = 0;
    long bytes = 0;
    for (ShardQueue queue : queues) {
      due = Math.min(due, queue.sendBy(now));
      entries += queue.readyEntries();
      bytes += queue.readyBytes();
    }
    if (entries >= config.collectionMaxCount() || bytes >= Batch.maxBytes(config)) {
      return now;
    }
    return due;
  }

  private Batch newBatch(StreamPipeline pipeline) {
    return new Batch(pipeline, config.collectionMaxCount(), Batch.maxBytes(config));
  }

  // Starts the call and returns a fresh batch for the same stream.
  private Batch send(Batch batch) {
    long now = clock.millis();
    batch.sentAtMillis = now;
    for (OutgoingRecord record : batch.records) {
      for (UserRecord member : record.members) {
        if (member.firstSentMillis < 0) {
          member.firstSentMillis = now;
          metrics.bufferingTime(member.stream, record.predictedShardId, now - member.arrivalMillis);
        }
      }
    }
    CompletableFutureSafety.run(
        () -> transport.putRecords(batch.pipeline.name, batch.entries()),
        (result, error) -> responses.handle(batch, result, error));
    return newBatch(batch.pipeline);
  }

  private void expire(StreamPipeline pipeline, long now) {
    List<StreamPipeline.Misrouted> parked = pipeline.takeExpiredMisrouted(now);
    if (!parked.isEmpty()) {
      responses.expireMisrouted(parked);
    }
    for (ShardQueue queue : pipeline.queues()) {
      List<UserRecord> expired = queue.takeExpired(now);
      if (!expired.isEmpty()) {
        responses.expire(pipeline.name, expired, queue.shardId != null ? queue.shardId : "unknown");
      }
    }
  }

  /** Asks for a round as soon as possible. */
  void wake() {
    if (signalled.getAndSet(true)) {
      return;
    }
    lock.lock();
    try {
      woken.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes the sender only if {@code deadline} comes before its planned round. */
  void wakeBy(long deadline) {
    if (deadline < plannedWakeMillis) {
      wake();
    }
  }

  /** Sends every stream's buffered records now (and from now on, when {@code sticky}). */
  void flushAll(boolean sticky) {
    if (sticky) {
      flushAll = true;
    } else {
      for (StreamPipeline p : pipelines) {
        flushStreams.add(p.name);
      }
    }
    wake();
  }

  void flush(String stream) {
    flushStreams.add(stream);
    wake();
  }

  void stop() {
    running = false;
    wake();
  }

  private void sleepUntil(long wakeMillis) {
    plannedWakeMillis = wakeMillis;
    lock.lock();
    try {
      long waitMillis = wakeMillis - clock.millis();
      if (!signalled.get() && waitMillis > 0 && running) {
        woken.await(waitMillis, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
      // Until the next round has planned its wake, any earlier deadline must wake it.
      plannedWakeMillis = Long.MAX_VALUE;
    }
  }
}
