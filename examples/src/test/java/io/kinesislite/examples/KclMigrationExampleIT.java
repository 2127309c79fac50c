package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Lease;
import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.DynamoDbLocalExtension;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * {@link KclMigrationExample} against a lease table a KCL 3.x application left in DynamoDB Local:
 * the test creates the table as the KCL does (hash key {@code leaseKey}, on demand) and writes a
 * lease row with the KCL's attribute names, owned by a KCL worker that stopped and checkpointed at
 * the 10th of 20 records, plus the KCL 3.x migration-state row that shares the table. The example,
 * run with {@code --dynamodb-endpoint}, must skip that row, take the lease after the failover time,
 * start after the KCL's checkpoint, process exactly records 10 to 19, and checkpoint at the last,
 * leaving the KCL's own attributes (throughputKBps) in the row.
 */
@ExtendWith(DynamoDbLocalExtension.class)
class KclMigrationExampleIT {
  private static final String SHARD = "shardId-000000000000";

  @Test
  @Timeout(120)
  void theExampleResumesAfterTheCheckpointAKclWorkerLeftInDynamoDb(DynamoDbLocal dynamo)
      throws Exception {
    String table = UniqueNames.table("kcl-app");
    String stream = UniqueNames.stream("kcl-app-orders");
    List<String> sequenceNumbers = new ArrayList<>();
    try (KinesisTransport kinesis = Transports.open("embedded:");
        DynamoDbClient client = client(dynamo)) {
      kinesis.createStream(stream, 1).join();
      kinesis.awaitStreamActive(stream, Duration.ofSeconds(30)).join();
      for (int i = 0; i < 20; i++) {
        byte[] data = ("order-" + i).getBytes(StandardCharsets.UTF_8);
        sequenceNumbers.add(
            kinesis.putRecord(stream, PutEntry.of("customer-" + i, data)).join().sequenceNumber());
      }
      String kclCheckpoint = sequenceNumbers.get(9);

      // The table and rows as a KCL 3.x application leaves them.
      client.createTable(
          r ->
              r.tableName(table)
                  .keySchema(
                      KeySchemaElement.builder()
                          .attributeName("leaseKey")
                          .keyType(KeyType.HASH)
                          .build())
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName("leaseKey")
                          .attributeType(ScalarAttributeType.S)
                          .build())
                  .billingMode(BillingMode.PAY_PER_REQUEST));
      client.waiter().waitUntilTableExists(r -> r.tableName(table));
      client.putItem(
          r ->
              r.tableName(table)
                  .item(
                      Map.of(
                          "leaseKey", AttributeValue.fromS(SHARD),
                          "leaseOwner", AttributeValue.fromS("kcl-3x-worker-7f3a"),
                          "leaseCounter", AttributeValue.fromN("381"),
                          "checkpoint", AttributeValue.fromS(kclCheckpoint),
                          "checkpointSubSequenceNumber", AttributeValue.fromN("0"),
                          "ownerSwitchesSinceCheckpoint", AttributeValue.fromN("0"),
                          "startingHashKey", AttributeValue.fromS("0"),
                          "endingHashKey",
                              AttributeValue.fromS(HashKeyRange.MAX_HASH_KEY.toString()),
                          "throughputKBps", AttributeValue.fromN("1.25"),
                          "entityType", AttributeValue.fromS("LEASE"))));
      client.putItem(
          r ->
              r.tableName(table)
                  .item(
                      Map.of(
                          "leaseKey", AttributeValue.fromS("Migration3.0"),
                          "entityType", AttributeValue.fromS("CLIENT_VERSION_MIGRATION"),
                          "cv", AttributeValue.fromS("CLIENT_VERSION_3X"),
                          "mb", AttributeValue.fromS("kcl-3x-worker-7f3a"),
                          "mts", AttributeValue.fromN("1764750000000"))));

      KclMigrationExample example = new KclMigrationExample();
      new CommandLine(example)
          .parseArgs(
              "--dynamodb-endpoint",
              dynamo.endpoint().toString(),
              "--application",
              table,
              "--stream",
              stream,
              "--expect",
              "10",
              "--failover-seconds",
              "2",
              "--run-seconds",
              "60");
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      KclMigrationExample.Result result;
      try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
        result = example.run(out);
      } finally {
        System.out.print(printed.toString(StandardCharsets.UTF_8));
      }

      assertThat(result.seeded()).isFalse();
      assertThat(result.before()).containsOnlyKeys(SHARD); // the migration row is not a lease
      Lease found = result.before().get(SHARD);
      assertThat(found.owner()).contains("kcl-3x-worker-7f3a");
      assertThat(found.counter()).isEqualTo(381);
      assertThat(found.checkpoint()).isEqualTo(Checkpoint.at(kclCheckpoint, 0));

      assertThat(result.startedAfter()).containsEntry(SHARD, Checkpoint.at(kclCheckpoint, 0));
      assertThat(result.processed().get(SHARD))
          .containsExactlyElementsOf(IntStream.range(10, 20).mapToObj(i -> "order-" + i).toList());

      Lease after = result.after().get(SHARD);
      assertThat(after.owner()).isEmpty();
      assertThat(after.checkpoint()).isEqualTo(Checkpoint.at(sequenceNumbers.get(19), 0));
      Map<String, AttributeValue> row =
          client
              .getItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of("leaseKey", AttributeValue.fromS(SHARD)))
                          .consistentRead(true))
              .item();
      assertThat(row.get("checkpoint").s()).isEqualTo(sequenceNumbers.get(19));
      assertThat(row).containsKey("throughputKBps");
      assertThat(
              client
                  .getItem(
                      r ->
                          r.tableName(table)
                              .key(Map.of("leaseKey", AttributeValue.fromS("Migration3.0"))))
                  .item())
          .containsEntry("cv", AttributeValue.fromS("CLIENT_VERSION_3X"));
    }
  }

  /**
   * A client that sees the tables the example's store sees: DynamoDB Local keeps tables per access
   * key, and the store signs with the environment's keys if it holds some, else with local/local
   * (LeaseStoreConfig's default for an endpoint).
   */
  private static DynamoDbClient client(DynamoDbLocal dynamo) {
    AwsCredentialsProvider credentials =
        System.getenv("AWS_ACCESS_KEY_ID") != null && System.getenv("AWS_SECRET_ACCESS_KEY") != null
            ? EnvironmentVariableCredentialsProvider.create()
            : StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    return DynamoDbClient.builder()
        .endpointOverride(dynamo.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }
}
