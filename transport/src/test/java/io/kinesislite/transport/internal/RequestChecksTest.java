package io.kinesislite.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.PutEntry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestChecksTest {

  @Test
  void streamNamesFollowTheKinesisPattern() {
    assertThat(RequestChecks.streamName("orders.v2_test-1")).isEqualTo("orders.v2_test-1");
    assertThatThrownBy(() -> RequestChecks.streamName("has space"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("stream name")
        .hasMessageContaining("1 to 128");
    assertThatThrownBy(() -> RequestChecks.streamName("x".repeat(129)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> RequestChecks.streamName(""))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void retentionMustBeWholeHoursFrom24To8760() {
    assertThat(RequestChecks.retentionHours(Duration.ofHours(24))).isEqualTo(24);
    assertThat(RequestChecks.retentionHours(Duration.ofDays(365))).isEqualTo(8760);
    assertThatThrownBy(() -> RequestChecks.retentionHours(Duration.ofHours(23)))
        .hasMessageContaining("retention");
    assertThatThrownBy(() -> RequestChecks.retentionHours(Duration.ofHours(8761)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> RequestChecks.retentionHours(Duration.ofMinutes(24 * 60 + 30)))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void putManyAllowsAtMost500EntriesAnd5MiB() {
    List<PutEntry> five = Collections.nCopies(500, PutEntry.of("k", new byte[10]));
    assertThat(RequestChecks.entries(five, 1024)).hasSize(500);
    List<PutEntry> tooMany = new ArrayList<>(five);
    tooMany.add(PutEntry.of("k", new byte[10]));
    assertThatThrownBy(() -> RequestChecks.entries(tooMany, 1024))
        .hasMessageContaining("1 to 500")
        .hasMessageContaining("501");
    assertThatThrownBy(() -> RequestChecks.entries(List.of(), 1024))
        .isInstanceOf(InvalidArgumentException.class);
    // Six 1 MiB records with their one-byte keys are over 5 MiB even though each fits.
    List<PutEntry> heavy = Collections.nCopies(6, PutEntry.of("k", new byte[1024 * 1024]));
    assertThatThrownBy(() -> RequestChecks.entries(heavy, 1024 * 1024))
        .hasMessageContaining("5242880");
    // The key counts: exactly 5 MiB of data plus key bytes is over.
    List<PutEntry> edge =
        List.of(
            PutEntry.of("k", new byte[1024 * 1024]),
            PutEntry.of("k", new byte[1024 * 1024]),
            PutEntry.of("k", new byte[1024 * 1024]),
            PutEntry.of("k", new byte[1024 * 1024]),
            PutEntry.of("k", new byte[1024 * 1024 - 5]));
    assertThat(RequestChecks.entries(edge, 1024 * 1024)).hasSize(5);
  }

  @Test
  void oversizedEntriesAreNamedByIndex() {
    List<PutEntry> entries = List.of(PutEntry.of("a", new byte[1]), PutEntry.of("b", new byte[11]));
    assertThatThrownBy(() -> RequestChecks.entries(entries, 10))
        .hasMessageContaining("entries[1]")
        .hasMessageContaining("11 bytes")
        .hasMessageContaining("10 bytes");
  }

  @Test
  void getRecordsLimitIsOneTo10000() {
    assertThat(RequestChecks.getRecordsLimit(10_000)).isEqualTo(10_000);
    assertThatThrownBy(() -> RequestChecks.getRecordsLimit(0)).hasMessageContaining("limit");
    assertThatThrownBy(() -> RequestChecks.getRecordsLimit(10_001))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void hashKeysMustLieInThe128BitSpace() {
    assertThatThrownBy(
            () -> RequestChecks.hashKey("newStartingHashKey", BigInteger.ONE.shiftLeft(128)))
        .hasMessageContaining("newStartingHashKey");
    assertThatThrownBy(() -> RequestChecks.hashKey("newStartingHashKey", BigInteger.valueOf(-1)))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
