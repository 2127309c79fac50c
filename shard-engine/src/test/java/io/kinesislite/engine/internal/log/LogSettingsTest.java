package io.kinesislite.engine.internal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.SyncPolicy;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogSettingsTest {

  @Test
  void defaultsMatchTheDesign() {
    LogSettings s = LogSettings.defaults();
    assertThat(s.syncPolicy()).isEqualTo(SyncPolicy.INTERVAL);
    assertThat(s.syncInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.segmentBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(s.segmentMaxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(s.indexIntervalBytes()).isEqualTo(4096);
    assertThat(s.clock()).isEqualTo(Clock.systemUTC());
  }

  @Test
  void toBuilderKeepsEveryValue() {
    ManualClock clock = new ManualClock(0);
    LogSettings s =
        LogSettings.builder()
            .syncPolicy(SyncPolicy.ALWAYS)
            .syncInterval(Duration.ofMillis(7))
            .segmentBytes(8192)
            .segmentMaxAge(Duration.ofSeconds(5))
            .indexIntervalBytes(64)
            .clock(clock)
            .build();
    LogSettings copy = s.toBuilder().build();
    assertThat(copy.syncPolicy()).isEqualTo(SyncPolicy.ALWAYS);
    assertThat(copy.syncInterval()).isEqualTo(Duration.ofMillis(7));
    assertThat(copy.segmentBytes()).isEqualTo(8192);
    assertThat(copy.segmentMaxAge()).isEqualTo(Duration.ofSeconds(5));
    assertThat(copy.indexIntervalBytes()).isEqualTo(64);
    assertThat(copy.clock()).isSameAs(clock);
    assertThat(copy.toString()).contains("ALWAYS", "8192");
  }

  @Test
  void rejectsValuesOutOfRangeNamingTheField() {
    LogSettings.Builder b = LogSettings.builder();
    assertThatThrownBy(() -> b.syncInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("syncInterval")
        .hasMessageContaining("between 1 ms and ");
    assertThatThrownBy(() -> b.syncInterval(Duration.ofMinutes(2)))
        .hasMessageContaining("syncInterval");
    assertThatThrownBy(() -> b.segmentBytes(4095))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("segmentBytes must be between 4096 and 1073741824: 4095");
    assertThatThrownBy(() -> b.segmentBytes(2L << 30)).hasMessageContaining("segmentBytes");
    assertThatThrownBy(() -> b.segmentMaxAge(Duration.ofMillis(999)))
        .hasMessageContaining("segmentMaxAge");
    assertThatThrownBy(() -> b.segmentMaxAge(Duration.ofDays(8)))
        .hasMessageContaining("segmentMaxAge");
    assertThatThrownBy(() -> b.indexIntervalBytes(63))
        .hasMessage("indexIntervalBytes must be between 64 and 1048576: 63");
    assertThatThrownBy(() -> b.syncPolicy(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("syncPolicy == null");
    assertThatThrownBy(() -> b.clock(null)).hasMessage("clock == null");
  }
}
