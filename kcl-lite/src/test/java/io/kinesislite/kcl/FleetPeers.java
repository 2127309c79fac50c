package io.kinesislite.kcl;

import static io.kinesislite.testkit.TransportAssertions.await;

import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.KinesisMock;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * What a fleet test runs against: a fresh stream on kinesis-mock and a fresh lease table in
 * DynamoDB Local (created), with the test's own view of the table. Closing it deletes both, so the
 * shared peers stay clean. Not thread-safe; one per test.
 */
final class FleetPeers implements AutoCloseable {
  final KinesisMock mock;
  final DynamoDbLocal dynamo;
  final KinesisTransport kinesis;
  final String stream;
  final String table;
  private final DynamoDbClient dynamoClient;
  private final DynamoDbLeaseStore tableView;

  FleetPeers(KinesisMock mock, DynamoDbLocal dynamo, String prefix, int shards) {
    this.mock = mock;
    this.dynamo = dynamo;
    dynamoClient = DynamoDbLeaseStoreIT.client(dynamo);
    kinesis =
        Transports.open(
            TransportConfig.builder().selection(mock.httpEndpoint().toString()).build());
    stream = UniqueNames.stream(prefix);
    await(kinesis.createStream(stream, shards));
    await(kinesis.awaitStreamActive(stream, Duration.ofSeconds(30)));
    table = UniqueNames.table(prefix);
    tableView = openStore();
    tableView.ensureTable();
  }

  /** A lease store of its own over the table; its caller closes it. */
  DynamoDbLeaseStore openStore() {
    return DynamoDbLeaseStore.create(
        LeaseStoreConfig.builder()
            .tableName(table)
            .endpoint(dynamo.endpoint())
            .credentials(CredentialsSource.staticKeys("local", "local"))
            // Below the failover times the fleet tests use, as LeaseStoreConfig asks.
            .callTimeout(Duration.ofSeconds(2))
            .build());
  }

  /** The lease table by shard. */
  Map<String, Lease> leaseTable() {
    Map<String, Lease> byShard = new TreeMap<>();
    tableView.list().forEach(l -> byShard.put(l.leaseKey(), l));
    return byShard;
  }

  /** Worker id to the shards it owns in the lease table. */
  Map<String, Set<String>> owners() {
    return owners(leaseTable());
  }

  /** Worker id to the shards it owns in {@code table}, a snapshot of the lease table. */
  static Map<String, Set<String>> owners(Map<String, Lease> table) {
    Map<String, Set<String>> owners = new TreeMap<>();
    for (Lease lease : table.values()) {
      lease
          .owner()
          .ifPresent(o -> owners.computeIfAbsent(o, k -> new TreeSet<>()).add(lease.leaseKey()));
    }
    return owners;
  }

  @Override
  public void close() {
    tableView.close();
    await(kinesis.deleteStream(stream)); // gives its shards back to the shared mock
    kinesis.close();
    try {
      dynamoClient.deleteTable(r -> r.tableName(table));
    } catch (ResourceNotFoundException e) {
      // already gone
    }
    dynamoClient.close();
  }
}
