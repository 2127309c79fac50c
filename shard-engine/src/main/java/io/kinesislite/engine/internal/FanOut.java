package io.kinesislite.engine.internal;

import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.TransportClosedException;
import io.kinesislite.transport.internal.TokenBucket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Enhanced fan-out: subscriptions that push a shard's records to a registered consumer as they
 * arrive. As in Kinesis, a consumer has at most one subscription per shard, receives at most 2 MiB
 * per second from it (when limits are on), gets an event at least every 5 seconds, and each
 * subscription ends after 5 minutes; the subscriber resubscribes from the last continuation
 * sequence number.
 *
 * <p>Thread-safe. Deliveries run on the engine's scheduler threads; subscribers should return from
 * {@code onNext} quickly.
 */
final class FanOut {
  static final Duration HEARTBEAT = Duration.ofSeconds(5);

  /** Per consumer and shard, as in Kinesis: 2 MiB per second, across resubscriptions. */
  static final int CONSUMER_BYTES_PER_SECOND = 2 * 1024 * 1024;

  final EngineState state;

  /** Timers: heartbeats, lifetimes, pacing retries. */
  final ScheduledExecutorService timers;

  /** Deliveries to subscribers, apart from the timers so that a busy subscriber delays no timer. */
  final Executor deliveries;

  final Duration lifetime;
  private final ConcurrentMap<String, ShardSubscription> active = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, TokenBucket> budgets = new ConcurrentHashMap<>();

  FanOut(
      EngineState state, ScheduledExecutorService timers, Executor deliveries, Duration lifetime) {
    this.state = state;
    this.timers = timers;
    this.deliveries = deliveries;
    this.lifetime = lifetime;
  }

  /** Returns the byte budget of a consumer on a shard, or null when limits are off. */
  TokenBucket budget(String key) {
    if (!state.config.limitsEnabled()) {
      return null;
    }
    return budgets.computeIfAbsent(
        key,
        k -> new TokenBucket(state.clock, CONSUMER_BYTES_PER_SECOND, CONSUMER_BYTES_PER_SECOND));
  }

  Flow.Publisher<ShardEvent> publisher(
      String streamName,
      String consumerName,
      String shardId,
      StartingPosition position,
      Object owner) {
    return subscriber -> subscribe(subscriber, streamName, consumerName, shardId, position, owner);
  }

  private void subscribe(
      Flow.Subscriber<? super ShardEvent> subscriber,
      String streamName,
      String consumerName,
      String shardId,
      StartingPosition position,
      Object owner) {
    Objects.requireNonNull(subscriber, "subscriber == null");
    ShardSubscription subscription;
    try {
      EngineStream stream = state.stream(streamName);
      // Under the stream's lock, so that checking the consumer and registering the subscription
      // are one step against a deregistration, which takes the write lock.
      stream.lock.readLock().lock();
      try {
        Consumers.find(stream, consumerName);
        EngineShard shard = Reads.shard(stream, shardId);
        long offset = Reads.startOffset(shard, position);
        String key = key(stream, consumerName, shard.ordinal);
        subscription =
            new ShardSubscription(
                this, subscriber, stream, consumerName, shard, offset, key, owner);
        if (active.putIfAbsent(key, subscription) != null) {
          throw KinesisErrors.inUse(
              "Another active subscription exists for consumer "
                  + consumerName
                  + " on shard "
                  + shardId
                  + " of stream "
                  + streamName
                  + ".");
        }
      } finally {
        stream.lock.readLock().unlock();
      }
    } catch (KinesisLiteException e) {
      ShardSubscription.rejectSubscriber(subscriber, e);
      return;
    }
    subscription.start();
  }

  void removed(String key, ShardSubscription subscription) {
    active.remove(key, subscription);
  }

  /**
   * Ends the consumer's subscriptions (or all of the stream's, for a null consumer) with an error.
   */
  void endSubscriptions(EngineStream stream, String consumerName) {
    forgetBudgets(stream, consumerName);
    for (ShardSubscription s : active.values()) {
      if (s.stream == stream && (consumerName == null || s.consumerName.equals(consumerName))) {
        s.fail(
            consumerName == null
                ? KinesisErrors.streamNotFound(stream.name)
                : KinesisErrors.notFound(
                    "Consumer " + consumerName + " was deregistered from stream " + stream.name));
      }
    }
  }

  void endSubscriptionsOf(Object owner, RuntimeException error) {
    for (ShardSubscription s : active.values()) {
      if (s.owner == owner) {
        s.fail(error);
      }
    }
  }

  /** Forgets a consumer's byte budgets once it is gone. */
  void forgetBudgets(EngineStream stream, String consumerName) {
    String prefix = stream.incarnation + "/" + (consumerName == null ? "" : consumerName + "/");
    budgets.keySet().removeIf(k -> k.startsWith(prefix));
  }

  void endAll() {
    for (ShardSubscription s : active.values()) {
      s.fail(new TransportClosedException("the engine was closed"));
    }
  }

  private static String key(EngineStream stream, String consumerName, int ordinal) {
    return stream.incarnation + "/" + consumerName + "/" + ordinal;
  }
}
