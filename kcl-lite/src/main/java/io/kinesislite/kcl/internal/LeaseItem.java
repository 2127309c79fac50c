package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Lease;
import io.kinesislite.transport.FatalException;
import io.kinesislite.transport.HashKeyRange;
import java.math.BigInteger;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;

/**
 * One row of a KCL lease table as the DynamoDB Enhanced Client maps it: each bean property is the
 * KCL attribute of the same name (reference: the KCL 3.5's {@code DynamoDBLeaseSerializer}), with
 * the KCL's types: strings are {@code S}, {@code Long}s {@code N}, {@code Set<String>}s {@code SS}.
 *
 * <p>A {@code null} property is an absent attribute: the store writes items with nulls ignored, so
 * it never writes an empty string, an empty set or a {@code NULL}. A partial item (the key and the
 * few attributes one update sets, see {@link #key(String)}) is how the store updates some
 * attributes and leaves the others alone.
 *
 * <p>Attributes the KCL writes and kcl-lite does not model ({@code throughputKBps}, {@code
 * pendingCheckpointState}, the multi-stream {@code streamName} and {@code shardId}) are not
 * properties: reads ignore them and updates leave them as they are.
 *
 * <p>Mutable, as the Enhanced Client's bean mapping requires; an instance stays inside one call.
 * {@link #TABLE_SCHEMA} is immutable and thread-safe.
 */
@DynamoDbBean
public final class LeaseItem {
  /** {@code leaseKey} (S): the partition key; the shard id. */
  public static final String LEASE_KEY = "leaseKey";

  /** {@code leaseOwner} (S): the worker holding the lease; absent when unowned. */
  public static final String LEASE_OWNER = "leaseOwner";

  /** {@code leaseCounter} (N): the fencing token. */
  public static final String LEASE_COUNTER = "leaseCounter";

  /** {@code checkpoint} (S): a sequence number or a sentinel. */
  public static final String CHECKPOINT = "checkpoint";

  /** {@code checkpointSubSequenceNumber} (N). */
  public static final String CHECKPOINT_SUB_SEQUENCE_NUMBER = "checkpointSubSequenceNumber";

  /** {@code pendingCheckpoint} (S): absent when none. */
  public static final String PENDING_CHECKPOINT = "pendingCheckpoint";

  /** {@code pendingCheckpointSubSequenceNumber} (N): absent when none. */
  public static final String PENDING_CHECKPOINT_SUB_SEQUENCE_NUMBER =
      "pendingCheckpointSubSequenceNumber";

  /**
   * {@code pendingCheckpointState} (B): the application state the KCL's {@code
   * prepareCheckpoint(byte[])} stores. Not a property: kcl-lite only removes it.
   */
  public static final String PENDING_CHECKPOINT_STATE = "pendingCheckpointState";

  /** {@code ownerSwitchesSinceCheckpoint} (N). */
  public static final String OWNER_SWITCHES_SINCE_CHECKPOINT = "ownerSwitchesSinceCheckpoint";

  /** {@code parentShardId} (SS, despite the singular name): absent when none. */
  public static final String PARENT_SHARD_ID = "parentShardId";

  /** {@code childShardIds} (SS): absent when none. */
  public static final String CHILD_SHARD_IDS = "childShardIds";

  /** {@code startingHashKey} (S, decimal). */
  public static final String STARTING_HASH_KEY = "startingHashKey";

  /** {@code endingHashKey} (S, decimal). */
  public static final String ENDING_HASH_KEY = "endingHashKey";

  /** {@code checkpointOwner} (S): present while a KCL 3.x graceful hand-off is in progress. */
  public static final String CHECKPOINT_OWNER = "checkpointOwner";

  /** {@code entityType} (S): the KCL 3.5's row discriminator; absent on older rows. */
  public static final String ENTITY_TYPE = "entityType";

  /** The {@code entityType} of a lease row. */
  public static final String LEASE_ENTITY_TYPE = "LEASE";

  /** The Enhanced Client's mapping of this class; build it once, it is costly. */
  public static final TableSchema<LeaseItem> TABLE_SCHEMA = TableSchema.fromBean(LeaseItem.class);

  private String leaseKey;
  private String leaseOwner;
  private Long leaseCounter;
  private String checkpoint;
  private Long checkpointSubSequenceNumber;
  private String pendingCheckpoint;
  private Long pendingCheckpointSubSequenceNumber;
  private Long ownerSwitchesSinceCheckpoint;
  private Set<String> parentShardId;
  private Set<String> childShardIds;
  private String startingHashKey;
  private String endingHashKey;
  private String checkpointOwner;
  private String entityType;

  /** Creates an empty item; the Enhanced Client calls this. */
  public LeaseItem() {}

  /** Returns an item holding only the key, to which an update adds what it sets. */
  public static LeaseItem key(String leaseKey) {
    LeaseItem item = new LeaseItem();
    item.leaseKey = leaseKey;
    return item;
  }

  /** Returns the full row of a new lease, as the KCL 3.5 creates it ({@code entityType} LEASE). */
  public static LeaseItem of(Lease lease) {
    LeaseItem item = key(lease.leaseKey());
    item.leaseOwner = lease.owner().orElse(null);
    item.leaseCounter = lease.counter();
    item.checkpoint = lease.checkpoint().sequenceNumber();
    item.checkpointSubSequenceNumber = lease.checkpoint().subSequenceNumber();
    lease
        .pendingCheckpoint()
        .ifPresent(
            pending -> {
              item.pendingCheckpoint = pending.sequenceNumber();
              item.pendingCheckpointSubSequenceNumber = pending.subSequenceNumber();
            });
    item.ownerSwitchesSinceCheckpoint = lease.ownerSwitchesSinceCheckpoint();
    item.parentShardId = nullIfEmpty(lease.parentShardIds());
    item.childShardIds = nullIfEmpty(lease.childShardIds());
    lease
        .hashKeyRange()
        .ifPresent(
            range -> {
              item.startingHashKey = range.start().toString();
              item.endingHashKey = range.end().toString();
            });
    item.checkpointOwner = lease.checkpointOwner().orElse(null);
    item.entityType = LEASE_ENTITY_TYPE;
    return item;
  }

  /**
   * Returns false for the KCL 3.5's other rows in a single-table lease table (the leader lock,
   * worker metrics, migration state): those whose {@code entityType} exists and is not LEASE.
   */
  public boolean isLease() {
    return entityType == null || LEASE_ENTITY_TYPE.equals(entityType);
  }

  /**
   * Returns the lease this row holds.
   *
   * @throws FatalException if the row lacks {@code leaseCounter} or {@code checkpoint}, or holds a
   *     value no lease can have; the message names the row and the attribute
   */
  public Lease toLease() {
    if (leaseCounter == null) {
      throw malformed("it has no " + LEASE_COUNTER, null);
    }
    if (checkpoint == null) {
      throw malformed("it has no " + CHECKPOINT, null);
    }
    try {
      Optional<Checkpoint> pending =
          pendingCheckpoint == null || pendingCheckpoint.isEmpty()
              ? Optional.empty()
              : Optional.of(
                  new Checkpoint(pendingCheckpoint, orZero(pendingCheckpointSubSequenceNumber)));
      Optional<HashKeyRange> range =
          startingHashKey == null || endingHashKey == null
              ? Optional.empty()
              : Optional.of(
                  new HashKeyRange(new BigInteger(startingHashKey), new BigInteger(endingHashKey)));
      return new Lease(
          leaseKey,
          Optional.ofNullable(leaseOwner),
          leaseCounter,
          new Checkpoint(checkpoint, orZero(checkpointSubSequenceNumber)),
          pending,
          orZero(ownerSwitchesSinceCheckpoint),
          parentShardId == null ? Set.of() : parentShardId,
          childShardIds == null ? Set.of() : childShardIds,
          range,
          Optional.ofNullable(checkpointOwner));
    } catch (IllegalArgumentException e) { // includes NumberFormatException
      throw malformed(e.getMessage(), e);
    }
  }

  private FatalException malformed(String why, Throwable cause) {
    return new FatalException(
        "lease table row '" + leaseKey + "' is not a valid lease: " + why, null, cause);
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  private static Set<String> nullIfEmpty(Set<String> set) {
    return set.isEmpty() ? null : set;
  }

  @DynamoDbPartitionKey
  public String getLeaseKey() {
    return leaseKey;
  }

  public void setLeaseKey(String leaseKey) {
    this.leaseKey = leaseKey;
  }

  public String getLeaseOwner() {
    return leaseOwner;
  }

  public void setLeaseOwner(String leaseOwner) {
    this.leaseOwner = leaseOwner;
  }

  public Long getLeaseCounter() {
    return leaseCounter;
  }

  public void setLeaseCounter(Long leaseCounter) {
    this.leaseCounter = leaseCounter;
  }

  public String getCheckpoint() {
    return checkpoint;
  }

  public void setCheckpoint(String checkpoint) {
    this.checkpoint = checkpoint;
  }

  public Long getCheckpointSubSequenceNumber() {
    return checkpointSubSequenceNumber;
  }

  public void setCheckpointSubSequenceNumber(Long checkpointSubSequenceNumber) {
    this.checkpointSubSequenceNumber = checkpointSubSequenceNumber;
  }

  public String getPendingCheckpoint() {
    return pendingCheckpoint;
  }

  public void setPendingCheckpoint(String pendingCheckpoint) {
    this.pendingCheckpoint = pendingCheckpoint;
  }

  public Long getPendingCheckpointSubSequenceNumber() {
    return pendingCheckpointSubSequenceNumber;
  }

  public void setPendingCheckpointSubSequenceNumber(Long pendingCheckpointSubSequenceNumber) {
    this.pendingCheckpointSubSequenceNumber = pendingCheckpointSubSequenceNumber;
  }

  public Long getOwnerSwitchesSinceCheckpoint() {
    return ownerSwitchesSinceCheckpoint;
  }

  public void setOwnerSwitchesSinceCheckpoint(Long ownerSwitchesSinceCheckpoint) {
    this.ownerSwitchesSinceCheckpoint = ownerSwitchesSinceCheckpoint;
  }

  public Set<String> getParentShardId() {
    return parentShardId;
  }

  public void setParentShardId(Set<String> parentShardId) {
    this.parentShardId = parentShardId;
  }

  public Set<String> getChildShardIds() {
    return childShardIds;
  }

  public void setChildShardIds(Set<String> childShardIds) {
    this.childShardIds = childShardIds;
  }

  public String getStartingHashKey() {
    return startingHashKey;
  }

  public void setStartingHashKey(String startingHashKey) {
    this.startingHashKey = startingHashKey;
  }

  public String getEndingHashKey() {
    return endingHashKey;
  }

  public void setEndingHashKey(String endingHashKey) {
    this.endingHashKey = endingHashKey;
  }

  public String getCheckpointOwner() {
    return checkpointOwner;
  }

  public void setCheckpointOwner(String checkpointOwner) {
    this.checkpointOwner = checkpointOwner;
  }

  public String getEntityType() {
    return entityType;
  }

  public void setEntityType(String entityType) {
    this.entityType = entityType;
  }
}
