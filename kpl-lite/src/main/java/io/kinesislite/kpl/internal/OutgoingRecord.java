package io.kinesislite.kpl.internal;

import io.kinesislite.transport.PutEntry;
import java.util.List;

/**
 * One Kinesis record on its way out: a KPL aggregate of user records bound for one shard, or a
 * single user record. It is retried as a unit while its members stay together; it expires when its
 * earliest member does, as in the KPL.
 *
 * <p>Not thread-safe: it moves between the shard queue (under its lock), the sender, and the thread
 * handling its put, never held by two at once.
 */
final class OutgoingRecord {
  final List<UserRecord> members;
  final PutEntry entry;
  final String predictedShardId; // null when the shard map was not known
  final long firstSeq;
  final long expiryMillis;
  final long sendByMillis; // the buffering deadline: a put must carry it by then
  long notBeforeMillis; // backoff: not to be sent again before this
  int attempts;

  OutgoingRecord(
      List<UserRecord> members, PutEntry entry, String predictedShardId, long sendByMillis) {
    this.members = members;
    this.sendByMillis = sendByMillis;
    this.entry = entry;
    this.predictedShardId = predictedShardId;
    long first = Long.MAX_VALUE;
    long expiry = Long.MAX_VALUE;
    for (UserRecord r : members) {
      first = Math.min(first, r.seq);
      expiry = Math.min(expiry, r.expiryMillis);
    }
    this.firstSeq = first;
    this.expiryMillis = expiry;
  }

  /** Returns the bytes Kinesis counts for it: partition key plus data. */
  int size() {
    return entry.countedSize();
  }

  boolean isAggregate() {
    return members.size() > 1;
  }
}
