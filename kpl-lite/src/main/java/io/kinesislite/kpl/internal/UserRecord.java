package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.Attempt;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.PutEntry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A record the application added, on its way to a stream: its content, where it should go, and what
 * happened to it so far.
 *
 * <p>Thread-safety: the content is immutable. Attempts are appended only by the thread that handles
 * the put-many call carrying the record, and calls carrying it never overlap. {@link #finish} may
 * race (a put answering while close fails everything); only the first call counts.
 */
public final class UserRecord {
  final long seq;
  final String stream;
  final PutEntry entry; // checked keys and the data; sent as it is when the record goes alone
  final BigInteger hashKey;
  final long arrivalMillis;
  final long expiryMillis;
  final CompletableFuture<RecordResult> future = new CompletableFuture<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private List<Attempt> attempts;
  long firstSentMillis = -1;
  // The exception that ended the newest attempt when the whole call failed; null otherwise.
  volatile Throwable lastCause;

  UserRecord(
      long seq,
      String stream,
      PutEntry entry,
      BigInteger hashKey,
      long arrivalMillis,
      long expiryMillis) {
    this.seq = seq;
    this.stream = stream;
    this.entry = entry;
    this.hashKey = hashKey;
    this.arrivalMillis = arrivalMillis;
    this.expiryMillis = expiryMillis;
  }

  /** Returns the bytes Kinesis and the buffer limits count: partition key plus data. */
  int size() {
    return entry.countedSize();
  }

  void addAttempt(Attempt attempt) {
    if (attempts == null) {
      attempts = new ArrayList<>(2);
    }
    attempts.add(attempt);
  }

  /** Replaces the newest attempt, when a put that seemed to succeed turns out not to have. */
  void replaceLastAttempt(Attempt attempt) {
    attempts.set(attempts.size() - 1, attempt);
  }

  List<Attempt> attempts() {
    return attempts == null ? List.of() : attempts;
  }

  int retries() {
    return attempts == null ? 0 : Math.max(0, attempts.size() - 1);
  }

  /** Claims the right to complete this record; true for the first caller only. */
  boolean finish() {
    return finished.compareAndSet(false, true);
  }

  boolean isFinished() {
    return finished.get();
  }
}
