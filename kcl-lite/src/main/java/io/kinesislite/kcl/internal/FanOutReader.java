package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.TransportIoException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Reads a shard through an enhanced fan-out subscription: the service pushes events as records
 * arrive. One event is requested at a time, so at most one event waits unprocessed (back-pressure
 * all the way to the service). A subscription that ends (Kinesis ends them after 5 minutes) or
 * fails is started again from the consumer's position.
 *
 * <p>Not thread-safe: one consumer thread uses it; the subscription's signals arrive on transport
 * threads and only touch the queue.
 */
final class FanOutReader implements ShardReader {
  private final KinesisTransport transport;
  private final ConsumerConfig config;
  private final String consumerName;
  private final String shardId;
  private Subscriber current;

  /** What the subscription delivered: an event, its end, or its failure. */
  private record Signal(ShardEvent event, Throwable error, boolean complete) {}

  private static final class Subscriber implements Flow.Subscriber<ShardEvent> {
    final BlockingQueue<Signal> signals = new ArrayBlockingQueue<>(4);
    volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(ShardEvent event) {
      signals.offer(new Signal(event, null, false)); // one requested: there is always room
    }

    @Override
    public void onError(Throwable t) {
      signals.offer(new Signal(null, t, false));
    }

    @Override
    public void onComplete() {
      signals.offer(new Signal(null, null, true));
    }

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  FanOutReader(
      KinesisTransport transport, ConsumerConfig config, String consumerName, String shardId) {
    this.transport = transport;
    this.config = config;
    this.consumerName = consumerName;
    this.shardId = shardId;
  }

  @Override
  public Page next(Checkpoint position, long maxWaitMillis) {
    if (current == null) {
      current = new Subscriber();
      transport
          .subscribeToShard(
              config.streamName(), consumerName, shardId, ShardReader.startAfter(position, config))
          .subscribe(current);
    }
    Signal signal;
    try {
      signal = current.signals.poll(maxWaitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportIoException("interrupted", null, e);
    }
    if (signal == null) {
      return new Page(List.of(), 0, false, List.of());
    }
    if (signal.event() == null) {
      current = null; // ended or failed: subscribe again from the position next time
      if (signal.error() != null) {
        throw signal.error() instanceof RuntimeException r
            ? r
            : new TransportIoException(signal.error().toString(), null, signal.error());
      }
      return new Page(List.of(), 0, false, List.of());
    }
    ShardEvent event = signal.event();
    if (event.isShardEnd()) {
      current.cancel();
      current = null;
    } else {
      current.subscription.request(1);
    }
    return new Page(
        event.records(), event.millisBehindLatest(), event.isShardEnd(), event.childShards());
  }

  @Override
  public void close() {
    if (current != null) {
      current.cancel();
      current = null;
    }
  }
}
