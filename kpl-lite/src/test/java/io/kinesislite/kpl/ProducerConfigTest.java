package io.kinesislite.kpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.kpl.ProducerConfig.MetricsGranularity;
import io.kinesislite.kpl.ProducerConfig.MetricsLevel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ProducerConfig: the KPL's defaults and ranges, kinesis-lite's own limits, and the builder. */
class ProducerConfigTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void defaultsAreTheKplDefaults() {
    ProducerConfig c = ProducerConfig.defaults();

    assertThat(c.aggregationEnabled()).isTrue();
    assertThat(c.aggregationMaxCount()).isEqualTo(4_294_967_295L);
    assertThat(c.aggregationMaxSize()).isEqualTo(51_200);
    assertThat(c.collectionMaxCount()).isEqualTo(500);
    assertThat(c.collectionMaxSize()).isEqualTo(5_242_880L);
    assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.recordTtl()).isEqualTo(Duration.ofMillis(30_000));
    assertThat(c.rateLimit()).isEqualTo(150);
    assertThat(c.failIfThrottled()).isFalse();
    assertThat(c.maxUserRecordSize()).isEqualTo(1_048_576);
    assertThat(c.metricsLevel()).isEqualTo(MetricsLevel.DETAILED);
    assertThat(c.metricsGranularity()).isEqualTo(MetricsGranularity.SHARD);
    assertThat(c.metricsNamespace()).isEqualTo("KinesisProducerLibrary");
  }

  @Test
  void defaultsOfKinesisLitesOwnOptions() {
    ProducerConfig c = ProducerConfig.defaults();

    assertThat(c.maxOutstandingRecords()).isEqualTo(500_000);
    assertThat(c.maxOutstandingBytes()).isEqualTo(256 * MIB);
    assertThat(c.bufferFullWait()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.strictOrdering()).isFalse();
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.clock()).isEqualTo(Clock.systemUTC());
  }

  /** Each option: a setter call with the value, the option's name and the words of its range. */
  static Stream<Arguments> outOfRange() {
    return Stream.of(
        rejects("AggregationMaxCount", b -> b.aggregationMaxCount(0), "1", "9223372036854775807"),
        rejects("AggregationMaxSize", b -> b.aggregationMaxSize(63), "64", "10485760"),
        rejects("AggregationMaxSize", b -> b.aggregationMaxSize(10 << 20 | 1), "64", "10485760"),
        rejects("CollectionMaxCount", b -> b.collectionMaxCount(0), "1", "500"),
        rejects("CollectionMaxCount", b -> b.collectionMaxCount(501), "1", "500"),
        rejects(
            "CollectionMaxSize", b -> b.collectionMaxSize(52_223), "52224", "9223372036854775807"),
        rejects(
            "RecordMaxBufferedTime",
            b -> b.recordMaxBufferedTime(Duration.ofMillis(-1)),
            "0 ms",
            "9223372036854775807 ms"),
        rejects(
            "RecordMaxBufferedTime",
            b -> b.recordMaxBufferedTime(Duration.ofMillis(Long.MAX_VALUE).plusNanos(1_000_000)),
            "0 ms",
            "9223372036854775807 ms"),
        rejects("RecordTtl", b -> b.recordTtl(Duration.ofMillis(99)), "100 ms", "99 ms"),
        rejects("RateLimit", b -> b.rateLimit(0), "1", "9223372036854775807"),
        rejects("MaxUserRecordSize", b -> b.maxUserRecordSize(63), "64", "10485760"),
        rejects("MaxUserRecordSize", b -> b.maxUserRecordSize(10 << 20 | 1), "64", "10485760"),
        rejects("MaxOutstandingRecords", b -> b.maxOutstandingRecords(0), "1", "1000000000"),
        rejects(
            "MaxOutstandingRecords",
            b -> b.maxOutstandingRecords(1_000_000_001L),
            "1",
            "1000000000"),
        rejects("MaxOutstandingBytes", b -> b.maxOutstandingBytes(1023), "1024"),
        rejects("BufferFullWait", b -> b.bufferFullWait(Duration.ofMillis(-1)), "0 ms", "1 h"),
        rejects(
            "BufferFullWait",
            b -> b.bufferFullWait(Duration.ofHours(1).plusMillis(1)),
            "0 ms",
            "1 h"),
        rejects("CloseTimeout", b -> b.closeTimeout(Duration.ofMillis(-1)), "0 ms", "1 h"),
        rejects(
            "CloseTimeout", b -> b.closeTimeout(Duration.ofHours(1).plusMillis(1)), "0 ms", "1 h"),
        rejects("MetricsNamespace", b -> b.metricsNamespace(""), "1 to 255", "AWS/"),
        rejects("MetricsNamespace", b -> b.metricsNamespace("AWS/Kinesis"), "1 to 255", "AWS/"),
        rejects("MetricsNamespace", b -> b.metricsNamespace("n".repeat(256)), "1 to 255", "AWS/"));
  }

  private static Arguments rejects(
      String option, Consumer<ProducerConfig.Builder> setter, String... range) {
    return Arguments.of(option, setter, range);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outOfRange")
  void everySetterRejectsOutOfRangeValuesNamingTheOptionAndRange(
      String option, Consumer<ProducerConfig.Builder> setter, String[] range) {
    assertThatThrownBy(() -> setter.accept(ProducerConfig.builder()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(option)
        .hasMessageContainingAll(range);
  }

  @Test
  void settersAcceptTheEndsOfTheirRanges() {
    ProducerConfig low =
        ProducerConfig.builder()
            .aggregationMaxCount(1)
            .aggregationMaxSize(64)
            .collectionMaxCount(1)
            .collectionMaxSize(52_224)
            .recordMaxBufferedTime(Duration.ZERO)
            .recordTtl(Duration.ofMillis(100))
            .rateLimit(1)
            .maxUserRecordSize(64)
            .metricsNamespace("n")
            .maxOutstandingRecords(1)
            .maxOutstandingBytes(1024)
            .bufferFullWait(Duration.ZERO)
            .closeTimeout(Duration.ZERO)
            .build();
    ProducerConfig high =
        ProducerConfig.builder()
            .aggregationMaxCount(Long.MAX_VALUE)
            .aggregationMaxSize(10 << 20)
            .collectionMaxCount(500)
            .collectionMaxSize(Long.MAX_VALUE)
            .recordMaxBufferedTime(Duration.ofMillis(Long.MAX_VALUE))
            .recordTtl(Duration.ofMillis(Long.MAX_VALUE))
            .rateLimit(Long.MAX_VALUE)
            .maxUserRecordSize(10 << 20)
            .metricsNamespace("n".repeat(255))
            .maxOutstandingRecords(1_000_000_000L)
            .maxOutstandingBytes(Long.MAX_VALUE)
            .bufferFullWait(Duration.ofHours(1))
            .closeTimeout(Duration.ofHours(1))
            .build();

    assertThat(low.aggregationMaxSize()).isEqualTo(64);
    assertThat(low.recordTtl()).isEqualTo(Duration.ofMillis(100));
    assertThat(high.aggregationMaxCount()).isEqualTo(Long.MAX_VALUE);
    assertThat(high.metricsNamespace()).hasSize(255);
  }

  @Test
  void nullsAreRejectedNamingTheOption() {
    ProducerConfig.Builder b = ProducerConfig.builder();

    assertThatThrownBy(() -> b.metricsLevel(null)).hasMessageContaining("MetricsLevel");
    assertThatThrownBy(() -> b.metricsGranularity(null)).hasMessageContaining("MetricsGranularity");
    assertThatThrownBy(() -> b.metricsNamespace(null)).hasMessageContaining("MetricsNamespace");
    assertThatThrownBy(() -> b.recordTtl(null)).hasMessageContaining("RecordTtl");
    assertThatThrownBy(() -> b.clock(null)).hasMessageContaining("clock");
  }

  @Test
  void toBuilderRoundTripKeepsEverySetting() {
    ProducerConfig custom = everythingChanged();

    ProducerConfig copy = custom.toBuilder().build();

    assertThat(copy).isEqualTo(custom).hasSameHashCodeAs(custom);
    assertThat(copy.toString()).isEqualTo(custom.toString());
    assertThat(copy.clock()).isSameAs(custom.clock());
    assertThat(copy).isNotEqualTo(ProducerConfig.defaults());
  }

  @Test
  void toBuilderLeavesTheOriginalAlone() {
    ProducerConfig original = ProducerConfig.defaults();

    ProducerConfig changed = original.toBuilder().rateLimit(50).build();

    assertThat(original.rateLimit()).isEqualTo(150);
    assertThat(changed.rateLimit()).isEqualTo(50);
    assertThat(changed).isNotEqualTo(original);
  }

  @Test
  void toStringNamesTheOptionsAsTheKplDoes() {
    assertThat(ProducerConfig.defaults().toString())
        .contains(
            "AggregationEnabled=true",
            "AggregationMaxSize=51200",
            "RecordMaxBufferedTime=100ms",
            "RecordTtl=30000ms",
            "MetricsLevel=detailed",
            "MetricsGranularity=shard",
            "MetricsNamespace=KinesisProducerLibrary");
  }

  private static ProducerConfig everythingChanged() {
    return ProducerConfig.builder()
        .aggregationEnabled(false)
        .aggregationMaxCount(1000)
        .aggregationMaxSize(100_000)
        .collectionMaxCount(100)
        .collectionMaxSize(1_000_000)
        .recordMaxBufferedTime(Duration.ofMillis(20))
        .recordTtl(Duration.ofMinutes(2))
        .rateLimit(90)
        .failIfThrottled(true)
        .maxUserRecordSize(2 << 20)
        .metricsLevel(MetricsLevel.SUMMARY)
        .metricsGranularity(MetricsGranularity.STREAM)
        .metricsNamespace("Orders")
        .maxOutstandingRecords(1000)
        .maxOutstandingBytes(1 << 20)
        .bufferFullWait(Duration.ofSeconds(1))
        .strictOrdering(true)
        .closeTimeout(Duration.ofSeconds(5))
        .clock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
        .build();
  }
}
