package io.kinesislite.reliability;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.RecordProcessor;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A record processor that books every record it is handed in a {@link RecordLedger}, marks a {@link
 * StallWatch} when a record arrives for the first time (the consumers' progress), and checkpoints
 * after each batch and at shard end, as a careful application does.
 *
 * <p>One per shard lease, called from that shard's worker thread; the ledger, the watch and the
 * counter it shares are thread-safe.
 */
public final class DeliveryRecorder implements RecordProcessor {
  private final RecordLedger ledger;
  private final StallWatch progress;
  private final LongAdder batches;

  public DeliveryRecorder(RecordLedger ledger, StallWatch progress, LongAdder batches) {
    this.ledger = ledger;
    this.progress = progress;
    this.batches = batches;
  }

  @Override
  public void initialize(String shardId, Checkpoint startingPosition) {}

  @Override
  public void processRecords(
      List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
    boolean news = false;
    for (ConsumerRecord r : records) {
      news |= ledger.delivered(r.data());
    }
    if (news) {
      progress.progress();
    }
    batches.increment();
    checkpointer.checkpoint();
  }

  @Override
  public void leaseLost() {}

  @Override
  public void shardEnded(Checkpointer checkpointer) {
    checkpointer.checkpoint();
  }

  @Override
  public void shutdownRequested(Checkpointer checkpointer) {
    checkpointer.checkpoint();
  }
}
