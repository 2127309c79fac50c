package io.kinesislite.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void aFullBucketAllowsItsCapacityThenRefillsAtItsRate() {
    ManualClock clock = new ManualClock();
    TokenBucket bucket = new TokenBucket(clock, 1000, 1000);
    assertThat(bucket.tryTake(1000)).isTrue();
    assertThat(bucket.tryTake(1)).isFalse();
    clock.advance(Duration.ofMillis(100));
    assertThat(bucket.tryTake(100)).isTrue();
    assertThat(bucket.tryTake(1)).isFalse();
    clock.advance(Duration.ofHours(1));
    assertThat(bucket.tryTake(1000)).isTrue(); // never more than the capacity
    assertThat(bucket.tryTake(1)).isFalse();
  }

  @Test
  void aDebtBlocksUntilTheRateHasPaidItBack() {
    ManualClock clock = new ManualClock();
    TokenBucket bucket = new TokenBucket(clock, 2, 2);
    bucket.takeAllowingDebt(10);
    assertThat(bucket.hasTokens()).isFalse();
    clock.advance(Duration.ofSeconds(4));
    assertThat(bucket.hasTokens()).isFalse();
    clock.advance(Duration.ofMillis(600));
    assertThat(bucket.hasTokens()).isTrue();
  }

  @Test
  void aRefundNeverRaisesTheBucketAboveItsCapacity() {
    ManualClock clock = new ManualClock();
    TokenBucket bucket = new TokenBucket(clock, 10, 10);
    bucket.refund(5);
    assertThat(bucket.tryTake(10)).isTrue();
    assertThat(bucket.tryTake(1)).isFalse();
  }
}
