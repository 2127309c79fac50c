package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.assertFailsWith;
import static io.kinesislite.testkit.TransportAssertions.await;
import static io.kinesislite.testkit.TransportAssertions.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.testkit.RecordingSubscriber;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.ResourceInUseException;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.StartingPosition;
import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets the typed error Kinesis would give, with a message naming the field and the limit,
 * and leaves what was already acknowledged alone.
 */
class EngineBadInputTest {
  private ShardEngine engine;
  private KinesisTransport kinesis;
  private PutResult acknowledged;

  @BeforeEach
  void open() {
    engine = ShardEngine.open(EngineConfig.inMemory());
    kinesis = EmbeddedTransport.over(engine);
    await(kinesis.createStream("s", 2));
    acknowledged = await(kinesis.putRecord("s", PutEntry.of("before", bytes("kept"))));
  }

  @AfterEach
  void close() {
    kinesis.close();
    engine.close();
  }

  @Test
  void invalidStreamNamesAreRejectedNamingTheRule() {
    for (String name : new String[] {"", "has space", "x".repeat(129), "slash/name"}) {
      KinesisLiteException e =
          assertFailsWith(kinesis.createStream(name, 1), InvalidArgumentException.class);
      assertThat(e).hasMessageContaining("stream name").hasMessageContaining("1 to 128");
    }
  }

  @Test
  void badShardCountsAreRejected() {
    assertFailsWith(kinesis.createStream("zero", 0), InvalidArgumentException.class);
    assertFailsWith(kinesis.updateShardCount("s", 5), InvalidArgumentException.class);
    assertThat(assertFailsWith(kinesis.updateShardCount("s", 5), InvalidArgumentException.class))
        .hasMessageContaining("between half and double");
  }

  @Test
  void badKeysNeverReachTheEngine() {
    assertThatThrownBy(() -> PutEntry.of("", bytes("x")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("partitionKey")
        .hasMessageContaining("256");
    assertThatThrownBy(() -> PutEntry.of("x".repeat(257), bytes("x")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                PutEntry.of(
                    "k", HashKeyRange.MAX_HASH_KEY.add(BigInteger.ONE).toString(), bytes("x")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("explicitHashKey");
  }

  @Test
  void aSequenceNumberOfAnotherShardIsRejected() {
    String otherShard =
        acknowledged.shardId().equals("shardId-000000000000")
            ? "shardId-000000000001"
            : "shardId-000000000000";
    assertThat(
            assertFailsWith(
                kinesis.getShardIterator(
                    "s",
                    otherShard,
                    StartingPosition.atSequenceNumber(acknowledged.sequenceNumber())),
                InvalidArgumentException.class))
        .hasMessageContaining("is not a sequence number of that shard");
  }

  @Test
  void aSequenceNumberOfAnotherStreamOrOfAnEarlierStreamOfTheSameNameIsRejected() {
    await(kinesis.createStream("other", 2));
    String shardId = acknowledged.shardId();
    assertFailsWith(
        kinesis.getShardIterator(
            "other", shardId, StartingPosition.afterSequenceNumber(acknowledged.sequenceNumber())),
        InvalidArgumentException.class);
    await(kinesis.deleteStream("s"));
    await(kinesis.createStream("s", 2));
    // The engine never gives a name's new incarnation the tag of its previous one.
    assertThat(
            assertFailsWith(
                kinesis.getShardIterator(
                    "s",
                    shardId,
                    StartingPosition.afterSequenceNumber(acknowledged.sequenceNumber())),
                InvalidArgumentException.class))
        .hasMessageContaining("of this stream");
  }

  @Test
  void aSequenceNumberBeyondTheNewestRecordIsRejected() {
    // The engine's numbers end in the position; ten past the newest one does not exist yet, and
    // starting there would skip the records written in between.
    String seq = acknowledged.sequenceNumber();
    String beyond =
        seq.substring(0, seq.length() - 20)
            + String.format("%020d", Long.parseLong(seq.substring(seq.length() - 20)) + 10);
    assertThat(
            assertFailsWith(
                kinesis.getShardIterator(
                    "s", acknowledged.shardId(), StartingPosition.afterSequenceNumber(beyond)),
                InvalidArgumentException.class))
        .hasMessageContaining("beyond the newest record");
    // Right after the newest record is fine: that is where the next one will be.
    await(
        kinesis.getShardIterator(
            "s",
            acknowledged.shardId(),
            StartingPosition.afterSequenceNumber(acknowledged.sequenceNumber())));
  }

  @Test
  void garbageIteratorsAndUnknownShardsAreRejected() {
    assertFailsWith(kinesis.getRecords("bm90IGFuIGl0ZXJhdG9y", 10), InvalidArgumentException.class);
    assertFailsWith(
        kinesis.getShardIterator("s", "shardId-000000000099", StartingPosition.latest()),
        ResourceNotFoundException.class);
    assertFailsWith(kinesis.getRecords(iterator(), 0), InvalidArgumentException.class);
    assertFailsWith(kinesis.getRecords(iterator(), 10_001), InvalidArgumentException.class);
  }

  @Test
  void aDeletedStreamsIteratorsStopWorkingEvenIfTheNameComesBack() {
    String old = iterator();
    await(kinesis.deleteStream("s"));
    await(kinesis.createStream("s", 1));
    assertFailsWith(kinesis.getRecords(old, 10), ResourceNotFoundException.class);
  }

  @Test
  void reshardingRejectsBadShardsKeysAndPairs() {
    await(kinesis.createStream("four", 4));
    assertThat(
            assertFailsWith(
                kinesis.mergeShards("four", "shardId-000000000000", "shardId-000000000002"),
                InvalidArgumentException.class))
        .hasMessageContaining("not adjacent");
    assertThat(
            assertFailsWith(
                kinesis.splitShard("four", "shardId-000000000001", BigInteger.ZERO),
                InvalidArgumentException.class))
        .hasMessageContaining("NewStartingHashKey");
    await(kinesis.splitShard("four", "shardId-000000000000", BigInteger.ONE.shiftLeft(120)));
    assertThat(
            assertFailsWith(
                kinesis.splitShard("four", "shardId-000000000000", BigInteger.ONE.shiftLeft(121)),
                InvalidArgumentException.class))
        .hasMessageContaining("closed");
  }

  @Test
  void retentionMustMoveInTheNamedDirectionWithinItsRange() {
    assertThat(
            assertFailsWith(
                kinesis.increaseRetention("s", Duration.ofHours(8_761)),
                InvalidArgumentException.class))
        .hasMessageContaining("8,760");
    await(kinesis.increaseRetention("s", Duration.ofHours(48)));
    assertThat(
            assertFailsWith(
                kinesis.increaseRetention("s", Duration.ofHours(24)),
                InvalidArgumentException.class))
        .hasMessageContaining("at least the current 48 hours");
    assertFailsWith(
        kinesis.decreaseRetention("s", Duration.ofHours(72)), InvalidArgumentException.class);
  }

  @Test
  void consumersAreUniqueAndAStreamWithConsumersIsNotDeletedByAccident() {
    await(kinesis.registerConsumer("s", "c"));
    assertFailsWith(kinesis.registerConsumer("s", "c"), ResourceInUseException.class);
    assertFailsWith(kinesis.deleteStream("s"), ResourceInUseException.class);
    assertFailsWith(kinesis.describeConsumer("s", "nobody"), ResourceNotFoundException.class);
    RecordingSubscriber<ShardEvent> events = new RecordingSubscriber<>();
    kinesis
        .subscribeToShard("s", "nobody", "shardId-000000000000", StartingPosition.latest())
        .subscribe(events);
    assertThat(events.awaitTerminal(Duration.ofSeconds(10)))
        .isInstanceOf(ResourceNotFoundException.class);
    await(kinesis.deleteStream("s", true));
  }

  @Test
  void noneOfTheRejectionsTouchedTheAcknowledgedRecord() {
    badShardCountsAreRejected();
    garbageIteratorsAndUnknownShardsAreRejected();
    String iterator =
        await(
            kinesis.getShardIterator(
                "s",
                acknowledged.shardId(),
                StartingPosition.atSequenceNumber(acknowledged.sequenceNumber())));
    assertThat(await(kinesis.getRecords(iterator, 10)).records())
        .singleElement()
        .satisfies(r -> assertThat(r.sequenceNumber()).isEqualTo(acknowledged.sequenceNumber()));
  }

  private String iterator() {
    return await(
        kinesis.getShardIterator("s", acknowledged.shardId(), StartingPosition.trimHorizon()));
  }
}
