package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.assertFailsWith;
import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.ManualClock;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.ThrottledException;
import io.kinesislite.transport.TransportConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Kinesis limits the engine enforces, stepped with a manual clock. */
class EngineLimitsTest {
  private final ManualClock clock = new ManualClock();
  private ShardEngine engine;
  private KinesisTransport kinesis;

  private void open(EngineConfig.Builder config) {
    engine = ShardEngine.open(config.clock(clock).build());
    kinesis =
        EmbeddedTransport.over(engine, TransportConfig.builder().maxRecordSize(4 << 20).build());
  }

  @AfterEach
  void close() {
    if (kinesis != null) {
      kinesis.close();
      engine.close();
    }
  }

  @Test
  void aShardAccepts1000RecordsPerSecondAndThrottlesTheRestEntryByEntry() {
    open(EngineConfig.builder());
    await(kinesis.createStream("s", 1));
    PutRecordsResult first = await(kinesis.putRecords("s", entries(500, 10)));
    PutRecordsResult second = await(kinesis.putRecords("s", entries(500, 10)));
    PutRecordsResult third = await(kinesis.putRecords("s", entries(500, 10)));
    assertThat(first.failedCount() + second.failedCount()).isZero();
    assertThat(third.failedCount()).isEqualTo(500);
    assertThat(third.entries())
        .allSatisfy(
            r -> {
              assertThat(r).isInstanceOf(PutFailure.class);
              assertThat(((PutFailure) r).isThrottled()).isTrue();
              assertThat(((PutFailure) r).errorMessage()).contains("Rate exceeded for shard");
            });
    clock.advance(Duration.ofMillis(500));
    assertThat(await(kinesis.putRecords("s", entries(500, 10))).failedCount()).isZero();
    assertThat(await(kinesis.putRecords("s", entries(1, 10))).failedCount()).isEqualTo(1);
  }

  @Test
  void aShardAcceptsOneMebibytePerSecond() {
    open(EngineConfig.builder());
    await(kinesis.createStream("s", 1));
    // Ten records of 100 KiB fit in the first second's MiB; the eleventh does not.
    List<PutRecordsEntryResult> results = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      results.addAll(await(kinesis.putRecords("s", entries(1, 100 * 1024))).entries());
    }
    assertThat(results.subList(0, 10)).allMatch(PutRecordsEntryResult::isSuccessful);
    assertThat(results.get(10)).isInstanceOf(PutFailure.class);
    clock.advance(Duration.ofMillis(200));
    assertThat(await(kinesis.putRecords("s", entries(1, 100 * 1024))).failedCount()).isZero();
  }

  @Test
  void aThrottledSinglePutFailsWithProvisionedThroughputExceeded() {
    open(EngineConfig.builder());
    await(kinesis.createStream("s", 1));
    await(kinesis.putRecords("s", entries(500, 10)));
    await(kinesis.putRecords("s", entries(500, 10)));
    ThrottledException e =
        assertFailsWith(
            kinesis.putRecord("s", PutEntry.of("k", new byte[1])), ThrottledException.class);
    assertThat(e.errorCode()).contains("ProvisionedThroughputExceededException");
    assertThat(e.isRetriable()).isTrue();
  }

  @Test
  void readersOfAShardShareFiveCallsPerSecond() {
    open(EngineConfig.builder());
    await(kinesis.createStream("s", 1));
    String iterator =
        await(kinesis.getShardIterator("s", "shardId-000000000000", StartingPosition.latest()));
    // Spread over 50 ms: a budget refilled by a quarter call must not pass as a whole one.
    for (int i = 0; i < 5; i++) {
      iterator = await(kinesis.getRecords(iterator, 10)).nextShardIterator().orElseThrow();
      clock.advance(Duration.ofMillis(10));
    }
    ThrottledException e =
        assertFailsWith(kinesis.getRecords(iterator, 10), ThrottledException.class);
    assertThat(e.errorCode()).contains("ProvisionedThroughputExceededException");
    clock.advance(Duration.ofMillis(200)); // a whole call again, with room for rounding
    assertThat(await(kinesis.getRecords(iterator, 10)).records()).isEmpty();
  }

  @Test
  void aLargeReadIsAllowedOnceAndThenPaidBackAtTwoMebibytesPerSecond() {
    open(EngineConfig.builder());
    await(kinesis.createStream("s", 1));
    for (int second = 0; second < 8; second++) {
      await(kinesis.putRecords("s", entries(1, 1000 * 1024)));
      clock.advance(Duration.ofSeconds(1));
    }
    String iterator =
        await(
            kinesis.getShardIterator("s", "shardId-000000000000", StartingPosition.trimHorizon()));
    GetRecordsResult big = await(kinesis.getRecords(iterator, 10_000));
    // 7.8 MiB in one call: the full 2 MiB bucket goes 5.8 MiB into debt, repaid in 2.9 s.
    assertThat(big.records()).hasSize(8);
    String next = big.nextShardIterator().orElseThrow();
    assertFailsWith(kinesis.getRecords(next, 10), ThrottledException.class);
    clock.advance(Duration.ofMillis(2_800));
    assertFailsWith(kinesis.getRecords(next, 10), ThrottledException.class);
    clock.advance(Duration.ofMillis(200));
    assertThat(await(kinesis.getRecords(next, 10)).records()).isEmpty();
  }

  @Test
  void withLimitsOffNothingIsThrottled() {
    open(EngineConfig.builder().limitsEnabled(false));
    await(kinesis.createStream("s", 1));
    for (int i = 0; i < 10; i++) {
      assertThat(await(kinesis.putRecords("s", entries(500, 100))).failedCount()).isZero();
    }
    String iterator =
        await(
            kinesis.getShardIterator("s", "shardId-000000000000", StartingPosition.trimHorizon()));
    for (int i = 0; i < 20; i++) {
      iterator = await(kinesis.getRecords(iterator, 10)).nextShardIterator().orElseThrow();
    }
  }

  @Test
  void recordsOverTheMaximumSizeFailEntryByEntry() {
    open(EngineConfig.builder().maxRecordSize(1024));
    await(kinesis.createStream("s", 1));
    PutRecordsResult result =
        await(
            kinesis.putRecords(
                "s", List.of(PutEntry.of("a", new byte[1024]), PutEntry.of("b", new byte[1025]))));
    assertThat(result.entries().get(0).isSuccessful()).isTrue();
    assertThat(((PutFailure) result.entries().get(1)).errorCode())
        .isEqualTo("InvalidArgumentException");
    assertThat(((PutFailure) result.entries().get(1)).errorMessage())
        .contains("1025")
        .contains("1024");
  }

  @Test
  void theShardLimitCoversEveryStreamAndSplit() {
    open(EngineConfig.builder().shardLimit(5));
    await(kinesis.createStream("a", 3));
    ThrottledException e = assertFailsWith(kinesis.createStream("b", 3), ThrottledException.class);
    assertThat(e.errorCode()).contains("LimitExceededException");
    assertThat(e).hasMessageContaining("limit of 5");
    await(kinesis.createStream("b", 2));
    assertFailsWith(
        kinesis.splitShard("a", "shardId-000000000000", java.math.BigInteger.TEN),
        ThrottledException.class);
    await(kinesis.deleteStream("b"));
    await(kinesis.splitShard("a", "shardId-000000000000", java.math.BigInteger.TEN));
  }

  private static List<PutEntry> entries(int count, int size) {
    return Collections.nCopies(count, PutEntry.of("one-key", new byte[size]));
  }
}
