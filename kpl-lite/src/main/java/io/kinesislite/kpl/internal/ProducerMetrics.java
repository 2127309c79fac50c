package io.kinesislite.kpl.internal;

/**
 * What the producer reports as it works, in the terms of the KPL's metrics. The pipeline calls
 * these from its threads; implementations must be quick and thread-safe. A shard id is never null
 * ({@code "unknown"} when the shard map was not known); error codes come from a small set (service
 * codes and exception class names). {@link #NONE} records nothing.
 */
public interface ProducerMetrics {
  /** Records nothing. */
  ProducerMetrics NONE = new ProducerMetrics() {};

  /** A user record was accepted by add (UserRecordsReceived). */
  default void userRecordReceived(String stream) {}

  /** User records were put (UserRecordsPut, UserRecordsDataPut). */
  default void userRecordsPut(String stream, String shardId, int count, long dataBytes) {}

  /** A user record waited this long between add and its first put-many call (BufferingTime). */
  default void bufferingTime(String stream, String shardId, long millis) {}

  /**
   * How many tries a delivered or failed user record needed beyond the first (RetriesPerRecord).
   */
  default void retriesPerRecord(String stream, String shardId, int retries) {}

  /** Kinesis records (aggregates or single records) were put (KinesisRecordsPut, …DataPut). */
  default void kinesisRecordsPut(String stream, String shardId, int count, long bytes) {}

  /** User records per Kinesis record of one put Kinesis record (UserRecordsPerKinesisRecord). */
  default void userRecordsPerKinesisRecord(String stream, String shardId, int userRecords) {}

  /** A put-many call finished (RequestTime, KinesisRecordsPerPutRecordsRequest, …). */
  default void putRecordsRequest(String stream, long millis, int kinesisRecords, int userRecords) {}

  /** A Kinesis record or a whole call failed with {@code code} (ErrorsByCode, AllErrors). */
  default void error(String stream, String shardId, String code) {}

  /** A user record outlived its time to live (UserRecordExpired). */
  default void userRecordExpired(String stream, String shardId) {}

  /** How many user records are outstanding now (UserRecordsPending); sampled by the producer. */
  default void userRecordsPending(long count) {}
}
