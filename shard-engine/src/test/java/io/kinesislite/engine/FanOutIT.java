package io.kinesislite.engine;

import static io.kinesislite.engine.ReshardingIT.data;
import static io.kinesislite.engine.ReshardingIT.middleOf;
import static io.kinesislite.engine.ReshardingIT.only;
import static io.kinesislite.testkit.TransportAssertions.await;
import static io.kinesislite.testkit.TransportAssertions.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.RecordingSubscriber;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.ResourceInUseException;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an enhanced fan-out consumer sees: records pushed as they are written, within the demand it
 * signalled; resubscription from a continuation sequence number that loses and repeats nothing; the
 * errors and endings of a subscription; and the end of a split parent with its children.
 */
class FanOutIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CONSUMER = "fan-out-consumer";
  private static final List<String> KEYS = KeyedRecords.keys("fan-out", 7);

  @TempDir Path directory;

  private final KeyedRecords written = new KeyedRecords();
  private final List<RecordingSubscriber<ShardEvent>> subscribers = new ArrayList<>();
  private ShardEngine engine;
  private KinesisTransport kinesis;
  private String stream;
  private String shardId;
  private int nextKey;

  private void open(EngineMode mode) {
    open(mode, EngineConfig.inMemory().subscriptionLifetime());
  }

  /** Opens an engine with a one-shard stream and a registered consumer. */
  private void open(EngineMode mode, Duration subscriptionLifetime) {
    engine =
        ShardEngine.open(
            mode.configure(EngineConfig.builder(), directory)
                .subscriptionLifetime(subscriptionLifetime)
                .build());
    kinesis = EmbeddedTransport.over(engine);
    stream = UniqueNames.stream("fan-out");
    await(kinesis.createStream(stream, 1));
    shardId = only(await(kinesis.listShards(stream))).shardId();
    await(kinesis.registerConsumer(stream, CONSUMER));
  }

  @AfterEach
  void close() {
    for (RecordingSubscriber<ShardEvent> subscriber : subscribers) {
      assertThat(subscriber.violations()).as("reactive-streams rule breaches").isEmpty();
    }
    if (kinesis != null) {
      kinesis.close();
      engine.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void recordsArePushedToASubscriptionAtLatestAsTheyAreWritten(EngineMode mode) {
    open(mode);
    RecordingSubscriber<ShardEvent> events = subscribe(shardId, StartingPosition.latest());
    events.request(100);
    assertThat(events.awaitItems(1, WAIT).get(0).records())
        .as("the first event, before any write")
        .isEmpty();

    for (int i = 0; i < 10; i++) {
      String data = putOne();
      List<StreamRecord> received = awaitRecords(events, i + 1);
      assertThat(received).hasSize(i + 1);
      assertThat(data(received).get(i)).isEqualTo(data);
    }
    written.assertReadExactlyOnceInKeyOrder(records(events.items()));
    assertThat(events.items()).hasSizeLessThanOrEqualTo(100);
    assertThat(events.items())
        .allSatisfy(e -> assertThat(e.continuationSequenceNumber()).isPresent());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void eventsNeverOutrunTheSubscribersDemand(EngineMode mode) {
    open(mode);
    RecordingSubscriber<ShardEvent> events = subscribe(shardId, StartingPosition.trimHorizon());
    events.request(1);
    events.awaitItems(1, WAIT);

    for (int i = 0; i < 5; i++) {
      putOne();
    }
    assertThat(events.items()).as("no demand, no event").hasSize(1);
    events.request(1);
    List<ShardEvent> items = events.awaitItems(2, WAIT);
    assertThat(items.get(1).records())
        .as("records that waited for demand come in one event")
        .hasSize(5);

    for (int i = 0; i < 5; i++) {
      putOne();
    }
    events.request(3);
    awaitRecords(events, 10);
    putOne();
    awaitRecords(events, 11);
    assertThat(events.items()).as("events never outnumber requests").hasSizeLessThanOrEqualTo(5);
    assertThat(events.violations()).isEmpty();
    written.assertReadExactlyOnceInKeyOrder(records(events.items()));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void resubscribingAfterTheLastContinuationLosesAndRepeatsNothing(EngineMode mode) {
    open(mode);
    RecordingSubscriber<ShardEvent> first = subscribe(shardId, StartingPosition.latest());
    first.request(1_000);
    first.awaitItems(1, WAIT);
    for (int i = 0; i < 10; i++) {
      putOne();
      awaitRecords(first, i + 1);
    }
    List<ShardEvent> seen = first.items();
    first.cancel();
    String continuation = seen.get(seen.size() - 1).continuationSequenceNumber().orElseThrow();
    List<StreamRecord> received = new ArrayList<>(records(seen));
    assertThat(received).hasSize(10);

    for (int i = 0; i < 10; i++) {
      putOne();
    }
    RecordingSubscriber<ShardEvent> second =
        subscribe(shardId, StartingPosition.afterSequenceNumber(continuation));
    second.request(1_000);
    awaitRecords(second, 10);
    putOne();
    received.addAll(awaitRecords(second, 11));
    written.assertReadExactlyOnceInKeyOrder(received);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void aSecondSubscriptionOfTheConsumerToTheShardFailsWithResourceInUse(EngineMode mode) {
    open(mode);
    RecordingSubscriber<ShardEvent> first = subscribe(shardId, StartingPosition.trimHorizon());
    first.request(1);
    first.awaitItems(1, WAIT);

    RecordingSubscriber<ShardEvent> second = subscribe(shardId, StartingPosition.trimHorizon());
    second.request(1);
    assertThat(second.awaitTerminal(WAIT)).isInstanceOf(ResourceInUseException.class);
    assertThat(second.items()).isEmpty();

    String data = putOne();
    first.request(1);
    assertThat(data(awaitRecords(first, 1))).containsExactly(data);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void deregisteringTheConsumerEndsItsSubscriptionWithResourceNotFound(EngineMode mode) {
    open(mode);
    RecordingSubscriber<ShardEvent> events = subscribe(shardId, StartingPosition.trimHorizon());
    events.request(1);
    events.awaitItems(1, WAIT);

    await(kinesis.deregisterConsumer(stream, CONSUMER));
    assertThat(events.awaitTerminal(WAIT)).isInstanceOf(ResourceNotFoundException.class);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void aSplitParentDeliversItsRemainingRecordsThenItsChildrenThenCompletes(EngineMode mode) {
    open(mode);
    Shard parent = only(await(kinesis.listShards(stream)));
    putMany(5);
    RecordingSubscriber<ShardEvent> events = subscribe(shardId, StartingPosition.trimHorizon());
    events.request(1);
    assertThat(events.awaitItems(1, WAIT).get(0).records()).hasSize(5);

    putMany(5);
    BigInteger middle = middleOf(parent.hashKeyRange());
    await(kinesis.splitShard(stream, shardId, middle));
    events.request(10);

    assertThat(events.awaitTerminal(WAIT)).as("the subscription completes").isNull();
    List<ShardEvent> items = events.items();
    assertThat(items).hasSize(3);
    assertThat(items.get(1).records()).as("the remaining records").hasSize(5);
    assertThat(items.get(1).continuationSequenceNumber()).isPresent();
    assertThat(items.get(1).childShards()).isEmpty();
    ShardEvent end = items.get(2);
    assertThat(end.records()).isEmpty();
    assertThat(end.isShardEnd()).isTrue();
    assertThat(end.continuationSequenceNumber()).isEmpty();
    assertThat(end.childShards()).hasSize(2);
    assertThat(end.childShards())
        .allSatisfy(c -> assertThat(c.parentShards()).containsExactly(shardId));
    assertThat(
            end.childShards().stream()
                .map(ChildShard::hashKeyRange)
                .sorted(Comparator.comparing(HashKeyRange::start))
                .toList())
        .containsExactly(
            new HashKeyRange(parent.hashKeyRange().start(), middle.subtract(BigInteger.ONE)),
            new HashKeyRange(middle, parent.hashKeyRange().end()));
    written.assertReadExactlyOnceInKeyOrder(records(items));

    for (ChildShard child : end.childShards()) {
      RecordingSubscriber<ShardEvent> childEvents =
          subscribe(child.shardId(), StartingPosition.trimHorizon());
      childEvents.request(1);
      assertThat(childEvents.awaitItems(1, WAIT).get(0).continuationSequenceNumber())
          .as("the consumer may go on to child %s", child.shardId())
          .isPresent();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void aSubscriptionWaitingOnASplitParentLearnsOfTheEndFromTheSplitItself(EngineMode mode) {
    open(mode);
    Shard parent = only(await(kinesis.listShards(stream)));
    putMany(3);
    RecordingSubscriber<ShardEvent> events = subscribe(shardId, StartingPosition.trimHorizon());
    events.request(10); // demand left over once caught up: the subscription waits for data
    assertThat(records(events.awaitItems(1, WAIT))).hasSize(3);

    await(kinesis.splitShard(stream, shardId, middleOf(parent.hashKeyRange())));

    // Bounded below the 5 s heartbeat on purpose: only the split can have woken it this early.
    assertThat(events.awaitTerminal(Duration.ofMillis(2_500))).isNull();
    assertThat(events.items().get(events.items().size() - 1).isShardEnd()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void aSubscriptionCompletesNormallyAtTheEndOfItsLifetime(EngineMode mode) {
    open(mode, Duration.ofSeconds(1));
    long start = System.nanoTime();
    RecordingSubscriber<ShardEvent> events = subscribe(shardId, StartingPosition.latest());
    events.request(100);
    String continuation =
        events.awaitItems(1, WAIT).get(0).continuationSequenceNumber().orElseThrow();

    assertThat(events.awaitTerminal(WAIT)).as("the subscription completes").isNull();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("the subscription lasted its lifetime")
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));

    RecordingSubscriber<ShardEvent> again =
        subscribe(shardId, StartingPosition.afterSequenceNumber(continuation));
    again.request(100);
    String data = putOne();
    assertThat(data(awaitRecords(again, 1))).containsExactly(data);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EngineMode.class)
  void anEmptyHeartbeatCarriesAContinuationFromWhichTheFirstRecordStillComes(EngineMode mode) {
    open(mode);
    RecordingSubscriber<ShardEvent> first = subscribe(shardId, StartingPosition.trimHorizon());
    first.request(1);
    ShardEvent heartbeat = first.awaitItems(1, WAIT).get(0);
    assertThat(heartbeat.records()).isEmpty();
    assertThat(heartbeat.childShards()).isEmpty();
    String continuation = heartbeat.continuationSequenceNumber().orElseThrow();
    first.cancel();

    RecordingSubscriber<ShardEvent> second =
        subscribe(shardId, StartingPosition.afterSequenceNumber(continuation));
    second.request(10);
    String data = putOne();
    List<StreamRecord> received = awaitRecords(second, 1);
    assertThat(data(received)).containsExactly(data);
    assertThat(new BigInteger(received.get(0).sequenceNumber()))
        .as("the heartbeat's continuation comes before the first record")
        .isGreaterThan(new BigInteger(continuation));
  }

  private RecordingSubscriber<ShardEvent> subscribe(String shard, StartingPosition position) {
    RecordingSubscriber<ShardEvent> subscriber = new RecordingSubscriber<>();
    subscribers.add(subscriber);
    kinesis.subscribeToShard(stream, CONSUMER, shard, position).subscribe(subscriber);
    return subscriber;
  }

  /** Writes one record with the next key; returns its data. */
  private String putOne() {
    String key = KEYS.get(nextKey++ % KEYS.size());
    String data = written.next(key);
    PutEntry entry = PutEntry.of(key, bytes(data));
    PutResult put = await(kinesis.putRecord(stream, entry));
    written.record(List.of(entry), new PutRecordsResult(List.of(put)));
    return data;
  }

  private void putMany(int count) {
    for (int i = 0; i < count; i++) {
      putOne();
    }
  }

  /**
   * Waits, within {@link #WAIT}, until the events received hold at least {@code count} records;
   * returns the records of all events received.
   */
  private static List<StreamRecord> awaitRecords(
      RecordingSubscriber<ShardEvent> events, int count) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<ShardEvent> items = events.items();
      List<StreamRecord> records = records(items);
      if (records.size() >= count) {
        return records;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "only " + records.size() + " of " + count + " records within " + WAIT);
      }
      events.awaitItems(items.size() + 1, Duration.ofNanos(left));
    }
  }

  private static List<StreamRecord> records(List<ShardEvent> events) {
    List<StreamRecord> records = new ArrayList<>();
    for (ShardEvent event : events) {
      records.addAll(event.records());
    }
    return records;
  }
}
