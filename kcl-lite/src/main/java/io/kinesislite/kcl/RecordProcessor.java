package io.kinesislite.kcl;

import java.util.List;

/**
 * The application's code for one shard: a worker creates one per shard lease it holds (through a
 * {@link RecordProcessorFactory}) and calls it from one thread, in this order: {@link #initialize},
 * then {@link #processRecords} for each batch, then exactly one of {@link #leaseLost}, {@link
 * #shardEnded} or {@link #shutdownRequested}.
 *
 * <pre>{@code
 * class Printer implements RecordProcessor {
 *   public void initialize(String shardId, Checkpoint start) {}
 *   public void processRecords(List<ConsumerRecord> records, Checkpointer checkpointer,
 *       long millisBehindLatest) {
 *     records.forEach(r -> System.out.println(StandardCharsets.UTF_8.decode(r.data())));
 *     checkpointer.checkpoint();
 *   }
 *   public void leaseLost() {}
 *   public void shardEnded(Checkpointer checkpointer) { checkpointer.checkpoint(); }
 *   public void shutdownRequested(Checkpointer checkpointer) { checkpointer.checkpoint(); }
 * }
 * }</pre>
 *
 * <p>If {@link #processRecords} throws, the worker logs it with the shard and calls it again with
 * the same batch after a backoff: records are never skipped silently.
 */
public interface RecordProcessor {
  /** Called once, before any records: the shard, and the checkpoint processing starts after. */
  void initialize(String shardId, Checkpoint startingPosition);

  /** Called with each batch of records, in shard order. */
  void processRecords(List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind);

  /**
   * Another worker took the shard, or this one could no longer renew its lease: stop, without
   * checkpointing (it would fail).
   */
  void leaseLost();

  /**
   * Every record of the closed shard was delivered. The processor must checkpoint ({@link
   * Checkpointer#checkpoint()} records SHARD_END), or the shard's children will not start.
   */
  void shardEnded(Checkpointer checkpointer);

  /**
   * The worker is shutting down gracefully, or another worker is taking this shard over in a
   * graceful hand-off: checkpoint now if wanted (the next owner starts after the checkpoint); the
   * lease is then released. Called after the last batch's {@link #processRecords} returned.
   */
  void shutdownRequested(Checkpointer checkpointer);
}
