package io.kinesislite.examples.quickstart;

import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.KinesisTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The quickstart's consumers: kcl-lite workers of one application, in this process, sharing one
 * lease store, each running a {@link TallyProcessor} per shard it leases. A stopped worker can be
 * started again under the same id: a new {@link Worker} that takes its place in the lease table.
 * Thread-safe.
 */
final class Fleet implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String stream;
  private final KinesisTransport kinesis;
  private final LeaseStore leases;
  private final Tally tally;
  private final Map<String, Worker> running = new ConcurrentHashMap<>();
  private final Map<String, Boolean> known = new ConcurrentHashMap<>();

  Fleet(String stream, KinesisTransport kinesis, LeaseStore leases, Tally tally) {
    this.stream = stream;
    this.kinesis = kinesis;
    this.leases = leases;
    this.tally = tally;
  }

  /** Starts worker {@code id}. */
  void start(String id) {
    ConsumerConfig config =
        ConsumerConfig.builder()
            .applicationName(stream)
            .streamName(stream)
            .workerId(id)
            .initialPosition(InitialPosition.trimHorizon())
            .build();
    Worker worker =
        Worker.create(
            config,
            kinesis,
            leases,
            shardId ->
                new TallyProcessor(id, tally, 500, Duration.ofSeconds(2), Clock.systemUTC()));
    worker.start();
    running.put(id, worker);
    known.put(id, true);
  }

  /** Stops worker {@code id} gracefully: its processors checkpoint, its leases are released. */
  void stop(String id) {
    Worker worker = running.remove(id);
    if (worker == null) {
      return;
    }
    try {
      worker.shutdown().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // close() below stops its threads anyway; the leases then expire after the failover time.
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    } finally {
      worker.close();
    }
  }

  /** The shards each worker holds now, by worker id; 0 for a stopped worker. */
  Map<String, Integer> shardsAtEnd() {
    Map<String, Integer> held = new TreeMap<>();
    for (String id : known.keySet()) {
      Worker worker = running.get(id);
      held.put(id, worker == null ? 0 : worker.heldShards().size());
    }
    return held;
  }

  /** For the progress line: {@code shards worker-1:2 worker-2:3}. */
  String describe() {
    StringBuilder s = new StringBuilder("shards");
    shardsAtEnd().forEach((id, n) -> s.append(' ').append(id).append(':').append(n));
    return s.toString();
  }

  @Override
  public void close() {
    for (String id : running.keySet()) {
      stop(id);
    }
  }

  @Override
  public String toString() {
    return "the consumer fleet";
  }
}
