package io.kinesislite.reliability;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.LeaseStoreException;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.RecordProcessorFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A record processor that writes every record it is given to a {@link ProcessingLog} and
 * checkpoints after each batch, as an application that wants few repeats would. A checkpoint the
 * lease store cannot take (it is down) is left for the next batch; a lost lease ends the batch, as
 * the worker expects. Each instance gets a number of its own, so the log tells tenures apart.
 *
 * <p>Each instance is called from its shard's thread only; {@link #factory} is thread-safe.
 */
final class RecordingProcessor implements RecordProcessor {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final ProcessingLog log;
  private final String workerId;
  private final AtomicLong failedCheckpoints;
  private final AtomicLong leasesLost;
  private final int instance = INSTANCES.incrementAndGet();
  private String shardId;

  private RecordingProcessor(
      ProcessingLog log, String workerId, AtomicLong failedCheckpoints, AtomicLong leasesLost) {
    this.log = log;
    this.workerId = workerId;
    this.failedCheckpoints = failedCheckpoints;
    this.leasesLost = leasesLost;
  }

  /**
   * Processors of one worker; {@code failedCheckpoints} and {@code leasesLost} count checkpoints
   * the store could not take and {@code leaseLost} calls.
   */
  static RecordProcessorFactory factory(
      ProcessingLog log, String workerId, AtomicLong failedCheckpoints, AtomicLong leasesLost) {
    return shardId -> new RecordingProcessor(log, workerId, failedCheckpoints, leasesLost);
  }

  @Override
  public void initialize(String shardId, Checkpoint startingPosition) {
    this.shardId = shardId;
  }

  @Override
  public void processRecords(
      List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
    for (ConsumerRecord r : records) {
      log.processed(
          shardId, workerId, instance, StandardCharsets.UTF_8.decode(r.data()).toString());
    }
    try {
      checkpointer.checkpoint();
    } catch (LeaseStoreException e) {
      // The store is down or slow: the next batch's checkpoint covers these records too.
      failedCheckpoints.incrementAndGet();
    }
  }

  @Override
  public void leaseLost() {
    leasesLost.incrementAndGet();
  }

  @Override
  public void shardEnded(Checkpointer checkpointer) {
    checkpointer.checkpoint();
  }

  @Override
  public void shutdownRequested(Checkpointer checkpointer) {
    try {
      checkpointer.checkpoint();
    } catch (LeaseStoreException e) {
      failedCheckpoints.incrementAndGet();
    }
  }
}
