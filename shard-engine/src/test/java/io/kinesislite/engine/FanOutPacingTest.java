package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.ManualClock;
import io.kinesislite.testkit.RecordingSubscriber;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.StartingPosition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With limits on, a fan-out consumer gets at most 2 MiB per second from a shard. */
class FanOutPacingTest {

  @Test
  void aSubscriptionPausesAtTwoMebibytesUntilTheRateHasPaidItBack() {
    ManualClock clock = new ManualClock();
    try (ShardEngine engine = ShardEngine.open(EngineConfig.builder().clock(clock).build());
        KinesisTransport kinesis = EmbeddedTransport.over(engine)) {
      await(kinesis.createStream("s", 1));
      await(kinesis.registerConsumer("s", "c"));
      // 10 records of 500 KB, two per second to stay under the 1 MiB/s write limit.
      for (int second = 0; second < 5; second++) {
        assertThat(
                await(
                        kinesis.putRecords(
                            "s",
                            List.of(
                                PutEntry.of("k", new byte[500_000]),
                                PutEntry.of("k", new byte[500_000]))))
                    .failedCount())
            .isZero();
        clock.advance(Duration.ofSeconds(1));
      }
      RecordingSubscriber<ShardEvent> events = new RecordingSubscriber<>();
      kinesis
          .subscribeToShard("s", "c", "shardId-000000000000", StartingPosition.trimHorizon())
          .subscribe(events);
      events.request(100);
      // Events of up to 1 MiB: 2 records each. The 2 MiB bucket lets three out (the third into
      // debt), then the subscription waits for the clock.
      List<ShardEvent> first = events.awaitItems(3, Duration.ofSeconds(10));
      assertThat(first.stream().mapToInt(e -> e.records().size()).sum()).isEqualTo(6);
      // The clock stands still, so nothing more may come; a short look suffices to see that.
      assertThat(awaitMore(events, 3, Duration.ofMillis(500))).isFalse();

      clock.advance(Duration.ofSeconds(1));
      List<ShardEvent> all = events.awaitItems(5, Duration.ofSeconds(10));
      assertThat(all.stream().mapToInt(e -> e.records().size()).sum()).isEqualTo(10);
      assertThat(events.violations()).isEmpty();
      events.cancel();
    }
  }

  private static boolean awaitMore(
      RecordingSubscriber<ShardEvent> events, int count, Duration wait) {
    try {
      events.awaitItems(count + 1, wait);
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }
}
