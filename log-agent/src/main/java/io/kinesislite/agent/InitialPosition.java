package io.kinesislite.agent;

/** Where a flow reads a file it has no checkpoint for, as in the Kinesis Agent. */
public enum InitialPosition {
  /** From its first byte. */
  START_OF_FILE,
  /**
   * From its end, so only lines written from now on are shipped. Applies to files present when the
   * agent first starts; files that appear later (rotations, new files) are read from their start.
   */
  END_OF_FILE
}
