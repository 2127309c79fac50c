package io.kinesislite.examples.quickstart;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.RecordProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The quickstart's record processor: counts every line it receives into a {@link Tally}, and
 * checkpoints every {@code checkpointEvery} records or {@code checkpointInterval}, whichever comes
 * first, at shard end, and when the worker shuts down. Called from one thread, as every processor.
 */
public final class TallyProcessor implements RecordProcessor {
  private final String worker;
  private final Tally tally;
  private final int checkpointEvery;
  private final Duration checkpointInterval;
  private final Clock clock;
  private int sinceCheckpoint;
  private Instant lastCheckpoint;

  public TallyProcessor(
      String worker, Tally tally, int checkpointEvery, Duration checkpointInterval, Clock clock) {
    this.worker = worker;
    this.tally = tally;
    this.checkpointEvery = checkpointEvery;
    this.checkpointInterval = checkpointInterval;
    this.clock = clock;
  }

  @Override
  public void initialize(String shardId, Checkpoint startingPosition) {
    tally.shardStarted(worker, shardId);
    lastCheckpoint = clock.instant();
  }

  @Override
  public void processRecords(List<ConsumerRecord> records, Checkpointer checkpointer, long behind) {
    for (ConsumerRecord record : records) {
      tally.record(LogGenerator.sequenceOf(record.dataBytes()), record.sequenceNumber());
    }
    sinceCheckpoint += records.size();
    Instant now = clock.instant();
    if (sinceCheckpoint >= checkpointEvery
        || (sinceCheckpoint > 0 && !now.isBefore(lastCheckpoint.plus(checkpointInterval)))) {
      checkpointer.checkpoint();
      sinceCheckpoint = 0;
      lastCheckpoint = now;
    }
  }

  @Override
  public void leaseLost() {
    // Another worker has the shard now; it resumes after our last checkpoint.
  }

  @Override
  public void shardEnded(Checkpointer checkpointer) {
    checkpointer.checkpoint();
  }

  @Override
  public void shutdownRequested(Checkpointer checkpointer) {
    checkpointer.checkpoint();
  }
}
