package io.kinesislite.benchmarks;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.RecordProcessorFactory;
import java.util.List;
import java.util.Set;

/** One worker's processors; they report to its current progress. */
final class CountingProcessors implements RecordProcessorFactory {
  volatile Progress progress;
  volatile boolean dead; // the worker was killed: its processors do nothing more

  CountingProcessors(Progress progress) {
    this.progress = progress;
  }

  boolean readFromAll(Set<String> shards) {
    return progress.firstRecordAt.keySet().containsAll(shards);
  }

  @Override
  public RecordProcessor create(String shardId) {
    return new CountingProcessor(this);
  }

  /** Counts records and checkpoints after every batch; does nothing once its worker is dead. */
  private static final class CountingProcessor implements RecordProcessor {
    private final CountingProcessors processors;
    private String shardId;

    CountingProcessor(CountingProcessors processors) {
      this.processors = processors;
    }

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      this.shardId = shardId;
      processors.progress.gained(shardId);
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      if (processors.dead) {
        return;
      }
      checkpointer.checkpoint();
      processors.progress.processed(shardId, records.size());
    }

    @Override
    public void leaseLost() {}

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      if (!processors.dead) {
        checkpointer.checkpoint();
      }
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {
      if (!processors.dead) {
        checkpointer.checkpoint();
      }
    }
  }
}
