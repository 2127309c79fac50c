package io.kinesislite.testkit;

import static io.kinesislite.testkit.TransportAssertions.assertFailsWith;
import static io.kinesislite.testkit.TransportAssertions.await;
import static io.kinesislite.testkit.TransportAssertions.bytes;
import static io.kinesislite.testkit.TransportAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.ConsumerStatus;
import io.kinesislite.transport.ExpiredIteratorException;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.HashKeys;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.ResourceInUseException;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamConsumer;
import io.kinesislite.transport.StreamDescription;
import io.kinesislite.transport.StreamMode;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.StreamStatus;
import io.kinesislite.transport.internal.Polling;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The behaviour every {@link KinesisTransport} must show, whatever is behind it: real Kinesis, an
 * emulator, or the bundled engine. An implementation's test class extends this and supplies the
 * transport and two abilities of its service.
 *
 * <pre>{@code
 * @ExtendWith(KinesisMockExtension.class)
 * class KinesisMockHttpContractIT extends KinesisTransportContract {
 *   KinesisMockHttpContractIT(KinesisMock mock) { ... }
 *   protected KinesisTransport transport() { ... }
 *   protected void advanceServiceClock(Duration d) { mock.advanceClock(d); }
 *   protected PutEntry entryRejectedAlone() { ... }
 * }
 * }</pre>
 *
 * <p>Each test makes its own uniquely named streams and deletes them afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class KinesisTransportContract {
  /** How long a stream or consumer may take to become active, or a wait for records. */
  protected static final Duration WAIT = Duration.ofSeconds(30);

  private final List<String> streams = new ArrayList<>();

  /** Returns the transport under test; the same one for every call within a test. */
  protected abstract KinesisTransport transport();

  /**
   * Moves the service's clock forward by {@code amount}, so that a shard iterator expires without
   * waiting five real minutes.
   */
  protected abstract void advanceServiceClock(Duration amount);

  /**
   * Returns an entry that the service accepts in a put-many call but rejects on its own, while the
   * other entries of the call succeed. It must pass the transport's own argument checks.
   */
  protected abstract PutEntry entryRejectedAlone();

  @AfterEach
  void deleteStreams() {
    for (String stream : streams) {
      try {
        transport().deleteStream(stream, true).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Best effort: the test may have deleted it already.
      }
    }
    // Subclasses may share one instance across tests; start the next one with a clean list.
    streams.clear();
  }

  // ---- streams ----

  @Test
  void createsDescribesListsAndDeletesAProvisionedStream() {
    String stream = newStream(2);
    StreamDescription description = await(transport().describeStream(stream));
    assertThat(description.name()).isEqualTo(stream);
    assertThat(description.status()).isEqualTo(StreamStatus.ACTIVE);
    assertThat(description.mode()).isEqualTo(StreamMode.PROVISIONED);
    assertThat(description.openShardCount()).isEqualTo(2);
    assertThat(description.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(description.arn()).endsWith(":stream/" + stream);
    assertThat(await(transport().listStreams())).contains(stream);

    await(transport().deleteStream(stream));
    await(
        Polling.until(
            () -> transport().listStreams(),
            names -> !names.contains(stream),
            WAIT,
            "stream " + stream + " to disappear"));
    assertFailsWith(transport().describeStream(stream), ResourceNotFoundException.class);
  }

  @Test
  void createsAnOnDemandStream() {
    String stream = UniqueNames.stream("contract");
    streams.add(stream);
    await(transport().createOnDemandStream(stream));
    StreamDescription description = await(transport().awaitStreamActive(stream, WAIT));
    assertThat(description.mode()).isEqualTo(StreamMode.ON_DEMAND);
    assertThat(description.openShardCount()).isPositive();
  }

  @Test
  void creatingAStreamTwiceFailsWithResourceInUse() {
    String stream = newStream(1);
    assertFailsWith(transport().createStream(stream, 1), ResourceInUseException.class);
  }

  @Test
  void shardsTileTheWholeHashKeySpace() {
    String stream = newStream(3);
    List<Shard> shards = sortedByRange(await(transport().listShards(stream)));
    assertThat(shards).hasSize(3).allMatch(Shard::isOpen);
    assertThat(shards).allMatch(s -> s.parentShardId().isEmpty());
    assertThat(shards.get(0).hashKeyRange().start()).isEqualTo(HashKeyRange.MIN_HASH_KEY);
    assertThat(shards.get(2).hashKeyRange().end()).isEqualTo(HashKeyRange.MAX_HASH_KEY);
    for (int i = 1; i < shards.size(); i++) {
      assertThat(shards.get(i).hashKeyRange().start())
          .isEqualTo(shards.get(i - 1).hashKeyRange().end().add(BigInteger.ONE));
    }
  }

  // ---- writing ----

  @Test
  void putRecordRoutesByThePartitionKeyHash() {
    String stream = newStream(4);
    List<Shard> shards = await(transport().listShards(stream));
    for (String key : List.of("alpha", "beta", "gamma", "delta", "ünïcødé-🙂")) {
      PutResult put = await(transport().putRecord(stream, PutEntry.of(key, bytes(key))));
      assertThat(put.shardId()).isEqualTo(owner(shards, HashKeys.of(key)).shardId());
      assertThat(put.sequenceNumber()).matches("[0-9]{1,128}");
    }
  }

  @Test
  void putRecordRoutesByTheExplicitHashKey() {
    String stream = newStream(2);
    List<Shard> shards = sortedByRange(await(transport().listShards(stream)));
    Shard second = shards.get(1);
    PutResult atStart =
        await(
            transport()
                .putRecord(
                    stream,
                    PutEntry.of("k", second.hashKeyRange().start().toString(), bytes("x"))));
    assertThat(atStart.shardId()).isEqualTo(second.shardId());
    PutResult atFirstEnd =
        await(
            transport()
                .putRecord(
                    stream,
                    PutEntry.of("k", shards.get(0).hashKeyRange().end().toString(), bytes("y"))));
    assertThat(atFirstEnd.shardId()).isEqualTo(shards.get(0).shardId());
  }

  @Test
  void putRecordsReportsEveryEntryInOrder() {
    String stream = newStream(2);
    List<PutEntry> entries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      entries.add(PutEntry.of("key-" + i, bytes("value-" + i)));
    }
    PutRecordsResult result = await(transport().putRecords(stream, entries));
    assertThat(result.failedCount()).isZero();
    assertThat(result.entries()).hasSize(20);
    List<Shard> shards = await(transport().listShards(stream));
    for (int i = 0; i < 20; i++) {
      PutResult put = (PutResult) result.entries().get(i);
      assertThat(put.shardId())
          .as("entry %d", i)
          .isEqualTo(owner(shards, HashKeys.of("key-" + i)).shardId());
    }
    // Within a shard, later entries get larger sequence numbers, and read back in that order.
    for (Shard shard : shards) {
      List<String> expected = new ArrayList<>();
      BigInteger previous = BigInteger.valueOf(-1);
      for (int i = 0; i < 20; i++) {
        PutResult put = (PutResult) result.entries().get(i);
        if (put.shardId().equals(shard.shardId())) {
          BigInteger sequence = new BigInteger(put.sequenceNumber());
          assertThat(sequence).isGreaterThan(previous);
          previous = sequence;
          expected.add("value-" + i);
        }
      }
      List<StreamRecord> read = readAll(stream, shard.shardId(), StartingPosition.trimHorizon());
      assertThat(read).extracting(r -> text(r)).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void putRecordsReportsAFailedEntryWithoutFailingTheOthers() {
    String stream = newStream(1);
    List<PutEntry> entries =
        List.of(
            PutEntry.of("a", bytes("first")),
            entryRejectedAlone(),
            PutEntry.of("c", bytes("third")));
    PutRecordsResult result = await(transport().putRecords(stream, entries));
    assertThat(result.failedCount()).isEqualTo(1);
    List<PutRecordsEntryResult> outcomes = result.entries();
    assertThat(outcomes.get(0)).isInstanceOf(PutResult.class);
    assertThat(outcomes.get(1)).isInstanceOf(PutFailure.class);
    assertThat(((PutFailure) outcomes.get(1)).errorCode()).isNotBlank();
    assertThat(outcomes.get(2)).isInstanceOf(PutResult.class);
    String shardId = ((PutResult) outcomes.get(0)).shardId();
    assertThat(readAll(stream, shardId, StartingPosition.trimHorizon()))
        .extracting(r -> text(r))
        .containsExactly("first", "third");
  }

  // ---- reading ----

  @Test
  void getRecordsReturnsEachRecordWithItsMetadata() {
    String stream = newStream(1);
    Instant before = Instant.now().minusSeconds(60);
    PutResult put = await(transport().putRecord(stream, PutEntry.of("pk-1", bytes("hello"))));
    Instant after = Instant.now().plusSeconds(60);
    String iterator =
        await(transport().getShardIterator(stream, put.shardId(), StartingPosition.trimHorizon()));
    GetRecordsResult page = await(transport().getRecords(iterator, 100));
    assertThat(page.records()).hasSize(1);
    StreamRecord record = page.records().get(0);
    assertThat(record.sequenceNumber()).isEqualTo(put.sequenceNumber());
    assertThat(record.partitionKey()).isEqualTo("pk-1");
    assertThat(text(record)).isEqualTo("hello");
    // Service clocks may be moved by tests; bound loosely, the point is that it is set.
    assertThat(record.arrivalTime()).isAfter(before.minus(Duration.ofDays(1)));
    assertThat(record.arrivalTime()).isBefore(after.plus(Duration.ofDays(1)));
    assertThat(page.nextShardIterator()).isPresent();
    assertThat(page.isShardEnd()).isFalse();
    assertThat(page.millisBehindLatest()).isGreaterThanOrEqualTo(0);
    assertThat(page.childShards()).isEmpty();
  }

  @Test
  void iteratorsOfEveryTypeStartWhereTheyShould() {
    String stream = newStream(1);
    String shardId = await(transport().listShards(stream)).get(0).shardId();
    List<PutResult> puts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      puts.add(await(transport().putRecord(stream, PutEntry.of("k", bytes("r" + i)))));
    }
    List<StreamRecord> all = readAll(stream, shardId, StartingPosition.trimHorizon());
    assertThat(all).extracting(r -> text(r)).containsExactly("r0", "r1", "r2", "r3", "r4");

    String third = puts.get(2).sequenceNumber();
    assertThat(readAll(stream, shardId, StartingPosition.atSequenceNumber(third)))
        .extracting(r -> text(r))
        .containsExactly("r2", "r3", "r4");
    assertThat(readAll(stream, shardId, StartingPosition.afterSequenceNumber(third)))
        .extracting(r -> text(r))
        .containsExactly("r3", "r4");

    Instant fourthArrival = all.get(3).arrivalTime();
    List<String> expectedFromTime = new ArrayList<>();
    for (StreamRecord r : all) {
      if (!r.arrivalTime().isBefore(fourthArrival)) {
        expectedFromTime.add(text(r));
      }
    }
    assertThat(readAll(stream, shardId, StartingPosition.atTimestamp(fourthArrival)))
        .extracting(r -> text(r))
        .containsExactlyElementsOf(expectedFromTime);

    String latest = await(transport().getShardIterator(stream, shardId, StartingPosition.latest()));
    assertThat(await(transport().getRecords(latest, 100)).records()).isEmpty();
    await(transport().putRecord(stream, PutEntry.of("k", bytes("r5"))));
    assertThat(await(transport().getRecords(latest, 100)).records())
        .extracting(r -> text(r))
        .containsExactly("r5");
  }

  @Test
  void getRecordsHonoursTheLimitAndContinuesFromTheNextIterator() {
    String stream = newStream(1);
    String shardId = await(transport().listShards(stream)).get(0).shardId();
    List<PutEntry> entries = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      entries.add(PutEntry.of("k", bytes("r" + i)));
    }
    await(transport().putRecords(stream, entries));
    String iterator =
        await(transport().getShardIterator(stream, shardId, StartingPosition.trimHorizon()));
    GetRecordsResult first = await(transport().getRecords(iterator, 3));
    assertThat(first.records()).extracting(r -> text(r)).containsExactly("r0", "r1", "r2");
    GetRecordsResult second =
        await(transport().getRecords(first.nextShardIterator().orElseThrow(), 3));
    assertThat(second.records()).extracting(r -> text(r)).containsExactly("r3", "r4", "r5");
  }

  // ---- resharding ----

  @Test
  void splitClosesTheParentAndItsEndNamesTheChildren() {
    String stream = newStream(1);
    Shard parent = await(transport().listShards(stream)).get(0);
    await(transport().putRecord(stream, PutEntry.of("before-split", bytes("old"))));
    BigInteger middle = HashKeyRange.MAX_HASH_KEY.shiftRight(1);
    await(transport().splitShard(stream, parent.shardId(), middle));
    await(transport().awaitStreamActive(stream, WAIT));

    List<Shard> all = await(transport().listShards(stream));
    assertThat(all).hasSize(3);
    Shard closed = find(all, parent.shardId());
    assertThat(closed.isOpen()).isFalse();
    List<Shard> children =
        sortedByRange(await(transport().listShards(stream, ShardFilter.atLatest())));
    assertThat(children).hasSize(2).allMatch(Shard::isOpen);
    assertThat(children)
        .allMatch(c -> c.parentShardId().equals(java.util.Optional.of(parent.shardId())));
    assertThat(children.get(0).hashKeyRange().end()).isEqualTo(middle.subtract(BigInteger.ONE));
    assertThat(children.get(1).hashKeyRange().start()).isEqualTo(middle);

    ShardEnd end = readToEnd(stream, parent.shardId());
    assertThat(end.records()).extracting(r -> text(r)).containsExactly("old");
    assertThat(end.children())
        .extracting(ChildShard::shardId)
        .containsExactlyInAnyOrderElementsOf(children.stream().map(Shard::shardId).toList());
    assertThat(end.children()).allMatch(c -> c.parentShards().equals(List.of(parent.shardId())));
  }

  @Test
  void mergeClosesBothParentsIntoOneChild() {
    String stream = newStream(2);
    List<Shard> parents = sortedByRange(await(transport().listShards(stream)));
    await(transport().mergeShards(stream, parents.get(0).shardId(), parents.get(1).shardId()));
    await(transport().awaitStreamActive(stream, WAIT));

    List<Shard> open = await(transport().listShards(stream, ShardFilter.atLatest()));
    assertThat(open).hasSize(1);
    Shard child = open.get(0);
    assertThat(child.hashKeyRange()).isEqualTo(HashKeyRange.ALL);
    assertThat(
            List.of(
                child.parentShardId().orElseThrow(), child.adjacentParentShardId().orElseThrow()))
        .containsExactlyInAnyOrder(parents.get(0).shardId(), parents.get(1).shardId());

    ShardEnd end = readToEnd(stream, parents.get(0).shardId());
    assertThat(end.children()).extracting(ChildShard::shardId).containsExactly(child.shardId());
    assertThat(end.children().get(0).parentShards())
        .containsExactlyInAnyOrder(parents.get(0).shardId(), parents.get(1).shardId());
  }

  @Test
  void updateShardCountReshardsEvenly() {
    String stream = newStream(2);
    await(transport().updateShardCount(stream, 4));
    await(transport().awaitStreamActive(stream, WAIT));
    List<Shard> open = sortedByRange(await(transport().listShards(stream, ShardFilter.atLatest())));
    assertThat(open).hasSize(4);
    assertThat(open.get(0).hashKeyRange().start()).isEqualTo(HashKeyRange.MIN_HASH_KEY);
    assertThat(open.get(3).hashKeyRange().end()).isEqualTo(HashKeyRange.MAX_HASH_KEY);
    assertThat(await(transport().describeStream(stream)).openShardCount()).isEqualTo(4);
  }

  @Test
  void retentionGoesUpAndDown() {
    String stream = newStream(1);
    await(transport().increaseRetention(stream, Duration.ofHours(48)));
    await(transport().awaitStreamActive(stream, WAIT));
    assertThat(await(transport().describeStream(stream)).retention())
        .isEqualTo(Duration.ofHours(48));
    await(transport().decreaseRetention(stream, Duration.ofHours(24)));
    await(transport().awaitStreamActive(stream, WAIT));
    assertThat(await(transport().describeStream(stream)).retention())
        .isEqualTo(Duration.ofHours(24));
    assertFailsWith(
        transport().increaseRetention(stream, Duration.ofHours(23)),
        InvalidArgumentException.class);
  }

  // ---- enhanced fan-out ----

  @Test
  void aFanOutConsumerReceivesRecordsWithBackPressure() {
    String stream = newStream(1);
    String shardId = await(transport().listShards(stream)).get(0).shardId();
    StreamConsumer registered = await(transport().registerConsumer(stream, "contract-consumer"));
    assertThat(registered.name()).isEqualTo("contract-consumer");
    StreamConsumer active =
        await(transport().awaitConsumerActive(stream, "contract-consumer", WAIT));
    assertThat(active.status()).isEqualTo(ConsumerStatus.ACTIVE);
    assertThat(await(transport().listConsumers(stream)))
        .extracting(StreamConsumer::name)
        .contains("contract-consumer");

    List<PutEntry> entries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      entries.add(PutEntry.of("k" + i, bytes("e" + i)));
    }
    await(transport().putRecords(stream, entries));

    RecordingSubscriber<ShardEvent> events = new RecordingSubscriber<>();
    transport()
        .subscribeToShard(stream, "contract-consumer", shardId, StartingPosition.trimHorizon())
        .subscribe(events);
    List<String> received = new ArrayList<>();
    int requested = 0;
    while (received.size() < 5) {
      events.request(1);
      requested++;
      List<ShardEvent> got = events.awaitItems(requested, WAIT);
      got.get(requested - 1).records().forEach(r -> received.add(text(r)));
      assertThat(events.items()).hasSizeLessThanOrEqualTo(requested);
    }
    events.cancel();
    assertThat(received).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(events.violations()).isEmpty();

    await(transport().deregisterConsumer(stream, "contract-consumer"));
    await(
        Polling.until(
            () -> transport().listConsumers(stream),
            consumers ->
                consumers.stream()
                    .noneMatch(
                        c ->
                            c.name().equals("contract-consumer")
                                && c.status() == ConsumerStatus.ACTIVE),
            WAIT,
            "consumer to be deregistered"));
  }

  @Test
  void subscribingAnUnknownConsumerSignalsResourceNotFound() {
    String stream = newStream(1);
    String shardId = await(transport().listShards(stream)).get(0).shardId();
    RecordingSubscriber<ShardEvent> events = new RecordingSubscriber<>();
    transport()
        .subscribeToShard(stream, "nobody", shardId, StartingPosition.latest())
        .subscribe(events);
    events.request(1);
    assertThat(events.awaitTerminal(WAIT)).isInstanceOf(ResourceNotFoundException.class);
    assertThat(events.violations()).isEmpty();
  }

  // ---- typed errors ----

  @Test
  void anUnknownStreamFailsWithResourceNotFound() {
    String missing = UniqueNames.stream("missing");
    KinesisLiteException e =
        assertFailsWith(transport().describeStream(missing), ResourceNotFoundException.class);
    assertThat(e.isRetriable()).isFalse();
    assertFailsWith(
        transport().putRecord(missing, PutEntry.of("k", bytes("v"))),
        ResourceNotFoundException.class);
    assertFailsWith(transport().listShards(missing), ResourceNotFoundException.class);
  }

  @Test
  void anInvalidStreamNameFailsWithInvalidArgument() {
    KinesisLiteException e =
        assertFailsWith(
            transport().createStream("not a valid name!", 1), InvalidArgumentException.class);
    assertThat(e).hasMessageContaining("stream name");
    assertThat(e.isRetriable()).isFalse();
  }

  @Test
  void anOversizedRecordFailsWithInvalidArgumentNamingTheLimit() {
    String stream = newStream(1);
    byte[] tooBig = new byte[maxRecordSize() + 1];
    KinesisLiteException e =
        assertFailsWith(
            transport().putRecord(stream, PutEntry.of("k", tooBig)),
            InvalidArgumentException.class);
    assertThat(e).hasMessageContaining(String.valueOf(maxRecordSize()));
    List<PutEntry> tooMany = new ArrayList<>();
    for (int i = 0; i <= KinesisTransport.MAX_PUT_RECORDS_ENTRIES; i++) {
      tooMany.add(PutEntry.of("k", bytes("v")));
    }
    assertFailsWith(transport().putRecords(stream, tooMany), InvalidArgumentException.class);
    assertThatThrownBy(() -> PutEntry.of("", bytes("v")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("partitionKey");
  }

  // Last: it moves the service's clock, which services may answer by dropping connections.
  @Test
  @Order(Integer.MAX_VALUE)
  void anIteratorOlderThanFiveMinutesFailsWithExpiredIterator() {
    String stream = newStream(1);
    String shardId = await(transport().listShards(stream)).get(0).shardId();
    await(transport().putRecord(stream, PutEntry.of("k", bytes("v"))));
    String iterator =
        await(transport().getShardIterator(stream, shardId, StartingPosition.trimHorizon()));
    advanceServiceClock(Duration.ofMinutes(6));
    // A service whose clock jumps may drop connections it now thinks idle; a caller retries
    // such retriable I/O errors, and so does this test, a few times, before judging the answer.
    KinesisLiteException e = null;
    for (int attempt = 0; attempt < 3 && !(e instanceof ExpiredIteratorException); attempt++) {
      e = assertFailsWith(transport().getRecords(iterator, 10), KinesisLiteException.class);
      assertThat(e.isRetriable() || e instanceof ExpiredIteratorException)
          .as("a fatal error other than an expired iterator: %s", e)
          .isTrue();
    }
    assertThat(e).isInstanceOf(ExpiredIteratorException.class);
    assertThat(e.isRetriable()).isFalse();
  }

  // ---- helpers ----

  /** Returns the largest record the transport under test accepts; 1 MiB unless overridden. */
  protected int maxRecordSize() {
    return 1024 * 1024;
  }

  /** Creates a stream of {@code shardCount} shards, waits until it is active, and returns it. */
  protected String newStream(int shardCount) {
    String stream = UniqueNames.stream("contract");
    streams.add(stream);
    await(transport().createStream(stream, shardCount));
    await(transport().awaitStreamActive(stream, WAIT));
    return stream;
  }

  /** Reads a shard from {@code position} until a page comes back empty or the shard ends. */
  protected List<StreamRecord> readAll(String stream, String shardId, StartingPosition position) {
    String iterator = await(transport().getShardIterator(stream, shardId, position));
    List<StreamRecord> records = new ArrayList<>();
    for (int pages = 0; iterator != null && pages < 100; pages++) {
      GetRecordsResult page = await(transport().getRecords(iterator, 1000));
      records.addAll(page.records());
      if (page.records().isEmpty()) {
        break;
      }
      iterator = page.nextShardIterator().orElse(null);
    }
    return records;
  }

  /** What reading a closed shard to its end returned. */
  protected record ShardEnd(List<StreamRecord> records, List<ChildShard> children) {}

  private ShardEnd readToEnd(String stream, String shardId) {
    String iterator =
        await(transport().getShardIterator(stream, shardId, StartingPosition.trimHorizon()));
    List<StreamRecord> records = new ArrayList<>();
    for (int pages = 0; pages < 100; pages++) {
      GetRecordsResult page = await(transport().getRecords(iterator, 1000));
      records.addAll(page.records());
      if (page.isShardEnd()) {
        return new ShardEnd(records, page.childShards());
      }
      iterator = page.nextShardIterator().orElseThrow();
    }
    throw new AssertionError("shard " + shardId + " did not end within 100 pages");
  }

  private static Shard owner(List<Shard> shards, BigInteger hashKey) {
    return shards.stream()
        .filter(s -> s.isOpen() && s.hashKeyRange().contains(hashKey))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no open shard owns " + hashKey));
  }

  private static Shard find(List<Shard> shards, String shardId) {
    return shards.stream()
        .filter(s -> s.shardId().equals(shardId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no shard " + shardId + " in " + shards));
  }

  private static List<Shard> sortedByRange(List<Shard> shards) {
    List<Shard> sorted = new ArrayList<>(shards);
    sorted.sort(Comparator.comparing(s -> s.hashKeyRange().start()));
    return sorted;
  }
}
