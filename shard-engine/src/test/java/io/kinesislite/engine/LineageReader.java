package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.ThrottledException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A polling consumer that follows shard lineage the way KCL does: it reads a shard from its trim
 * horizon until {@link GetRecordsResult#isShardEnd()} (or, for an open shard, until it has caught
 * up), and starts a child only once every parent the stream still has was read to its end. Children
 * are found both in {@code listShards} and in the child shards reported at a parent's end.
 *
 * <p>Not thread-safe; one read per instance.
 */
final class LineageReader {
  /** What the reader saw of one shard. */
  record ShardRead(
      String shardId, List<StreamRecord> records, boolean ended, List<ChildShard> children) {}

  private static final int MAX_CALLS_PER_SHARD = 1_000;
  private static final int MAX_THROTTLES = 100;

  private final KinesisTransport transport;
  private final String stream;
  private final Runnable onThrottle;
  private final Map<String, List<String>> parents = new TreeMap<>();
  private final Map<String, ShardRead> reads = new LinkedHashMap<>();

  /**
   * @param onThrottle run when a read is throttled, before it is tried again; with a manual clock
   *     it moves the clock, since nothing else refills the shard's read allowance
   */
  private LineageReader(KinesisTransport transport, String stream, Runnable onThrottle) {
    this.transport = transport;
    this.stream = stream;
    this.onThrottle = onThrottle;
  }

  /** Reads every shard of {@code stream} in lineage order; read throttling fails the test. */
  static LineageReader readAll(KinesisTransport transport, String stream) {
    return readAll(
        transport,
        stream,
        () -> {
          throw new AssertionError("reads of " + stream + " were throttled");
        });
  }

  /**
   * Reads every shard of {@code stream} in lineage order, calling {@code onThrottle} when
   * throttled.
   */
  static LineageReader readAll(KinesisTransport transport, String stream, Runnable onThrottle) {
    LineageReader reader = new LineageReader(transport, stream, onThrottle);
    reader.run();
    return reader;
  }

  private void run() {
    for (Shard shard : await(transport.listShards(stream, ShardFilter.all()))) {
      List<String> ids = new ArrayList<>(2);
      shard.parentShardId().ifPresent(ids::add);
      shard.adjacentParentShardId().ifPresent(ids::add);
      parents.put(shard.shardId(), ids);
    }
    Optional<String> next;
    while ((next = nextReadable()).isPresent()) {
      ShardRead read = readShard(next.get());
      reads.put(read.shardId(), read);
      for (ChildShard child : read.children()) {
        List<String> known = parents.putIfAbsent(child.shardId(), child.parentShards());
        if (known != null) {
          assertThat(child.parentShards())
              .as("parents of %s reported at the end of %s", child.shardId(), read.shardId())
              .containsExactlyInAnyOrderElementsOf(known);
        }
      }
    }
    assertThat(reads.keySet())
        .as("every shard of %s is reached by following lineage", stream)
        .containsExactlyInAnyOrderElementsOf(parents.keySet());
  }

  /**
   * Returns a shard not read yet whose parents (those the stream still has) were read to the end.
   */
  private Optional<String> nextReadable() {
    for (Map.Entry<String, List<String>> e : parents.entrySet()) {
      if (reads.containsKey(e.getKey())) {
        continue;
      }
      boolean parentsDone = true;
      for (String parent : e.getValue()) {
        if (parents.containsKey(parent)) {
          ShardRead read = reads.get(parent);
          parentsDone &= read != null && read.ended();
        }
      }
      if (parentsDone) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  private ShardRead readShard(String shardId) {
    String iterator =
        await(transport.getShardIterator(stream, shardId, StartingPosition.trimHorizon()));
    List<StreamRecord> records = new ArrayList<>();
    for (int call = 0; call < MAX_CALLS_PER_SHARD; call++) {
      GetRecordsResult result = getRecords(iterator);
      records.addAll(result.records());
      if (result.isShardEnd()) {
        return new ShardRead(shardId, records, true, result.childShards());
      }
      assertThat(result.childShards()).as("child shards before the end of %s", shardId).isEmpty();
      if (result.records().isEmpty() && result.millisBehindLatest() == 0) {
        return new ShardRead(shardId, records, false, List.of()); // an open shard, caught up
      }
      iterator = result.nextShardIterator().orElseThrow();
    }
    throw new AssertionError(shardId + " did not end within " + MAX_CALLS_PER_SHARD + " reads");
  }

  private GetRecordsResult getRecords(String iterator) {
    for (int attempt = 0; ; attempt++) {
      try {
        return await(transport.getRecords(iterator, 10_000));
      } catch (ThrottledException e) {
        if (attempt >= MAX_THROTTLES) {
          throw e;
        }
        onThrottle.run();
      }
    }
  }

  /** Returns every record read, in the order the consumer saw them. */
  List<StreamRecord> records() {
    List<StreamRecord> all = new ArrayList<>();
    for (ShardRead read : reads.values()) {
      all.addAll(read.records());
    }
    return all;
  }

  /** Returns what was read of each shard, in the order the shards were read. */
  Map<String, ShardRead> shards() {
    return reads;
  }

  ShardRead shard(String shardId) {
    ShardRead read = reads.get(shardId);
    assertThat(read).as("read of %s", shardId).isNotNull();
    return read;
  }

  /** Returns the position at which {@code shardId} was read, 0 for the first shard read. */
  int readOrder(String shardId) {
    return new ArrayList<>(reads.keySet()).indexOf(shardId);
  }
}
