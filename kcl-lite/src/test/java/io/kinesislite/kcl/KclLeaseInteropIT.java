package io.kinesislite.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.DynamoDbLocalExtension;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.HashKeyRange;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.kinesis.common.DdbTableConfig;
import software.amazon.kinesis.common.HashKeyRangeForLease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.TableCreatorCallback;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * kcl-lite and the real KCL 3.5.1 sharing one lease table in DynamoDB Local: each reads the other's
 * rows, and each one's conditional writes fence the other's stale copies. The KCL side is its own
 * {@code DynamoDBLeaseRefresher} with its {@code DynamoDBLeaseSerializer}, which is what its
 * workers read and write leases with (it needs no metrics).
 *
 * <p>KCL leases are written {@code software.amazon.kinesis.leases.Lease} in full; {@code Lease}
 * alone is kcl-lite's.
 */
@ExtendWith(DynamoDbLocalExtension.class)
class KclLeaseInteropIT {
  private static final String SHARD = "shardId-000000000007";
  private static final String OTHER_SHARD = "shardId-000000000008";
  private static final String PARENT_1 = "shardId-000000000001";
  private static final String PARENT_2 = "shardId-000000000002";
  private static final String CHILD_1 = "shardId-000000000011";
  private static final String CHILD_2 = "shardId-000000000012";
  private static final String SEQ_1 = "49590338271490256608559692538361571095921575989136588898";
  private static final String SEQ_2 = "49590338271490256608559692540925702759324208523137515618";
  private static final BigInteger MID = new BigInteger("170141183460469231731687303715884105728");
  private static final HashKeyRange UPPER_HALF = new HashKeyRange(MID, HashKeyRange.MAX_HASH_KEY);
  private static final HashKeyRangeForLease KCL_UPPER_HALF =
      new HashKeyRangeForLease(MID, HashKeyRange.MAX_HASH_KEY);

  private static DynamoDbClient syncClient;
  private static DynamoDbAsyncClient asyncClient;

  private String table;
  private DynamoDbLeaseStore ours;
  private DynamoDBLeaseRefresher kcl;

  @BeforeAll
  static void connect(DynamoDbLocal dynamo) {
    syncClient = DynamoDbLeaseStoreIT.client(dynamo);
    // The KCL's refresher takes the async client; Netty comes with the KCL.
    asyncClient =
        DynamoDbAsyncClient.builder()
            .endpointOverride(dynamo.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
            .httpClientBuilder(NettyNioAsyncHttpClient.builder())
            .build();
  }

  @AfterAll
  static void disconnect() {
    if (asyncClient != null) {
      asyncClient.close();
    }
    if (syncClient != null) {
      syncClient.close();
    }
  }

  @BeforeEach
  void shareOneTable() {
    table = UniqueNames.table("kcl-interop");
    ours = DynamoDbLeaseStore.create(syncClient, table);
    ours.ensureTable();
    kcl =
        new DynamoDBLeaseRefresher(
            table,
            asyncClient,
            new DynamoDBLeaseSerializer(),
            true, // consistent reads
            TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK,
            Duration.ofSeconds(10),
            new DdbTableConfig(),
            false,
            false,
            List.of());
  }

  @AfterEach
  void dropTable() {
    ours.close();
    syncClient.deleteTable(r -> r.tableName(table));
  }

  private static software.amazon.kinesis.leases.Lease kclNewLease(String shardId) {
    software.amazon.kinesis.leases.Lease lease = new software.amazon.kinesis.leases.Lease();
    lease.leaseKey(shardId);
    lease.leaseCounter(0L);
    lease.checkpoint(ExtendedSequenceNumber.TRIM_HORIZON);
    lease.ownerSwitchesSinceCheckpoint(0L);
    lease.parentShardIds(List.of(PARENT_1));
    lease.hashKeyRange(KCL_UPPER_HALF);
    return lease;
  }

  private Lease ours(String leaseKey) {
    return ours.get(leaseKey).orElseThrow(() -> new AssertionError("no lease " + leaseKey));
  }

  // ---------------------------------------------------------------- reading each other's rows

  @Test
  void theKclReadsTheLeasesWeWrite() throws Exception {
    ours.createIfAbsent(
        new Lease(
            SHARD,
            Optional.empty(),
            0,
            Checkpoint.TRIM_HORIZON,
            Optional.empty(),
            0,
            Set.of(PARENT_1, PARENT_2),
            Set.of(),
            Optional.of(UPPER_HALF),
            Optional.empty()));
    ours.createIfAbsent(Lease.newLease(OTHER_SHARD, Checkpoint.LATEST, Set.of(), null));
    Lease held = ours.take(ours(SHARD), "lite-worker");
    held = ours.checkpoint(held, Checkpoint.at(SEQ_1, 3));
    held = ours.prepareCheckpoint(held, Checkpoint.at(SEQ_2, 5));
    ours.recordChildShards(SHARD, Set.of(CHILD_1, CHILD_2));

    software.amazon.kinesis.leases.Lease read = kcl.getLease(SHARD);

    assertThat(read.leaseKey()).isEqualTo(SHARD);
    assertThat(read.leaseOwner()).isEqualTo("lite-worker");
    assertThat(read.leaseCounter()).isEqualTo(held.counter()).isEqualTo(3L);
    assertThat(read.checkpoint()).isEqualTo(new ExtendedSequenceNumber(SEQ_1, 3L));
    assertThat(read.pendingCheckpoint()).isEqualTo(new ExtendedSequenceNumber(SEQ_2, 5L));
    assertThat(read.pendingCheckpointState()).isNull();
    assertThat(read.ownerSwitchesSinceCheckpoint()).isZero();
    assertThat(read.parentShardIds()).containsExactlyInAnyOrder(PARENT_1, PARENT_2);
    assertThat(read.childShardIds()).containsExactlyInAnyOrder(CHILD_1, CHILD_2);
    assertThat(read.hashKeyRangeForLease()).isEqualTo(KCL_UPPER_HALF);
    assertThat(read.checkpointOwner()).isNull();
    assertThat(kcl.getCheckpoint(SHARD)).isEqualTo(new ExtendedSequenceNumber(SEQ_1, 3L));

    Map<String, software.amazon.kinesis.leases.Lease> listed =
        kcl.listLeases().stream()
            .collect(
                Collectors.toMap(
                    software.amazon.kinesis.leases.Lease::leaseKey, Function.identity()));
    assertThat(listed).containsOnlyKeys(SHARD, OTHER_SHARD);
    assertThat(listed.get(SHARD).leaseOwner()).isEqualTo("lite-worker");
    assertThat(listed.get(SHARD).leaseCounter()).isEqualTo(3L);
    assertThat(listed.get(SHARD).checkpoint()).isEqualTo(read.checkpoint());
    software.amazon.kinesis.leases.Lease other = listed.get(OTHER_SHARD);
    assertThat(other.leaseOwner()).isNull();
    assertThat(other.leaseCounter()).isZero();
    assertThat(other.checkpoint()).isEqualTo(ExtendedSequenceNumber.LATEST);
    assertThat(other.pendingCheckpoint()).isNull();
    assertThat(other.parentShardIds()).isEmpty();
    assertThat(other.childShardIds()).isEmpty();
    assertThat(other.hashKeyRangeForLease()).isNull();
  }

  @Test
  void weReadTheLeasesTheKclWrites() throws Exception {
    software.amazon.kinesis.leases.Lease kclLease = kclNewLease(SHARD);
    assertThat(kcl.createLeaseIfNotExists(kclLease)).isTrue();

    assertThat(ours.get(SHARD))
        .contains(Lease.newLease(SHARD, Checkpoint.TRIM_HORIZON, Set.of(PARENT_1), UPPER_HALF));

    assertThat(kcl.takeLease(kclLease, "kcl-worker")).isTrue();
    Lease taken = ours(SHARD);
    assertThat(taken.owner()).contains("kcl-worker");
    assertThat(taken.counter()).isEqualTo(1);
    // The KCL counts no owner switch when it takes a lease nobody held (kcl-lite does).
    assertThat(taken.ownerSwitchesSinceCheckpoint()).isZero();

    // What the KCL's checkpointer does: set the checkpoint, clear the pending one, zero switches.
    kclLease.checkpoint(new ExtendedSequenceNumber(SEQ_1, 7L));
    kclLease.pendingCheckpoint(null);
    kclLease.ownerSwitchesSinceCheckpoint(0L);
    assertThat(kcl.updateLease(kclLease)).isTrue();

    Lease checkpointed = ours(SHARD);
    assertThat(checkpointed)
        .isEqualTo(
            new Lease(
                SHARD,
                Optional.of("kcl-worker"),
                2,
                Checkpoint.at(SEQ_1, 7),
                Optional.empty(),
                0,
                Set.of(PARENT_1),
                Set.of(),
                Optional.of(UPPER_HALF),
                Optional.empty()));
    assertThat(ours.list()).containsExactly(checkpointed);

    // A prepared checkpoint with application state, as KCL's prepareCheckpoint(byte[]) writes it.
    kclLease.pendingCheckpoint(new ExtendedSequenceNumber(SEQ_2, 1L));
    kclLease.pendingCheckpointState(new byte[] {1, 2, 3});
    assertThat(kcl.updateLease(kclLease)).isTrue();
    assertThat(ours(SHARD).pendingCheckpoint()).contains(Checkpoint.at(SEQ_2, 1));
    assertThat(ours(SHARD).counter()).isEqualTo(3);
  }

  // ---------------------------------------------------------------- fencing each other

  @Test
  void aTakeByUsMakesTheKclsRenewalAndCheckpointOfItsStaleCopyFail() throws Exception {
    software.amazon.kinesis.leases.Lease kclLease = kclNewLease(SHARD);
    kcl.createLeaseIfNotExists(kclLease);
    assertThat(kcl.takeLease(kclLease, "kcl-worker")).isTrue();
    assertThat(kcl.renewLease(kclLease)).isTrue(); // the KCL accepts our rows' shape for renewal
    Lease observed = ours(SHARD);
    assertThat(observed.counter()).isEqualTo(2);

    Lease mine = ours.take(observed, "lite-worker");

    assertThat(kcl.renewLease(kclLease)).isFalse();
    kclLease.checkpoint(new ExtendedSequenceNumber(SEQ_1, 0L));
    assertThat(kcl.updateLease(kclLease)).isFalse();
    assertThat(ours.get(SHARD)).contains(mine);
    software.amazon.kinesis.leases.Lease kclView = kcl.getLease(SHARD);
    assertThat(kclView.leaseOwner()).isEqualTo("lite-worker");
    assertThat(kclView.leaseCounter()).isEqualTo(3L);
    assertThat(kclView.ownerSwitchesSinceCheckpoint()).isEqualTo(1L);
    assertThat(kclView.checkpoint()).isEqualTo(ExtendedSequenceNumber.TRIM_HORIZON);
  }

  @Test
  void aTakeByTheKclMakesOurRenewalAndCheckpointOfOurStaleCopyFail() throws Exception {
    ours.createIfAbsent(Lease.newLease(SHARD, Checkpoint.TRIM_HORIZON, Set.of(), UPPER_HALF));
    Lease held = ours.renew(ours.take(ours(SHARD), "lite-worker"));
    software.amazon.kinesis.leases.Lease kclCopy = kcl.getLease(SHARD);
    assertThat(kclCopy.leaseCounter()).isEqualTo(held.counter());

    assertThat(kcl.takeLease(kclCopy, "kcl-worker")).isTrue();

    assertThatThrownBy(() -> ours.renew(held))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining(SHARD)
        .hasMessageContaining("kcl-worker");
    assertThatThrownBy(() -> ours.checkpoint(held, Checkpoint.at(SEQ_1, 0)))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> ours.release(held)).isInstanceOf(LeaseLostException.class);
    Lease now = ours(SHARD);
    assertThat(now.owner()).contains("kcl-worker");
    assertThat(now.counter()).isEqualTo(held.counter() + 1);
    // Our take of the unowned lease was no switch; the KCL's take from us was one.
    assertThat(now.ownerSwitchesSinceCheckpoint()).isEqualTo(1);
    assertThat(now.checkpoint()).isEqualTo(Checkpoint.TRIM_HORIZON);
    assertThat(kcl.renewLease(kclCopy)).isTrue();
  }

  @Test
  void weSeeAKclHandOffAndOurTakeEndsIt() throws Exception {
    ours.createIfAbsent(Lease.newLease(SHARD, Checkpoint.TRIM_HORIZON, Set.of(), UPPER_HALF));
    Lease held = ours.take(ours(SHARD), "lite-worker");

    // A KCL 3.x leader moves the lease gracefully: the new owner, the old one as checkpointOwner,
    // and no counter change, so the old owner keeps renewing until it has checkpointed.
    assertThat(kcl.initiateGracefulLeaseHandoff(kcl.getLease(SHARD), "kcl-worker")).isTrue();
    Lease handingOff = ours(SHARD);
    assertThat(handingOff.owner()).contains("kcl-worker");
    assertThat(handingOff.checkpointOwner()).contains("lite-worker");
    assertThat(handingOff.counter()).isEqualTo(held.counter());

    Lease renewed = ours.renew(held);
    assertThat(renewed.owner()).contains("kcl-worker");
    assertThat(renewed.checkpointOwner()).contains("lite-worker");
    renewed = ours.checkpoint(renewed, Checkpoint.at(SEQ_1, 0));

    Lease handedOver = ours.take(renewed, "kcl-worker");

    assertThat(handedOver.checkpointOwner()).isEmpty();
    software.amazon.kinesis.leases.Lease kclView = kcl.getLease(SHARD);
    assertThat(kclView.leaseOwner()).isEqualTo("kcl-worker");
    assertThat(kclView.checkpointOwner()).isNull();
    assertThat(kclView.leaseCounter()).isEqualTo(handedOver.counter());
    assertThat(kclView.checkpoint()).isEqualTo(new ExtendedSequenceNumber(SEQ_1, 0L));
  }
}
