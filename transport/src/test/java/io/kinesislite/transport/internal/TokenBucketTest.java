package io.kinesislite.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void aFullBucketAllowsItsCapacityThenRefillsAtItsRate() {
    FixedStepClock clock = new FixedStepClock();
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
    FixedStepClock clock = new FixedStepClock();
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
    FixedStepClock clock = new FixedStepClock();
    TokenBucket bucket = new TokenBucket(clock, 10, 10);
    bucket.refund(5);
    assertThat(bucket.tryTake(10)).isTrue();
    assertThat(bucket.tryTake(1)).isFalse();
  }

  @Test
  void aSlowerRateRefillsSlowerAndTellsWhenTokensWillBeThere() {
    FixedStepClock clock = new FixedStepClock();
    TokenBucket bucket = new TokenBucket(clock, 1000, 1000);
    assertThat(bucket.tryTake(1000)).isTrue();
    bucket.setRate(100, 100);
    assertThat(bucket.millisUntil(10)).isEqualTo(100);
    clock.advance(Duration.ofMillis(100));
    assertThat(bucket.millisUntil(10)).isZero();
    assertThat(bucket.tryTake(10)).isTrue();
  }

  /** A clock moved by hand (transport tests cannot use testkit's, which depends on transport). */
  static final class FixedStepClock extends java.time.Clock {
    private java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
