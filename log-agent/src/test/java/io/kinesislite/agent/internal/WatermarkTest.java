package io.kinesislite.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WatermarkTest {
  @Test
  void aLaterAcknowledgementNeverMovesTheWatermarkPastAnEarlierRecordInFlight() {
    Watermark w = new Watermark(100);
    long a = w.register(110);
    long b = w.register(120);
    long c = w.register(130);
    w.ack(c);
    w.ack(b);
    assertThat(w.acked()).as("a is still in flight").isEqualTo(100);
    w.ack(a);
    assertThat(w.acked()).isEqualTo(130);
    assertThat(w.inFlight()).isZero();
  }

  @Test
  void skippedStretchesMoveTheWatermarkOnlyInTurn() {
    Watermark w = new Watermark(0);
    long a = w.register(10);
    w.skip(20); // a header line after a record in flight
    assertThat(w.acked()).isZero();
    w.ack(a);
    assertThat(w.acked()).isEqualTo(20);
  }

  @Test
  void duplicateAndStaleAcknowledgementsChangeNothing() {
    Watermark w = new Watermark(0);
    long a = w.register(10);
    w.ack(a);
    w.ack(a);
    w.ack(12345);
    assertThat(w.acked()).isEqualTo(10);
  }

  @Test
  void tenThousandRecordsAcknowledgedInRandomOrderEndAtTheLastOffsetAndNeverOvertake() {
    Watermark w = new Watermark(0);
    List<Long> tickets = new ArrayList<>();
    for (int i = 1; i <= 10_000; i++) {
      tickets.add(w.register(i * 10L));
    }
    List<Long> order = new ArrayList<>(tickets);
    Collections.shuffle(order, new Random(7));
    boolean[] acked = new boolean[tickets.size()];
    for (long t : order) {
      w.ack(t);
      acked[(int) t] = true;
      int prefix = 0;
      while (prefix < acked.length && acked[prefix]) {
        prefix++;
      }
      assertThat(w.acked()).isEqualTo(prefix * 10L);
    }
    assertThat(w.acked()).isEqualTo(100_000);
  }
}
