package io.kinesislite.agent.internal;

/**
 * Thrown by a {@link Step} that cannot process a record. It carries only a short reason and no
 * stack trace: under {@code onError: PASS} a flow of lines a pattern does not match throws one per
 * line, so it must be cheap.
 *
 * <p>Immutable; thread-safe.
 */
final class StepFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates a failure.
   *
   * @param reason why the step failed, in a few words, without the record's content
   */
  StepFailure(String reason) {
    super(reason, null, false, false);
  }
}
