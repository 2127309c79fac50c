package io.kinesislite.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.testkit.internal.Ports;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@ExtendWith(DynamoDbLocalExtension.class)
class DynamoDbLocalIT {
  @Test
  void conditionalPutOfAnExistingItemFailsWithConditionalCheckFailed(DynamoDbLocal dynamo) {
    String table = UniqueNames.table("leases");
    try (DynamoDbAsyncClient client = client(dynamo)) {
      createLeaseTable(client, table);
      Map<String, AttributeValue> item =
          Map.of("leaseKey", AttributeValue.fromS("shardId-000000000000"));

      client.putItem(r -> putIfAbsent(r.tableName(table).item(item))).join();

      assertThatThrownBy(
              () -> client.putItem(r -> putIfAbsent(r.tableName(table).item(item))).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(ConditionalCheckFailedException.class);
    }
  }

  @Test
  void extensionSharesOneServer(DynamoDbLocal first, DynamoDbLocal second) {
    assertThat(first).isSameAs(second);
    assertThat(first.endpoint().toString()).startsWith("http://127.0.0.1:");
  }

  @Test
  void closeLeavesNoProcess() {
    DynamoDbLocal dynamo = DynamoDbLocal.start();
    long pid = dynamo.pid();
    assertThat(dynamo.isAlive()).isTrue();

    dynamo.close();

    assertThat(dynamo.isAlive()).isFalse();
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void aServerStartedAgainOverItsDataDirectoryAndPortKeepsItsTables(@TempDir Path data) {
    String table = UniqueNames.table("survives");
    DynamoDbLocal.Options options =
        DynamoDbLocal.Options.builder().dataDirectory(data).port(Ports.free()).build();
    URI endpoint;
    try (DynamoDbLocal first = DynamoDbLocal.start(options);
        DynamoDbAsyncClient client = client(first)) {
      endpoint = first.endpoint();
      createLeaseTable(client, table);
      client
          .putItem(r -> r.tableName(table).item(Map.of("leaseKey", AttributeValue.fromS("a"))))
          .join();
    }

    try (DynamoDbLocal second = DynamoDbLocal.start(options);
        DynamoDbAsyncClient client = client(second)) {
      assertThat(second.endpoint()).isEqualTo(endpoint);
      assertThat(
              client
                  .getItem(
                      r -> r.tableName(table).key(Map.of("leaseKey", AttributeValue.fromS("a"))))
                  .join()
                  .item())
          .containsEntry("leaseKey", AttributeValue.fromS("a"));
    }
  }

  private static void createLeaseTable(DynamoDbAsyncClient client, String table) {
    client
        .createTable(
            r ->
                r.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        AttributeDefinition.builder()
                            .attributeName("leaseKey")
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .keySchema(
                        KeySchemaElement.builder()
                            .attributeName("leaseKey")
                            .keyType(KeyType.HASH)
                            .build()))
        .join();
  }

  private static PutItemRequest.Builder putIfAbsent(PutItemRequest.Builder request) {
    return request.conditionExpression("attribute_not_exists(leaseKey)");
  }

  private static DynamoDbAsyncClient client(DynamoDbLocal dynamo) {
    return DynamoDbAsyncClient.builder()
        .endpointOverride(dynamo.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
        .build();
  }
}
