package io.kinesislite.engine.internal;

import io.kinesislite.engine.internal.log.StoredRecord;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.TransportClosedException;
import io.kinesislite.transport.internal.TokenBucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fan-out subscription of a consumer to a shard. Every signal to the subscriber comes from one
 * drain loop at a time (a work counter serializes it), so signals never overlap; new data, demand,
 * heartbeats, the lifetime and errors only ask for another drain.
 *
 * <p>Thread-safe.
 */
final class ShardSubscription implements Flow.Subscription {
  private static final Logger log = LoggerFactory.getLogger(ShardSubscription.class);
  private static final int MAX_EVENT_RECORDS = 10_000;
  private static final long MAX_EVENT_BYTES = 1024 * 1024;
  // Events per turn on a delivery thread before it lets other subscriptions have it.
  private static final int EVENTS_PER_TURN = 32;
  private static final Flow.Subscription NOTHING =
      new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      };

  private final FanOut fanOut;
  private final Flow.Subscriber<? super ShardEvent> subscriber;
  final EngineStream stream;
  final String consumerName;
  private final EngineShard shard;
  private final String key;
  final Object owner;
  private final TokenBucket bytes;
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger work = new AtomicInteger();
  private final Runnable signal = this::signal;
  private volatile boolean heartbeatDue = true;
  private volatile boolean expired;
  private volatile RuntimeException pendingError;
  private volatile boolean done;
  // No signal but onSubscribe goes out before onSubscribe has returned (rule 1.3).
  private volatile boolean started;
  private volatile ScheduledFuture<?> heartbeat;
  private volatile ScheduledFuture<?> lifetimeEnd;

  // Touched only inside the drain loop.
  private long position;

  ShardSubscription(
      FanOut fanOut,
      Flow.Subscriber<? super ShardEvent> subscriber,
      EngineStream stream,
      String consumerName,
      EngineShard shard,
      long position,
      String key,
      Object owner) {
    this.fanOut = fanOut;
    this.subscriber = subscriber;
    this.stream = stream;
    this.consumerName = consumerName;
    this.shard = shard;
    this.position = position;
    this.key = key;
    this.owner = owner;
    this.bytes = fanOut.budget(key);
  }

  static void rejectSubscriber(Flow.Subscriber<? super ShardEvent> subscriber, Exception error) {
    subscriber.onSubscribe(NOTHING);
    subscriber.onError(error);
  }

  void start() {
    // Timers first: once the subscriber has this subscription it may end it, and release() must
    // then find the timers to cancel.
    long heartbeatMillis = FanOut.HEARTBEAT.toMillis();
    try {
      heartbeat =
          fanOut.timers.scheduleWithFixedDelay(
              () -> {
                heartbeatDue = true;
                signal();
              },
              heartbeatMillis,
              heartbeatMillis,
              TimeUnit.MILLISECONDS);
      lifetimeEnd =
          fanOut.timers.schedule(
              () -> {
                expired = true;
                signal();
              },
              fanOut.lifetime.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      release();
      rejectSubscriber(subscriber, new TransportClosedException("the engine is closed"));
      return;
    }
    shard.addDataListener(signal);
    subscriber.onSubscribe(this);
    started = true;
    signal(); // deliver what arrived, or failed, while onSubscribe ran
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      fail(new IllegalArgumentException("request(" + n + "): rule 3.9 wants a positive number"));
      return;
    }
    demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    signal();
  }

  @Override
  public void cancel() {
    done = true;
    release();
  }

  void fail(RuntimeException error) {
    pendingError = error;
    signal();
  }

  private void signal() {
    if (work.getAndIncrement() == 0) {
      execute();
    }
  }

  private void execute() {
    try {
      fanOut.deliveries.execute(this::drainLoop);
    } catch (RejectedExecutionException e) {
      // The engine closed; endAll() has told the subscriber, or is about to.
      done = true;
      release();
    }
  }

  private void drainLoop() {
    int missed = 1;
    do {
      boolean moreToDo;
      try {
        moreToDo = drain();
      } catch (RuntimeException e) {
        terminate(e);
        moreToDo = false;
      }
      if (moreToDo) {
        // Let other subscriptions have this thread; the work count stays raised, so no second
        // drain starts meanwhile and nothing signalled is lost.
        execute();
        return;
      }
      missed = work.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Delivers what it can; returns true if it stopped only to give up the thread. */
  private boolean drain() {
    if (!started) {
      return false; // start() signals again once onSubscribe has returned
    }
    int events = 0;
    while (!done) {
      if (events == EVENTS_PER_TURN) {
        return true;
      }
      if (pendingError != null) {
        terminate(pendingError);
        return false;
      }
      if (stream.deleted) {
        terminate(KinesisErrors.streamNotFound(stream.name));
        return false;
      }
      if (expired) {
        terminate(null); // Kinesis ends every subscription after five minutes
        return false;
      }
      if (demand.get() == 0) {
        return false;
      }
      if (bytes != null && !bytes.hasTokens()) {
        try {
          fanOut.timers.schedule(signal, 100, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          done = true; // the engine closed
        }
        return false;
      }
      List<StoredRecord> stored = shard.log.read(position, MAX_EVENT_RECORDS, MAX_EVENT_BYTES);
      if (!stored.isEmpty()) {
        deliver(stored);
        events++;
        continue;
      }
      long end = shard.endOffset();
      if (end >= 0 && position >= end && shard.log.readableEnd() >= end) {
        List<io.kinesislite.transport.ChildShard> children;
        stream.lock.readLock().lock();
        try {
          children = Reads.childShards(stream, shard);
        } finally {
          stream.lock.readLock().unlock();
        }
        emit(new ShardEvent(List.of(), Optional.empty(), 0, children));
        terminate(null);
        return false;
      }
      if (!heartbeatDue) {
        return false; // wait for data, a heartbeat, more demand or the end
      }
      heartbeatDue = false;
      emit(
          new ShardEvent(List.of(), Optional.of(shard.sequenceOfPosition(position)), 0, List.of()));
      events++;
    }
    return false;
  }

  private void deliver(List<StoredRecord> stored) {
    List<StreamRecord> records = new ArrayList<>(stored.size());
    long size = 0;
    for (StoredRecord r : stored) {
      records.add(Reads.toStreamRecord(shard, r));
      size += r.data().length;
    }
    position = stored.get(stored.size() - 1).offset() + 1;
    if (bytes != null) {
      bytes.takeAllowingDebt(size);
    }
    long behind =
        position >= shard.log.readableEnd()
            ? 0
            : Math.max(
                0, fanOut.state.clock.millis() - stored.get(stored.size() - 1).arrivalMillis());
    heartbeatDue = false;
    emit(
        new ShardEvent(
            records, Optional.of(shard.sequenceOfPosition(position)), behind, List.of()));
  }

  private void emit(ShardEvent event) {
    demand.decrementAndGet();
    try {
      subscriber.onNext(event);
    } catch (RuntimeException e) {
      // Rule 2.13: a subscriber that throws is treated as cancelled.
      log.warn("Fan-out subscriber of {} {} threw; cancelling it.", stream.name, shard.shardId, e);
      cancel();
    }
  }

  private void terminate(RuntimeException error) {
    if (done) {
      return;
    }
    done = true;
    release();
    if (error == null) {
      subscriber.onComplete();
    } else {
      subscriber.onError(error);
    }
  }

  private void release() {
    shard.removeDataListener(signal);
    fanOut.removed(key, this);
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    if (lifetimeEnd != null) {
      lifetimeEnd.cancel(false);
    }
  }
}
