package io.kinesislite.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.DynamoDbLocalExtension;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.FatalException;
import io.kinesislite.transport.HashKeyRange;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The lease-store contract against DynamoDB Local, and what only the DynamoDB store does: the KCL's
 * exact row format, skipping the KCL 3.5's non-lease rows, creating the table, error mapping.
 */
@ExtendWith(DynamoDbLocalExtension.class)
class DynamoDbLeaseStoreIT extends LeaseStoreContract {
  private static DynamoDbLocal dynamo;
  private static DynamoDbClient client;

  private final List<String> tables = new ArrayList<>();

  @BeforeAll
  static void connect(DynamoDbLocal shared) {
    dynamo = shared;
    client = client(shared);
  }

  @AfterAll
  static void disconnect() {
    if (client != null) {
      client.close();
    }
  }

  @Override
  protected LeaseStore openStore() {
    return DynamoDbLeaseStore.create(client, newTable());
  }

  @AfterEach
  void dropTables() {
    for (String table : tables) {
      try {
        client.deleteTable(r -> r.tableName(table));
      } catch (ResourceNotFoundException e) {
        // never created
      }
    }
  }

  private String newTable() {
    String table = UniqueNames.table("leases");
    tables.add(table);
    return table;
  }

  private String table() {
    return ((DynamoDbLeaseStore) store()).tableName();
  }

  static DynamoDbClient client(DynamoDbLocal dynamo) {
    return DynamoDbClient.builder()
        .endpointOverride(dynamo.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  private Map<String, AttributeValue> rawRow(String leaseKey) {
    return client
        .getItem(
            r ->
                r.tableName(table())
                    .key(Map.of("leaseKey", AttributeValue.fromS(leaseKey)))
                    .consistentRead(true))
        .item();
  }

  /** Each attribute's name with its DynamoDB type, sorted by name. */
  private static Map<String, AttributeValue.Type> types(Map<String, AttributeValue> row) {
    Map<String, AttributeValue.Type> types = new TreeMap<>();
    row.forEach((name, value) -> types.put(name, value.type()));
    return types;
  }

  // ---------------------------------------------------------------- the KCL's row format

  @Test
  void aCreatedLeaseIsTheKclsItemWithExactlyItsAttributeNamesAndTypes() {
    store().createIfAbsent(newLease(SHARD));

    Map<String, AttributeValue> row = rawRow(SHARD);

    assertThat(types(row))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "leaseKey", AttributeValue.Type.S,
                    "leaseCounter", AttributeValue.Type.N,
                    "checkpoint", AttributeValue.Type.S,
                    "checkpointSubSequenceNumber", AttributeValue.Type.N,
                    "ownerSwitchesSinceCheckpoint", AttributeValue.Type.N,
                    "parentShardId", AttributeValue.Type.SS,
                    "startingHashKey", AttributeValue.Type.S,
                    "endingHashKey", AttributeValue.Type.S,
                    "entityType", AttributeValue.Type.S)));
    assertThat(row.get("leaseKey").s()).isEqualTo(SHARD);
    assertThat(row.get("leaseCounter").n()).isEqualTo("0");
    assertThat(row.get("checkpoint").s()).isEqualTo("TRIM_HORIZON");
    assertThat(row.get("checkpointSubSequenceNumber").n()).isEqualTo("0");
    assertThat(row.get("ownerSwitchesSinceCheckpoint").n()).isEqualTo("0");
    assertThat(row.get("parentShardId").ss()).containsExactly("shardId-000000000001");
    assertThat(row.get("startingHashKey").s()).isEqualTo("0");
    assertThat(row.get("endingHashKey").s())
        .isEqualTo(HashKeyRange.MAX_HASH_KEY.shiftRight(1).toString());
    assertThat(row.get("entityType").s()).isEqualTo("LEASE");
  }

  @Test
  void aFullLeaseWritesEveryKclAttributeWithItsType() {
    store().createIfAbsent(fullLease(SHARD));

    Map<String, AttributeValue> row = rawRow(SHARD);

    assertThat(types(row))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.ofEntries(
                    Map.entry("leaseKey", AttributeValue.Type.S),
                    Map.entry("leaseOwner", AttributeValue.Type.S),
                    Map.entry("leaseCounter", AttributeValue.Type.N),
                    Map.entry("checkpoint", AttributeValue.Type.S),
                    Map.entry("checkpointSubSequenceNumber", AttributeValue.Type.N),
                    Map.entry("pendingCheckpoint", AttributeValue.Type.S),
                    Map.entry("pendingCheckpointSubSequenceNumber", AttributeValue.Type.N),
                    Map.entry("ownerSwitchesSinceCheckpoint", AttributeValue.Type.N),
                    Map.entry("parentShardId", AttributeValue.Type.SS),
                    Map.entry("childShardIds", AttributeValue.Type.SS),
                    Map.entry("startingHashKey", AttributeValue.Type.S),
                    Map.entry("endingHashKey", AttributeValue.Type.S),
                    Map.entry("checkpointOwner", AttributeValue.Type.S),
                    Map.entry("entityType", AttributeValue.Type.S))));
    assertThat(row.get("checkpoint").s()).isEqualTo(SEQ_1);
    assertThat(row.get("checkpointSubSequenceNumber").n()).isEqualTo("3");
    assertThat(row.get("pendingCheckpoint").s()).isEqualTo(SEQ_2);
    assertThat(row.get("pendingCheckpointSubSequenceNumber").n()).isEqualTo("5");
    assertThat(row.get("childShardIds").ss())
        .containsExactlyInAnyOrder("shardId-000000000009", "shardId-000000000010");
  }

  @Test
  void takePrepareAndCheckpointWriteTheKclsAttributes() {
    store().createIfAbsent(newLease(SHARD));

    Lease taken = store().take(store().get(SHARD).orElseThrow(), "worker-1");
    Map<String, AttributeValue> afterTake = rawRow(SHARD);
    assertThat(types(afterTake))
        .containsEntry("leaseOwner", AttributeValue.Type.S)
        .containsEntry("leaseCounter", AttributeValue.Type.N)
        .containsEntry("ownerSwitchesSinceCheckpoint", AttributeValue.Type.N)
        .doesNotContainKey("checkpointOwner")
        .hasSize(10);
    assertThat(afterTake.get("leaseOwner").s()).isEqualTo("worker-1");
    assertThat(afterTake.get("leaseCounter").n()).isEqualTo("1");
    // Taking an unowned lease is not an owner switch, as the KCL counts it.
    assertThat(afterTake.get("ownerSwitchesSinceCheckpoint").n()).isEqualTo("0");

    Lease prepared = store().prepareCheckpoint(taken, Checkpoint.at(SEQ_1, 4));
    Map<String, AttributeValue> afterPrepare = rawRow(SHARD);
    assertThat(types(afterPrepare))
        .containsEntry("pendingCheckpoint", AttributeValue.Type.S)
        .containsEntry("pendingCheckpointSubSequenceNumber", AttributeValue.Type.N)
        .hasSize(12);
    assertThat(afterPrepare.get("pendingCheckpoint").s()).isEqualTo(SEQ_1);
    assertThat(afterPrepare.get("pendingCheckpointSubSequenceNumber").n()).isEqualTo("4");
    assertThat(afterPrepare.get("leaseCounter").n()).isEqualTo("2");

    store().checkpoint(prepared, Checkpoint.at(SEQ_2, 7));
    Map<String, AttributeValue> afterCheckpoint = rawRow(SHARD);
    assertThat(types(afterCheckpoint))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.ofEntries(
                    Map.entry("leaseKey", AttributeValue.Type.S),
                    Map.entry("leaseOwner", AttributeValue.Type.S),
                    Map.entry("leaseCounter", AttributeValue.Type.N),
                    Map.entry("checkpoint", AttributeValue.Type.S),
                    Map.entry("checkpointSubSequenceNumber", AttributeValue.Type.N),
                    Map.entry("ownerSwitchesSinceCheckpoint", AttributeValue.Type.N),
                    Map.entry("parentShardId", AttributeValue.Type.SS),
                    Map.entry("startingHashKey", AttributeValue.Type.S),
                    Map.entry("endingHashKey", AttributeValue.Type.S),
                    Map.entry("entityType", AttributeValue.Type.S))));
    assertThat(afterCheckpoint.get("checkpoint").s()).isEqualTo(SEQ_2);
    assertThat(afterCheckpoint.get("checkpointSubSequenceNumber").n()).isEqualTo("7");
    assertThat(afterCheckpoint.get("ownerSwitchesSinceCheckpoint").n()).isEqualTo("0");
    assertThat(afterCheckpoint.get("leaseCounter").n()).isEqualTo("3");
  }

  @Test
  void writesLeaveAttributesTheStoreDoesNotModelAsTheyAre() {
    store().createIfAbsent(newLease(SHARD));
    // What a KCL 3.x renewal adds to the row.
    client.updateItem(
        r ->
            r.tableName(table())
                .key(Map.of("leaseKey", AttributeValue.fromS(SHARD)))
                .updateExpression("SET throughputKBps = :t")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromN("12.5"))));

    Lease held = store().take(store().get(SHARD).orElseThrow(), "worker-1");
    held = store().renew(held);
    store().checkpoint(held, Checkpoint.at(SEQ_1, 0));

    assertThat(rawRow(SHARD).get("throughputKBps")).isEqualTo(AttributeValue.fromN("12.5"));
  }

  @Test
  void checkpointAndPrepareRemoveAPendingCheckpointStateAKclWorkerLeft() {
    Lease held = store().take(created(newLease(SHARD)), "worker-1");
    held = store().prepareCheckpoint(held, Checkpoint.at(SEQ_1, 1));
    setState();

    held = store().prepareCheckpoint(held, Checkpoint.at(SEQ_1, 2));
    assertThat(rawRow(SHARD)).doesNotContainKey("pendingCheckpointState");

    setState();
    store().checkpoint(held, Checkpoint.at(SEQ_1, 2));
    assertThat(rawRow(SHARD))
        .doesNotContainKeys(
            "pendingCheckpointState", "pendingCheckpoint", "pendingCheckpointSubSequenceNumber");
  }

  private void setState() {
    client.updateItem(
        r ->
            r.tableName(table())
                .key(Map.of("leaseKey", AttributeValue.fromS(SHARD)))
                .updateExpression("SET pendingCheckpointState = :s")
                .expressionAttributeValues(
                    Map.of(":s", AttributeValue.fromB(SdkBytes.fromUtf8String("state")))));
  }

  private Lease created(Lease lease) {
    assertThat(store().createIfAbsent(lease)).isTrue();
    return store().get(lease.leaseKey()).orElseThrow();
  }

  @Test
  void recordingNoChildShardsRemovesTheAttribute() {
    store().createIfAbsent(fullLease(SHARD));

    store().recordChildShards(SHARD, Set.of());

    assertThat(rawRow(SHARD)).doesNotContainKey("childShardIds");
    assertThat(store().get(SHARD).orElseThrow().childShardIds()).isEmpty();
  }

  // ---------------------------------------------------------------- non-lease rows

  @Test
  void listAndGetSkipTheKclsLeaderAndWorkerMetricRowsButKeepRowsWithoutEntityType() {
    store().createIfAbsent(newLease(SHARD));
    putRaw(
        Map.of(
            "leaseKey", AttributeValue.fromS("Leader"),
            "entityType", AttributeValue.fromS("LEADER"),
            "ownerName", AttributeValue.fromS("worker-9"),
            "leaseDuration", AttributeValue.fromS("120000"),
            "recordVersionNumber", AttributeValue.fromS("0b7e6a2c-5f1d-4d8e-9a43-2b5c6d7e8f90")));
    putRaw(
        Map.of(
            "leaseKey", AttributeValue.fromS("worker-9"),
            "entityType", AttributeValue.fromS("WORKER_METRIC_STATS"),
            "lut", AttributeValue.fromN("1767225600"),
            "sts",
                AttributeValue.fromM(
                    Map.of("C", AttributeValue.fromL(List.of(AttributeValue.fromN("12.5")))))));
    putRaw(
        Map.of(
            "leaseKey", AttributeValue.fromS("Migration3.0"),
            "entityType", AttributeValue.fromS("CLIENT_VERSION_MIGRATION"),
            "cv", AttributeValue.fromS("CLIENT_VERSION_3X")));
    // A 2.x-era row, as Graylog pre-seeds it: no entityType, no owner.
    putRaw(
        Map.of(
            "leaseKey", AttributeValue.fromS("shardId-000000000002"),
            "leaseCounter", AttributeValue.fromN("0"),
            "checkpoint", AttributeValue.fromS("TRIM_HORIZON"),
            "checkpointSubSequenceNumber", AttributeValue.fromN("0"),
            "ownerSwitchesSinceCheckpoint", AttributeValue.fromN("0")));

    Lease legacy = Lease.newLease("shardId-000000000002", Checkpoint.TRIM_HORIZON, Set.of(), null);
    assertThat(store().list()).containsExactlyInAnyOrder(newLease(SHARD), legacy);
    assertThat(store().get("Leader")).isEmpty();
    assertThat(store().get("worker-9")).isEmpty();
    assertThat(store().get("Migration3.0")).isEmpty();
    assertThat(store().get("shardId-000000000002")).contains(legacy);
    assertThat(store().createIfAbsent(newLease("Leader"))).isFalse();
  }

  private void putRaw(Map<String, AttributeValue> item) {
    client.putItem(r -> r.tableName(table()).item(item));
  }

  @Test
  void listReadsEveryPageOfALargeTable() {
    // A scan returns at most 1 MB a page: padding rows (skipped) make the table span pages.
    String padding = "x".repeat(60_000);
    for (int i = 0; i < 30; i++) {
      putRaw(
          Map.of(
              "leaseKey", AttributeValue.fromS("padding-" + i),
              "entityType", AttributeValue.fromS("WORKER_METRIC_STATS"),
              "pad", AttributeValue.fromS(padding)));
    }
    for (int i = 0; i < 50; i++) {
      store().createIfAbsent(newLease(String.format("shardId-%012d", i)));
    }

    assertThat(store().list()).hasSize(50);
  }

  @Test
  void aMalformedLeaseRowIsAFatalErrorNamingTheRow() {
    putRaw(
        Map.of(
            "leaseKey", AttributeValue.fromS(SHARD),
            "leaseCounter", AttributeValue.fromN("3"),
            "checkpoint", AttributeValue.fromS("not-a-sequence-number")));

    assertThatThrownBy(() -> store().get(SHARD))
        .isInstanceOf(FatalException.class)
        .hasMessageContaining(SHARD)
        .hasMessageContaining("not-a-sequence-number");
  }

  // ---------------------------------------------------------------- the table

  @Test
  void ensureTableCreatesAMissingTableOnDemandWithTheKclsKey() {
    String name = newTable();
    try (LeaseStore fresh = DynamoDbLeaseStore.create(client, name)) {
      fresh.ensureTable();
      fresh.ensureTable();

      TableDescription table = client.describeTable(r -> r.tableName(name)).table();
      assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
      assertThat(table.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
      assertThat(table.keySchema()).hasSize(1);
      assertThat(table.keySchema().get(0).attributeName()).isEqualTo("leaseKey");
      assertThat(table.keySchema().get(0).keyType()).isEqualTo(KeyType.HASH);
      assertThat(table.attributeDefinitions()).hasSize(1);
      assertThat(table.attributeDefinitions().get(0).attributeType())
          .isEqualTo(ScalarAttributeType.S);
      assertThat(fresh.list()).isEmpty();
    }
  }

  @Test
  void ensureTableRefusesATableWithAnotherKey() {
    String name = newTable();
    client.createTable(
        r ->
            r.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName("key")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(
                    KeySchemaElement.builder().attributeName("key").keyType(KeyType.HASH).build()));
    try (LeaseStore other = DynamoDbLeaseStore.create(client, name)) {
      assertThatThrownBy(other::ensureTable)
          .isInstanceOf(FatalException.class)
          .hasMessageContaining(name)
          .hasMessageContaining("not a lease table");
    }
  }

  @Test
  void callsOnAMissingTableAreFatalNotRetriable() {
    try (LeaseStore missing = DynamoDbLeaseStore.create(client, UniqueNames.table("missing"))) {
      assertThatThrownBy(missing::list)
          .isInstanceOf(io.kinesislite.transport.ResourceNotFoundException.class)
          .hasMessageContaining("Scan");
      assertThatThrownBy(() -> missing.get(SHARD)).isInstanceOf(FatalException.class);
    }
  }

  // ---------------------------------------------------------------- retries, errors, config

  @Test
  void aConditionalWriteWhoseFirstAttemptSucceededUnseenCountsAsDone() {
    Lease held = store().take(created(newLease(SHARD)), "worker-1");
    // What DynamoDB did with a renewal whose answer was lost before the SDK retried it.
    client.updateItem(
        r ->
            r.tableName(table())
                .key(Map.of("leaseKey", AttributeValue.fromS(SHARD)))
                .updateExpression("SET leaseCounter = :c")
                .expressionAttributeValues(
                    Map.of(":c", AttributeValue.fromN(Long.toString(held.counter() + 1)))));

    Lease renewed = store().renew(held);

    assertThat(renewed).isEqualTo(held.withCounter(held.counter() + 1));
  }

  @Test
  void aLostLeaseNamesTheKeyTheExpectedCounterAndTheNewOwner() {
    Lease held = store().take(created(newLease(SHARD)), "worker-1");
    store().take(store().get(SHARD).orElseThrow(), "worker-2");

    assertThatThrownBy(() -> store().checkpoint(held, Checkpoint.at(SEQ_1, 0)))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining(SHARD)
        .hasMessageContaining("not " + held.counter())
        .hasMessageContaining("worker-2");
  }

  @Test
  void aStoreWithItsOwnClientWorksAgainstAnEndpointAndClosesIt() {
    String name = newTable();
    LeaseStoreConfig config =
        LeaseStoreConfig.builder()
            .tableName(name)
            .endpoint(dynamo.endpoint())
            .credentials(CredentialsSource.staticKeys("AKIDLOCAL", "secret"))
            .callTimeout(Duration.ofSeconds(5))
            .build();
    LeaseStore own = DynamoDbLeaseStore.create(config);
    try {
      own.ensureTable();
      assertThat(own.createIfAbsent(newLease(SHARD))).isTrue();
      assertThat(own.get(SHARD)).contains(newLease(SHARD));
    } finally {
      own.close();
    }
    own.close();

    assertThatThrownBy(own::list).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anUnreachableEndpointIsARetriableLeaseStoreException() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    LeaseStoreConfig config =
        LeaseStoreConfig.builder()
            .tableName("unreachable")
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .callTimeout(Duration.ofSeconds(3))
            .build();
    try (LeaseStore nowhere = DynamoDbLeaseStore.create(config)) {
      assertThatThrownBy(() -> nowhere.get(SHARD))
          .isInstanceOf(LeaseStoreException.class)
          .hasMessageContaining("GetItem")
          .satisfies(e -> assertThat(((LeaseStoreException) e).isRetriable()).isTrue());
    }
  }

  @Test
  void closingAStoreLeavesTheCallersClientOpen() {
    LeaseStore extra = openAndTrack();
    extra.ensureTable();
    extra.close();

    assertThat(client.listTables().tableNames()).isNotNull();
    assertThat(store().get(SHARD)).isEqualTo(Optional.empty());
  }
}
