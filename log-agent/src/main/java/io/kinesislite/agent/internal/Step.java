package io.kinesislite.agent.internal;

/**
 * One processing step: the implementation of one {@link io.kinesislite.agent.ProcessorSpec}.
 *
 * <p>Implementations are immutable and thread-safe: one instance serves every record of a flow,
 * from any thread.
 */
interface Step {
  /**
   * Processes one record.
   *
   * @param record the record's bytes; never modified
   * @param ctx where the record came from
   * @return the processed bytes (possibly {@code record} itself), or null to drop the record
   * @throws StepFailure if the step cannot process this record; {@link Processing} then acts as the
   *     step's {@code onError} says
   */
  byte[] apply(byte[] record, RecordContext ctx) throws StepFailure;

  /** The step's name as the listener and the metrics show it, for example {@code csvToJson}. */
  String name();
}
