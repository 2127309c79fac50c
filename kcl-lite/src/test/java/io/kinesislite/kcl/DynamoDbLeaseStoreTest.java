package io.kinesislite.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.transport.AccessDeniedException;
import io.kinesislite.transport.FatalException;
import io.kinesislite.transport.InvalidArgumentException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * How the DynamoDB store maps what the SDK throws, with a client that throws what a test tells it
 * to (DynamoDB Local cannot throttle or fail). The store against DynamoDB itself is {@code
 * DynamoDbLeaseStoreIT}.
 */
class DynamoDbLeaseStoreTest {
  private static final String SHARD = "shardId-000000000007";

  private final AtomicReference<RuntimeException> next = new AtomicReference<>();
  private final AtomicReference<UpdateItemRequest> lastUpdate = new AtomicReference<>();

  private final DynamoDbClient failing =
      new DynamoDbClient() {
        @Override
        public GetItemResponse getItem(GetItemRequest request) {
          throw next.get();
        }

        @Override
        public UpdateItemResponse updateItem(UpdateItemRequest request) {
          lastUpdate.set(request);
          throw next.get();
        }

        @Override
        public String serviceName() {
          return "dynamodb";
        }

        @Override
        public void close() {}
      };

  private final LeaseStore store = DynamoDbLeaseStore.create(failing, "orders-app");

  private static DynamoDbException service(String code, int status) {
    return (DynamoDbException)
        DynamoDbException.builder()
            .message(code + " (test)")
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage("from the test").build())
            .build();
  }

  private static Lease held() {
    return Lease.newLease(SHARD, Checkpoint.TRIM_HORIZON, Set.of(), null)
        .withOwner(Optional.of("worker-1"))
        .withCounter(5);
  }

  @Test
  void throttlingIsARetriableLeaseStoreExceptionWithTheErrorCode() {
    next.set(
        ProvisionedThroughputExceededException.builder()
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ProvisionedThroughputExceededException")
                    .errorMessage("slow down")
                    .build())
            .build());

    assertThatThrownBy(() -> store.get(SHARD))
        .isInstanceOfSatisfying(
            LeaseStoreException.class,
            e -> {
              assertThat(e.errorCode()).contains("ProvisionedThroughputExceededException");
              assertThat(e.isRetriable()).isTrue();
              assertThat(e).hasMessageContaining("orders-app").hasMessageContaining(SHARD);
            });
  }

  @Test
  void requestLimitAndServerErrorsAreRetriable() {
    for (DynamoDbException e :
        new DynamoDbException[] {
          service("RequestLimitExceeded", 400),
          service("ThrottlingException", 400),
          service("InternalServerError", 500),
          service("ServiceUnavailable", 503),
          service("TransactionConflictException", 400)
        }) {
      next.set(e);
      assertThatThrownBy(() -> store.renew(held()))
          .as(e.awsErrorDetails().errorCode())
          .isInstanceOfSatisfying(
              LeaseStoreException.class,
              thrown -> assertThat(thrown.errorCode()).contains(e.awsErrorDetails().errorCode()));
    }
  }

  @Test
  void timeoutsAndConnectionFailuresAreRetriable() {
    next.set(ApiCallTimeoutException.create(1000));
    assertThatThrownBy(() -> store.get(SHARD)).isInstanceOf(LeaseStoreException.class);

    next.set(
        SdkClientException.create(
            "Unable to execute HTTP request: Connection refused",
            new java.net.ConnectException("Connection refused")));
    assertThatThrownBy(() -> store.take(held(), "worker-2"))
        .isInstanceOf(LeaseStoreException.class);
  }

  @Test
  void accessDeniedAndValidationErrorsAreFatal() {
    next.set(service("AccessDeniedException", 400));
    assertThatThrownBy(() -> store.get(SHARD))
        .isInstanceOf(AccessDeniedException.class)
        .isInstanceOf(FatalException.class)
        .isNotInstanceOf(LeaseLostException.class);

    next.set(service("ValidationException", 400));
    assertThatThrownBy(() -> store.checkpoint(held(), Checkpoint.SHARD_END))
        .isInstanceOf(InvalidArgumentException.class);

    next.set(SdkClientException.create("Unable to load credentials from any of the providers"));
    assertThatThrownBy(() -> store.get(SHARD))
        .isInstanceOf(FatalException.class)
        .isNotInstanceOf(LeaseStoreException.class);
  }

  @Test
  void aFailedConditionWithoutTheRowIsALostLeaseNamingKeyAndCounter() {
    next.set(
        ConditionalCheckFailedException.builder()
            .message("The conditional request failed")
            .build());

    assertThatThrownBy(() -> store.release(held()))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining(SHARD)
        .hasMessageContaining("5");
    assertThat(lastUpdate.get().conditionExpression())
        .isEqualTo(
            "attribute_exists(#leaseKey) AND #leaseCounter = :expectedCounter"
                + " AND attribute_not_exists(#checkpointOwner)");
    assertThat(lastUpdate.get().updateExpression())
        .isEqualTo("SET #leaseCounter = :leaseCounter REMOVE #leaseOwner");
    assertThat(lastUpdate.get().expressionAttributeValues().get(":expectedCounter").n())
        .isEqualTo("5");
    assertThat(lastUpdate.get().expressionAttributeValues().get(":leaseCounter").n())
        .isEqualTo("6");
  }

  /**
   * A row as DynamoDB returns it with a failed condition: held's lease, counter 6, these owners.
   */
  private static ConditionalCheckFailedException failedWithRow(String owner, String handedOffBy) {
    java.util.Map<String, AttributeValue> row = new java.util.HashMap<>();
    row.put("leaseKey", AttributeValue.fromS(SHARD));
    row.put("leaseCounter", AttributeValue.fromN("6"));
    row.put("leaseOwner", AttributeValue.fromS(owner));
    row.put(
        "checkpoint",
        AttributeValue.fromS("49590338271490256608559692538361571095921575989136588898"));
    row.put("checkpointSubSequenceNumber", AttributeValue.fromN("0"));
    row.put("ownerSwitchesSinceCheckpoint", AttributeValue.fromN("0"));
    if (handedOffBy != null) {
      row.put("checkpointOwner", AttributeValue.fromS(handedOffBy));
    }
    return ConditionalCheckFailedException.builder().message("failed").item(row).build();
  }

  @Test
  void aRetriedCheckpointThatHadSucceededBeforeAHandOffLandedCountsAsDone() {
    Checkpoint at = Checkpoint.at("49590338271490256608559692538361571095921575989136588898", 0);
    // The first attempt wrote (counter 6); a hand-off to worker-2 came before the SDK's retry.
    next.set(failedWithRow("worker-2", "worker-1"));

    Lease done = store.checkpoint(held(), at);

    assertThat(done.counter()).isEqualTo(6);
    assertThat(done.owner()).contains("worker-2");
    assertThat(done.checkpointOwner()).contains("worker-1");

    next.set(failedWithRow("worker-2", null)); // taken by worker-2, not handed off
    assertThatThrownBy(() -> store.checkpoint(held(), at)).isInstanceOf(LeaseLostException.class);
  }

  @Test
  void takeAddsAnOwnerSwitchOnlyWhenTheOwnerChanges() {
    next.set(ConditionalCheckFailedException.builder().message("failed").build());

    assertThatThrownBy(() -> store.take(held(), "worker-2")).isInstanceOf(LeaseLostException.class);
    assertThat(lastUpdate.get().updateExpression())
        .isEqualTo(
            "SET #leaseOwner = :leaseOwner, #leaseCounter = :leaseCounter"
                + " REMOVE #checkpointOwner"
                + " ADD #ownerSwitchesSinceCheckpoint :ownerSwitchesSinceCheckpoint");

    assertThatThrownBy(() -> store.take(held(), "worker-1")).isInstanceOf(LeaseLostException.class);
    assertThat(lastUpdate.get().updateExpression())
        .isEqualTo(
            "SET #leaseOwner = :leaseOwner, #leaseCounter = :leaseCounter REMOVE #checkpointOwner");
  }

  @Test
  void checkpointRemovesThePendingCheckpointAndItsState() {
    next.set(ConditionalCheckFailedException.builder().message("failed").build());

    assertThatThrownBy(() -> store.checkpoint(held(), Checkpoint.at("4960", 2)))
        .isInstanceOf(LeaseLostException.class);

    assertThat(lastUpdate.get().updateExpression())
        .isEqualTo(
            "SET #leaseCounter = :leaseCounter, #checkpoint = :checkpoint,"
                + " #checkpointSubSequenceNumber = :checkpointSubSequenceNumber,"
                + " #ownerSwitchesSinceCheckpoint = :ownerSwitchesSinceCheckpoint"
                + " REMOVE #pendingCheckpoint, #pendingCheckpointSubSequenceNumber,"
                + " #pendingCheckpointState");
  }

  @Test
  void aClosedStoreRefusesCallsAndLeavesTheCallersClientAlone() {
    store.close();
    store.close();

    assertThatThrownBy(() -> store.get(SHARD))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.renew(held())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void createRefusesAnInvalidTableName() {
    assertThatThrownBy(() -> DynamoDbLeaseStore.create(failing, "ab"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tableName");
    assertThatThrownBy(() -> DynamoDbLeaseStore.create(failing, "orders app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tableName");
  }
}
