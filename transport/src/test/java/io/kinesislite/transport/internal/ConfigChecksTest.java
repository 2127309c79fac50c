package io.kinesislite.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigChecksTest {
  @Test
  void durationsAreWrittenInTheLargestUnitThatDividesThem() {
    assertThat(ConfigChecks.readable(Duration.ZERO)).isEqualTo("0 ms");
    assertThat(ConfigChecks.readable(Duration.ofMillis(100))).isEqualTo("100 ms");
    assertThat(ConfigChecks.readable(Duration.ofMillis(1500))).isEqualTo("1500 ms");
    assertThat(ConfigChecks.readable(Duration.ofSeconds(30))).isEqualTo("30 s");
    assertThat(ConfigChecks.readable(Duration.ofMinutes(5))).isEqualTo("5 min");
    assertThat(ConfigChecks.readable(Duration.ofHours(1))).isEqualTo("1 h");
    assertThat(ConfigChecks.readable(Duration.ofDays(365))).isEqualTo("365 d");
    assertThat(ConfigChecks.readable(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
    assertThat(ConfigChecks.readable(Duration.ofMillis(Long.MAX_VALUE)))
        .isEqualTo("9223372036854775807 ms");
    assertThat(ConfigChecks.readable(Duration.ofSeconds(Long.MAX_VALUE)))
        .as("more milliseconds than a long holds")
        .startsWith("PT");
  }

  @Test
  void aDurationOutOfRangeNamesTheOptionTheRangeAndTheValue() {
    assertThatThrownBy(
            () ->
                ConfigChecks.range(
                    "RecordTtl", Duration.ofMillis(99), Duration.ofMillis(100), Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("RecordTtl must be between 100 ms and 1 d: 99 ms");
  }

  @Test
  void aNumberOutOfRangeNamesTheOptionTheRangeAndTheValue() {
    assertThatThrownBy(() -> ConfigChecks.range("CollectionMaxCount", 501, 1, 500))
        .hasMessage("CollectionMaxCount must be between 1 and 500: 501");
    assertThat(ConfigChecks.range("CollectionMaxCount", 500, 1, 500)).isEqualTo(500);
  }
}
