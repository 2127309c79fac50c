package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** RecordLedger: each record's fate, and the campaign figures derived from them. */
class RecordLedgerTest {
  @Test
  void anAcknowledgedRecordNeverDeliveredIsLostAndOneDeliveredTwiceIsADuplicate() {
    RecordLedger ledger = new RecordLedger(10);
    long a = ledger.nextToAdd();
    long b = ledger.nextToAdd();
    ledger.acknowledged(a);
    ledger.acknowledged(b);
    assertThat(ledger.pendingConsumption()).isEqualTo(2);

    assertThat(ledger.delivered(RecordLedger.data(b))).as("first delivery").isTrue();
    assertThat(ledger.delivered(RecordLedger.data(b))).as("second delivery").isFalse();

    assertThat(ledger.pendingConsumption()).isEqualTo(1);
    assertThat(ledger.distinctConsumed()).isEqualTo(1);
    assertThat(ledger.tally()).isEqualTo(new RecordLedger.Tally(1, 1, 0, 0));
  }

  @Test
  void aRecordDeliveredBeforeItsAcknowledgementIsNotPending() {
    RecordLedger ledger = new RecordLedger(10);
    long id = ledger.nextToAdd();
    ledger.delivered(RecordLedger.data(id));
    ledger.acknowledged(id);

    assertThat(ledger.pendingConsumption()).isZero();
    assertThat(ledger.tally().lost()).isZero();
  }

  @Test
  void aFailedRecordIsNotLostAndCountsAsStoredWhenDelivered() {
    RecordLedger ledger = new RecordLedger(10);
    long stored = ledger.nextToAdd();
    long gone = ledger.nextToAdd();
    ledger.failed(stored);
    ledger.failed(gone);
    ledger.delivered(RecordLedger.data(stored));

    assertThat(ledger.completed()).isEqualTo(2);
    assertThat(ledger.acknowledged()).isZero();
    assertThat(ledger.tally()).isEqualTo(new RecordLedger.Tally(0, 0, 2, 1));
  }

  @Test
  void refusedUnknownAndChangedRecordsAreCaught() {
    RecordLedger ledger = new RecordLedger(10);
    long refused = ledger.nextToAdd();
    ledger.refused(refused);
    long kept = ledger.nextToAdd();
    assertThat(ledger.written()).isEqualTo(1);

    ledger.delivered(RecordLedger.data(refused));
    ledger.delivered(RecordLedger.data(7)); // an id never taken
    ByteBuffer changed = RecordLedger.data(kept);
    changed.put(changed.limit() - 1, (byte) (changed.get(changed.limit() - 1) + 1));
    ledger.delivered(changed);
    ledger.delivered(ByteBuffer.wrap(new byte[3]));

    assertThat(ledger.phantoms()).isEqualTo(2);
    assertThat(ledger.corrupt()).isEqualTo(2);
  }

  @Test
  void aFullLedgerHandsOutNoMoreIds() {
    RecordLedger ledger = new RecordLedger(2);
    assertThat(ledger.nextToAdd()).isZero();
    assertThat(ledger.nextToAdd()).isEqualTo(1);
    assertThat(ledger.nextToAdd()).isEqualTo(-1);
    assertThat(ledger.full()).isTrue();
    assertThat(ledger.written()).isEqualTo(2);
  }

  @Test
  void dataAndKeysFollowFromTheIdAlone() {
    for (long id = 0; id < 1_000; id++) {
      ByteBuffer data = RecordLedger.data(id);
      assertThat(data.getLong(0)).isEqualTo(id);
      assertThat(data.remaining()).isBetween(100, 999);
      assertThat(RecordLedger.data(id)).isEqualTo(data);
      assertThat(RecordLedger.countedSize(id))
          .isEqualTo(RecordLedger.partitionKey(id).length() + data.remaining());
    }
  }
}
