package io.kinesislite.reliability;

/**
 * One record as a campaign's consumer process wrote it to its output file, one line per record:
 * {@code shardId sequenceNumber subSequenceNumber arrivalMillis processedMillis workerId data}
 * (data last, as it may hold spaces; without its newline). Immutable.
 *
 * @param shardId the shard it was read from
 * @param sequenceNumber the sequence number of the Kinesis record that carried it
 * @param subSequenceNumber its index in that record's aggregate (0 if not aggregated)
 * @param arrivalMillis when the stream accepted the carrying record (epoch ms)
 * @param processedMillis when the worker's processor got it (epoch ms)
 * @param workerId the worker that processed it
 * @param data the user record, as text
 */
record ProcessedRecord(
    String shardId,
    String sequenceNumber,
    long subSequenceNumber,
    long arrivalMillis,
    long processedMillis,
    String workerId,
    String data) {

  /** The line this record is written as, without a newline. */
  String format() {
    return shardId
        + ' '
        + sequenceNumber
        + ' '
        + subSequenceNumber
        + ' '
        + arrivalMillis
        + ' '
        + processedMillis
        + ' '
        + workerId
        + ' '
        + data;
  }

  /** Where the record sits in the stream: the same position processed twice is a re-read. */
  String position() {
    return shardId + '/' + sequenceNumber + '/' + subSequenceNumber;
  }

  /**
   * Parses a line {@link #format()} wrote.
   *
   * @throws IllegalArgumentException if the line has fewer than seven fields
   */
  static ProcessedRecord parse(String line) {
    String[] f = line.split(" ", 7);
    if (f.length != 7) {
      throw new IllegalArgumentException("not a processed-record line: '" + line + "'");
    }
    return new ProcessedRecord(
        f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), f[5], f[6]);
  }
}
