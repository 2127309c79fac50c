package io.kinesislite.testkit;

import static io.kinesislite.testkit.TransportAssertions.await;

import io.kinesislite.transport.AggregateDecoder;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.ThrottledException;
import io.kinesislite.transport.UserRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a whole stream back and unpacks KPL aggregates, for checking what a producer or the agent
 * wrote. Each shard is read from its trim horizon to its current end.
 *
 * <pre>{@code
 * List<StreamContents.Stored> stored = StreamContents.read(kinesis, "orders");
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class StreamContents {
  /** One user record as stored: its data as UTF-8 text, and as the bytes stored. */
  public record Stored(
      String shardId,
      String sequenceNumber,
      long subSequenceNumber,
      String partitionKey,
      String data,
      byte[] bytes) {
    /** {@code sequence/subSequence}: unique within the stream. */
    public String position() {
      return sequenceNumber + "/" + subSequenceNumber;
    }
  }

  private StreamContents() {}

  // With the engine's limits on, readers share 2 MiB/s per shard, and reading back a whole test
  // stream passes that; a reader backs off and tries again, as any consumer would.
  private static GetRecordsResult readThrottled(KinesisTransport kinesis, String iterator) {
    for (int attempt = 0; ; attempt++) {
      try {
        return await(kinesis.getRecords(iterator, 10_000));
      } catch (ThrottledException e) {
        if (attempt == 100) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  /** Every user record of every shard, each shard in order. */
  public static List<Stored> read(KinesisTransport kinesis, String stream) {
    List<Stored> all = new ArrayList<>();
    for (Shard shard : await(kinesis.listShards(stream))) {
      String iterator =
          await(kinesis.getShardIterator(stream, shard.shardId(), StartingPosition.trimHorizon()));
      while (iterator != null) {
        GetRecordsResult page = readThrottled(kinesis, iterator);
        for (StreamRecord r : page.records()) {
          byte[] data = r.dataBytes();
          if (AggregateDecoder.isAggregated(data)) {
            for (UserRecord u : AggregateDecoder.decode(data)) {
              all.add(
                  new Stored(
                      shard.shardId(),
                      r.sequenceNumber(),
                      u.subSequenceNumber(),
                      u.partitionKey(),
                      new String(u.dataBytes(), StandardCharsets.UTF_8),
                      u.dataBytes()));
            }
          } else {
            all.add(
                new Stored(
                    shard.shardId(),
                    r.sequenceNumber(),
                    0,
                    r.partitionKey(),
                    new String(data, StandardCharsets.UTF_8),
                    data));
          }
        }
        iterator =
            page.records().isEmpty() && !page.isShardEnd()
                ? null
                : page.nextShardIterator().orElse(null);
      }
    }
    return all;
  }
}
