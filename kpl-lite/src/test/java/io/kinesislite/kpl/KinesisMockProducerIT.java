package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.KinesisMock;
import io.kinesislite.testkit.KinesisMockExtension;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.AggregateDecoder;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import io.kinesislite.transport.UserRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two producers, one aggregating and one not, write to a 2-shard stream on kinesis-mock through the
 * AWS SDK transport; reading the stream back through the transport and unpacking the aggregates
 * finds each record where its future said, with its key and data.
 */
@ExtendWith(KinesisMockExtension.class)
class KinesisMockProducerIT {
  private static final int RECORDS_PER_PRODUCER = 300;
  private static final int KEYS = 20;

  /** One user record as read back. */
  private record Found(String partitionKey, String data) {}

  @Test
  void aggregatedAndPlainRecordsAreReadBackWhereTheirResultsSay(KinesisMock mock) {
    String stream = UniqueNames.stream("kpl-lite");
    try (KinesisTransport kinesis =
        Transports.open(
            TransportConfig.builder().selection(mock.httpEndpoint().toString()).build())) {
      await(kinesis.createStream(stream, 2));
      await(kinesis.awaitStreamActive(stream, Duration.ofSeconds(30)));
      try {
        List<CompletableFuture<RecordResult>> aggregated = new ArrayList<>();
        List<CompletableFuture<RecordResult>> plain = new ArrayList<>();
        ProducerConfig config =
            ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(50)).build();
        try (KinesisProducer aggregating =
                KinesisProducer.create(
                    config.toBuilder().aggregationEnabled(true).build(), kinesis);
            KinesisProducer notAggregating =
                KinesisProducer.create(
                    config.toBuilder().aggregationEnabled(false).build(), kinesis)) {
          // Records added before a producer knows the shard map go alone; let it arrive first.
          aggregated.add(aggregating.add(stream, key(0), utf8(data("agg", 0))));
          plain.add(notAggregating.add(stream, key(0), utf8(data("plain", 0))));
          aggregating.flushSync();
          notAggregating.flushSync();
          for (int i = 1; i < RECORDS_PER_PRODUCER; i++) {
            aggregated.add(aggregating.add(stream, key(i), utf8(data("agg", i))));
            plain.add(notAggregating.add(stream, key(i), utf8(data("plain", i))));
          }
          aggregating.flushSync();
          notAggregating.flushSync();
        }

        Map<String, Found> stored = readAll(kinesis, stream);
        assertThat(stored).hasSize(2 * RECORDS_PER_PRODUCER);
        assertLandedAsReported(stored, aggregated, "agg");
        assertLandedAsReported(stored, plain, "plain");
        assertThat(aggregated)
            .as("aggregating producer: records that shared an aggregate")
            .anyMatch(f -> f.join().subSequenceNumber() > 0);
        assertThat(plain).allMatch(f -> f.join().subSequenceNumber() == 0);
        assertThat(plain.stream().map(f -> f.join().sequenceNumber()).distinct())
            .as("plain producer: one Kinesis record per user record")
            .hasSize(RECORDS_PER_PRODUCER);
      } finally {
        await(kinesis.deleteStream(stream)); // gives its shards back to the shared mock
      }
    }
  }

  private static void assertLandedAsReported(
      Map<String, Found> stored, List<CompletableFuture<RecordResult>> futures, String producer) {
    for (int i = 0; i < futures.size(); i++) {
      RecordResult result = await(futures.get(i));
      assertThat(result.attempts()).last().matches(Attempt::isSuccessful);
      String position =
          result.shardId() + "/" + result.sequenceNumber() + "/" + result.subSequenceNumber();
      assertThat(stored.get(position))
          .as("%s record %d at %s", producer, i, position)
          .isEqualTo(new Found(key(i), data(producer, i)));
    }
  }

  /** Every user record of the stream by "shard/sequence/sub-sequence", aggregates unpacked. */
  private static Map<String, Found> readAll(KinesisTransport kinesis, String stream) {
    Map<String, Found> stored = new HashMap<>();
    for (Shard shard : await(kinesis.listShards(stream))) {
      String iterator =
          await(kinesis.getShardIterator(stream, shard.shardId(), StartingPosition.trimHorizon()));
      while (iterator != null) {
        GetRecordsResult page = await(kinesis.getRecords(iterator, 10_000));
        for (StreamRecord r : page.records()) {
          String at = shard.shardId() + "/" + r.sequenceNumber() + "/";
          byte[] data = r.dataBytes();
          if (AggregateDecoder.isAggregated(data)) {
            for (UserRecord u : AggregateDecoder.decode(data)) {
              Found found = new Found(u.partitionKey(), text(u.dataBytes()));
              assertThat(stored.put(at + u.subSequenceNumber(), found)).isNull();
            }
          } else {
            assertThat(stored.put(at + 0, new Found(r.partitionKey(), text(data)))).isNull();
          }
        }
        iterator = page.records().isEmpty() ? null : page.nextShardIterator().orElse(null);
      }
    }
    return stored;
  }

  private static String key(int i) {
    return "key-" + i % KEYS;
  }

  private static String data(String producer, int i) {
    return producer + "-" + i;
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(byte[] data) {
    return new String(data, StandardCharsets.UTF_8);
  }
}
