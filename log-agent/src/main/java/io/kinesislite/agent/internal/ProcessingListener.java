package io.kinesislite.agent.internal;

/**
 * Told about records that processing could not handle as configured, so that they are counted (the
 * {@code kinesislite_agent_processing_errors_total} and {@code
 * kinesislite_agent_key_fallbacks_total} metrics) and nothing goes wrong unseen.
 *
 * <p>Implementations must be thread-safe when the {@link Processing} or {@link KeyExtractor} that
 * calls them is shared between threads, and should be cheap: they are called on the record path.
 */
public interface ProcessingListener {
  /** A listener that ignores everything. */
  ProcessingListener NONE =
      new ProcessingListener() {
        @Override
        public void processingError(String step, String reason) {}

        @Override
        public void keyFallback(String source) {}
      };

  /**
   * A step could not process a record; the record was passed on unchanged or dropped, as the step's
   * {@code onError} says.
   *
   * @param step the step's name, for example {@code logToJson}
   * @param reason why, in a few words (never the record's content)
   */
  void processingError(String step, String reason);

  /**
   * A key source found no usable value for a record, so a random partition key was used (or, for
   * {@code explicitHashKey}, none).
   *
   * @param source the source's name, for example {@code jsonField}, or {@code explicitHashKey}
   */
  void keyFallback(String source);
}
