package io.kinesislite.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.agent.internal.Quantities;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Durations and sizes as configuration files write them. */
class QuantitiesTest {
  @Test
  void durationsTakeAUnitOrMilliseconds() {
    assertThat(Quantities.parseDuration("100ms")).isEqualTo(Duration.ofMillis(100));
    assertThat(Quantities.parseDuration("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(Quantities.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Quantities.parseDuration("2min")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Quantities.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Quantities.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Quantities.parseDuration("250")).isEqualTo(Duration.ofMillis(250));
    assertThat(Quantities.parseDuration(" 5 s ")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Quantities.parseDuration("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void durationsRefuseFractionsNegativesAndOtherUnits() {
    for (String bad : List.of("1.5s", "-1s", "5 parsecs", "1w", "s", "", "1S", "1 000ms")) {
      assertThatThrownBy(() -> Quantities.parseDuration(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a duration like 100ms");
    }
    assertThatThrownBy(() -> Quantities.parseDuration("999999999999999999d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
  }

  @Test
  void sizesTakeBinaryAndDecimalUnitsInAnyCase() {
    assertThat(Quantities.parseSize("512")).isEqualTo(512);
    assertThat(Quantities.parseSize("512B")).isEqualTo(512);
    assertThat(Quantities.parseSize("1KiB")).isEqualTo(1024);
    assertThat(Quantities.parseSize("64MiB")).isEqualTo(64L << 20);
    assertThat(Quantities.parseSize("2GiB")).isEqualTo(2L << 30);
    assertThat(Quantities.parseSize("1TiB")).isEqualTo(1L << 40);
    assertThat(Quantities.parseSize("1KB")).isEqualTo(1000);
    assertThat(Quantities.parseSize("1MB")).isEqualTo(1_000_000);
    assertThat(Quantities.parseSize("3gb")).isEqualTo(3_000_000_000L);
    assertThat(Quantities.parseSize("1mib")).isEqualTo(1L << 20);
    assertThat(Quantities.parseSize("16 MiB")).isEqualTo(16L << 20);
  }

  @Test
  void sizesRefuseFractionsNegativesAndOverflow() {
    for (String bad : List.of("1.5MiB", "-1", "MiB", "10 bytes", "1PiB", "")) {
      assertThatThrownBy(() -> Quantities.parseSize(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a size like");
    }
    assertThatThrownBy(() -> Quantities.parseSize("99999999999TiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void theNearestNameIsFoundWithinTwoEditsIgnoringCase() {
    List<String> known = List.of("stream", "files", "skipHeaderLines");

    assertThat(Quantities.nearest("strem", known)).isEqualTo("stream");
    assertThat(Quantities.nearest("FILES", known)).isEqualTo("files");
    assertThat(Quantities.nearest("skipHeaderLine", known)).isEqualTo("skipHeaderLines");
    assertThat(Quantities.nearest("partition", known)).isNull();
  }
}
