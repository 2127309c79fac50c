package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.Attempt;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordExpiredException;
import io.kinesislite.kpl.RecordFailedException;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.ThrottledException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Handles the answer to a put-many call: completes what was put, retries what failed and may
 * succeed later (with backoff; throttling also slows the shard), and fails what cannot succeed or
 * has run out of time. Only the failed entries are retried.
 *
 * <p>Thread-safe; runs on whatever thread completes the transport's future.
 */
final class Responses implements StreamPipeline.MisroutedJudge {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Responses.class);
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private final ProducerConfig config;
  private final Clock clock;
  private final Completions completions;
  private final ProducerMetrics metrics;
  private final Runnable wakeSender;

  Responses(
      ProducerConfig config,
      Clock clock,
      Completions completions,
      ProducerMetrics metrics,
      Runnable wakeSender) {
    this.config = config;
    this.clock = clock;
    this.completions = completions;
    this.metrics = metrics;
    this.wakeSender = wakeSender;
  }

  void handle(Batch batch, PutRecordsResult result, Throwable error) {
    long now = clock.millis();
    Duration took = Duration.ofMillis(Math.max(0, now - batch.sentAtMillis));
    Instant sentAt = Instant.ofEpochMilli(batch.sentAtMillis);
    String stream = batch.pipeline.name;
    // A shard's rate moves once per answer, however many of its entries the answer holds.
    java.util.Set<ShardQueue> throttled = new java.util.HashSet<>();
    java.util.Set<ShardQueue> succeeded = new java.util.HashSet<>();
    boolean[] parked = new boolean[batch.records.size()];
    try {
      metrics.putRecordsRequest(stream, took.toMillis(), batch.records.size(), batch.userRecords());
      List<PutRecordsEntryResult> entries = error == null ? result.entries() : null;
      if (entries != null && entries.size() != batch.records.size()) {
        error =
            new io.kinesislite.transport.TransportIoException(
                "put-many answered "
                    + entries.size()
                    + " entries for "
                    + batch.records.size()
                    + " records",
                "Record Count Mismatch",
                null);
      }
      for (int i = 0; i < batch.records.size(); i++) {
        try {
          if (error != null) {
            KinesisLiteException cause = unwrap(error);
            String code = cause.errorCode().orElse(cause.getClass().getSimpleName());
            boolean isThrottle = cause instanceof ThrottledException;
            if (isThrottle) {
              throttled.add(batch.queues.get(i));
            }
            failed(
                batch,
                i,
                sentAt,
                took,
                code,
                cause.getMessage(),
                cause.isRetriable(),
                isThrottle,
                now,
                cause);
          } else {
            parked[i] = entry(batch, i, entries.get(i), sentAt, took, now, throttled, succeeded);
          }
        } catch (RuntimeException e) {
          // One entry's bookkeeping failing must not strand the rest of the batch.
          log.error("Handling the answer for a record of {} failed; failing it", stream, e);
          completions.fail(
              batch.records.get(i).members,
              "unknown",
              r ->
                  new RecordFailedException("internal error: " + e, "InternalError", r.attempts()));
        }
      }
    } finally {
      for (ShardQueue q : throttled) {
        q.throttled();
      }
      for (ShardQueue q : succeeded) {
        if (!throttled.contains(q)) {
          q.succeeded();
        }
      }
      for (int i = 0; i < batch.queues.size(); i++) {
        if (!parked[i]) {
          batch.queues.get(i).answered(); // a parked aggregate's queue waits for its judgement
        }
      }
      wakeSender.run();
    }
  }

  // Handles one entry of a put-many answer; returns true if it was parked as mis-routed.
  private boolean entry(
      Batch batch,
      int i,
      PutRecordsEntryResult entry,
      Instant sentAt,
      Duration took,
      long now,
      java.util.Set<ShardQueue> throttled,
      java.util.Set<ShardQueue> succeeded) {
    OutgoingRecord record = batch.records.get(i);
    ShardQueue queue = batch.queues.get(i);
    String stream = batch.pipeline.name;
    if (entry instanceof PutResult put) {
      succeeded.add(queue);
      addAttempt(record, Attempt.success(sentAt, took));
      if (record.predictedShardId != null && !record.predictedShardId.equals(put.shardId())) {
        if (record.isAggregate()) {
          batch.pipeline.misrouted(record, queue, put);
          return true;
        }
        batch.pipeline.requestRefresh(); // right shard by hash, but the map is stale
      }
      delivered(stream, record, put);
      return false;
    }
    PutFailure failure = (PutFailure) entry;
    if (failure.isThrottled()) {
      throttled.add(queue);
    }
    boolean retriable = !failure.errorCode().equals("InvalidArgumentException");
    failed(
        batch,
        i,
        sentAt,
        took,
        failure.errorCode(),
        failure.errorMessage(),
        retriable,
        failure.isThrottled(),
        now,
        null);
    return false;
  }

  private void delivered(String stream, OutgoingRecord record, PutResult put) {
    List<RecordResult> results = new ArrayList<>(record.members.size());
    long bytes = 0;
    for (int k = 0; k < record.members.size(); k++) {
      UserRecord member = record.members.get(k);
      results.add(
          new RecordResult(
              put.shardId(),
              put.sequenceNumber(),
              record.isAggregate() ? k : 0,
              member.attempts()));
      bytes += member.entry.data().length;
    }
    metrics.kinesisRecordsPut(stream, put.shardId(), 1, record.size());
    metrics.userRecordsPut(stream, put.shardId(), record.members.size(), bytes);
    metrics.userRecordsPerKinesisRecord(stream, put.shardId(), record.members.size());
    completions.succeed(put.shardId(), record.members, results);
  }

  private void failed(
      Batch batch,
      int i,
      Instant sentAt,
      Duration took,
      String code,
      String message,
      boolean retriable,
      boolean throttled,
      long now,
      Throwable cause) {
    OutgoingRecord record = batch.records.get(i);
    for (UserRecord member : record.members) {
      member.lastCause = cause;
    }
    ShardQueue queue = batch.queues.get(i);
    String shard = record.predictedShardId != null ? record.predictedShardId : "unknown";
    metrics.error(batch.pipeline.name, shard, code);
    addAttempt(record, Attempt.failure(sentAt, took, code, message));
    if (!retriable || (throttled && config.failIfThrottled())) {
      String why = throttled ? " (FailIfThrottled is set)" : "";
      completions.fail(
          record.members,
          shard,
          r ->
              new RecordFailedException(
                  "record could not be put: " + code + ": " + message + why,
                  code,
                  r.attempts(),
                  r.lastCause));
      return;
    }
    record.attempts++;
    long backoff = backoff(record.attempts);
    if (now + backoff >= record.expiryMillis) {
      expire(batch.pipeline.name, record, shard);
      return;
    }
    record.notBeforeMillis = now + backoff;
    batch.pipeline.retry(record, queue);
  }

  /** Fails a Kinesis record's members whose time to live ran out. */
  void expire(String stream, OutgoingRecord record, String shard) {
    expire(stream, record.members, shard);
  }

  void expire(String stream, List<UserRecord> members, String shard) {
    for (int i = 0; i < members.size(); i++) {
      metrics.userRecordExpired(stream, shard);
    }
    completions.fail(
        members,
        shard,
        r ->
            new RecordExpiredException(
                "record expired after RecordTtl="
                    + config.recordTtl().toMillis()
                    + " ms and "
                    + r.attempts().size()
                    + " attempts"
                    + lastError(r),
                r.attempts(),
                r.lastCause));
  }

  private static String lastError(UserRecord r) {
    List<Attempt> attempts = r.attempts();
    if (attempts.isEmpty()) {
      return "";
    }
    Attempt last = attempts.get(attempts.size() - 1);
    return "; last error: "
        + last.errorCode().orElse("none")
        + " "
        + last.errorMessage().orElse("");
  }

  // Exponential with full jitter, so that throttled producers do not retry in step.
  private static long backoff(int attempts) {
    long cap = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempts - 1, 10));
    return cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
  }

  @Override
  public void allInRange(StreamPipeline.Misrouted m) {
    try {
      delivered(m.pipeline().name, m.record(), m.actual());
    } finally {
      m.queue().answered();
    }
  }

  /** Fails parked mis-routed aggregates whose time to live ended, and frees their queues. */
  void expireMisrouted(List<StreamPipeline.Misrouted> expired) {
    for (StreamPipeline.Misrouted m : expired) {
      try {
        expire(m.pipeline().name, m.record(), m.actual().shardId());
      } finally {
        m.queue().answered();
      }
    }
  }

  @Override
  public void someOutOfRange(StreamPipeline.Misrouted m) {
    // Written, but a consumer checking shard ranges drops it whole; send each member again.
    OutgoingRecord record = m.record();
    for (UserRecord member : record.members) {
      List<Attempt> attempts = member.attempts();
      Attempt last = attempts.get(attempts.size() - 1);
      member.replaceLastAttempt(
          Attempt.failure(
              last.sentAt(),
              last.duration(),
              "Wrong Shard",
              "landed on " + m.actual().shardId() + ", which does not own every member"));
      member.lastCause = null;
    }
    metrics.error(m.pipeline().name, m.actual().shardId(), "Wrong Shard");
    try {
      if (clock.millis() >= record.expiryMillis) {
        expire(m.pipeline().name, record, m.actual().shardId());
        return;
      }
      m.pipeline().rerouteMembers(record.members, clock.millis());
    } finally {
      m.queue().answered(); // after the members are queued again, ahead of newer records
    }
  }

  private static void addAttempt(OutgoingRecord record, Attempt attempt) {
    for (UserRecord member : record.members) {
      member.addAttempt(attempt);
    }
  }

  private static KinesisLiteException unwrap(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof KinesisLiteException k) {
      return k;
    }
    return new io.kinesislite.transport.TransportIoException(
        "put-many call failed: " + cause, null, cause);
  }
}
