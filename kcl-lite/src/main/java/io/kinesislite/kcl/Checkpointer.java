package io.kinesislite.kcl;

/**
 * Records how far a record processor got in its shard, in the lease table, so that whoever
 * processes the shard next (this worker after a restart, or another) resumes after it. Handed to
 * the processor with every batch; valid while this worker holds the shard's lease.
 *
 * <p>Every method writes to the lease store and blocks until it answered. A checkpoint from a
 * worker that no longer holds the lease fails with {@link LeaseLostException} and writes nothing.
 * Thread-safe, but a checkpoint is about the processor's own progress: call it from the processor's
 * callbacks.
 */
public interface Checkpointer {
  /**
   * Checkpoints the last record delivered to the processor (at shard end: {@link
   * Checkpoint#SHARD_END}).
   */
  void checkpoint();

  /**
   * Checkpoints at a record already delivered.
   *
   * @throws IllegalArgumentException if the position was not delivered yet, or lies before the
   *     current checkpoint
   */
  void checkpoint(Checkpoint position);

  /**
   * Records a checkpoint as pending (the KCL's {@code prepareCheckpoint}), for example before a
   * two-step commit elsewhere; {@link PreparedCheckpoint#checkpoint()} makes it the checkpoint.
   */
  PreparedCheckpoint prepareCheckpoint(Checkpoint position);

  /** Returns the current checkpoint of the shard, as this worker last wrote or read it. */
  Checkpoint current();

  /** A checkpoint prepared and recorded as pending. */
  interface PreparedCheckpoint {
    Checkpoint pending();

    /** Makes the pending checkpoint the checkpoint. */
    void checkpoint();
  }
}
