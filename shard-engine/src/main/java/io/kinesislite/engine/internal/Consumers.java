package io.kinesislite.engine.internal;

import io.kinesislite.transport.ConsumerStatus;
import io.kinesislite.transport.StreamConsumer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers, describes, lists and deregisters enhanced fan-out consumers, with the Kinesis limit of
 * 20 per stream. A consumer is active as soon as it is registered; deregistering ends its
 * subscriptions.
 *
 * <p>Thread-safe.
 */
final class Consumers {
  static final int MAX_CONSUMERS_PER_STREAM = 20;

  private final EngineState state;
  private final FanOut fanOut;

  Consumers(EngineState state, FanOut fanOut) {
    this.state = state;
    this.fanOut = fanOut;
  }

  StreamConsumer register(String streamName, String consumerName) {
    EngineStream stream = state.stream(streamName);
    stream.lock.writeLock().lock();
    try {
      if (stream.consumers.containsKey(consumerName)) {
        throw KinesisErrors.inUse(
            "Consumer " + consumerName + " already exists on stream " + streamName + ".");
      }
      if (stream.consumers.size() >= MAX_CONSUMERS_PER_STREAM) {
        throw KinesisErrors.limitExceeded(
            "Stream "
                + streamName
                + " already has the maximum of "
                + MAX_CONSUMERS_PER_STREAM
                + " registered consumers");
      }
      long now = state.clock.millis();
      EngineStream.ConsumerRecord consumer =
          new EngineStream.ConsumerRecord(consumerName, stream.consumerArn(consumerName, now), now);
      stream.consumers.put(consumerName, consumer);
      try {
        state.persist(stream);
      } catch (RuntimeException e) {
        stream.consumers.remove(consumerName);
        throw e;
      }
      return toConsumer(consumer);
    } finally {
      stream.lock.writeLock().unlock();
    }
  }

  StreamConsumer describe(String streamName, String consumerName) {
    EngineStream stream = state.stream(streamName);
    stream.lock.readLock().lock();
    try {
      return toConsumer(find(stream, consumerName));
    } finally {
      stream.lock.readLock().unlock();
    }
  }

  List<StreamConsumer> list(String streamName) {
    EngineStream stream = state.stream(streamName);
    stream.lock.readLock().lock();
    try {
      List<StreamConsumer> result = new ArrayList<>();
      for (EngineStream.ConsumerRecord c : stream.consumers.values()) {
        result.add(toConsumer(c));
      }
      return result;
    } finally {
      stream.lock.readLock().unlock();
    }
  }

  void deregister(String streamName, String consumerName) {
    EngineStream stream = state.stream(streamName);
    stream.lock.writeLock().lock();
    try {
      EngineStream.ConsumerRecord consumer = find(stream, consumerName);
      stream.consumers.remove(consumerName);
      try {
        state.persist(stream);
      } catch (RuntimeException e) {
        stream.consumers.put(consumerName, consumer);
        throw e;
      }
    } finally {
      stream.lock.writeLock().unlock();
    }
    fanOut.endSubscriptions(stream, consumerName);
  }

  static EngineStream.ConsumerRecord find(EngineStream stream, String consumerName) {
    EngineStream.ConsumerRecord consumer = stream.consumers.get(consumerName);
    if (consumer == null) {
      throw KinesisErrors.notFound(
          "Consumer " + consumerName + " is not registered on stream " + stream.name + ".");
    }
    return consumer;
  }

  private static StreamConsumer toConsumer(EngineStream.ConsumerRecord c) {
    return new StreamConsumer(
        c.name(), c.arn(), ConsumerStatus.ACTIVE, Instant.ofEpochMilli(c.createdAtMillis()));
  }
}
