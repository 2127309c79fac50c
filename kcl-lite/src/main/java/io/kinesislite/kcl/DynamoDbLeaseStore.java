package io.kinesislite.kcl;

import io.kinesislite.kcl.internal.LeaseItem;
import io.kinesislite.transport.FatalException;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.internal.ConfigChecks;
import io.kinesislite.transport.internal.SdkCredentials;
import io.kinesislite.transport.internal.SdkErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.IgnoreNullsMode;
import software.amazon.awssdk.enhanced.dynamodb.model.UpdateItemEnhancedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * A {@link LeaseStore} over a DynamoDB table in the KCL's format, so kcl-lite workers and KCL
 * workers (2.x and 3.x) can read each other's leases and fence each other's writes. Rows carry the
 * KCL's attribute names and types ({@code leaseKey} S as the only key, {@code leaseOwner} S, {@code
 * leaseCounter} N, {@code checkpoint} S, {@code parentShardId} SS, …; see {@link
 * io.kinesislite.kcl.internal.LeaseItem}); absent values are absent attributes, never empty strings
 * or sets. New rows get {@code entityType} = {@code LEASE}, and {@link #list()} skips the KCL 3.5's
 * other rows (leader lock, worker metrics, migration state) as the KCL does.
 *
 * <p>Every write that concerns ownership or progress is an UpdateItem conditional on {@code
 * attribute_exists(leaseKey) AND leaseCounter = <the caller's counter>} that sets the counter one
 * higher and returns the whole new row; a failed condition is a {@link LeaseLostException}. Each
 * write changes only the attributes it is about, so attributes written by others without a counter
 * change (child shards, a KCL 3.x hand-off, the KCL's {@code throughputKBps}) survive it. The SDK
 * may retry a write whose first attempt succeeded unseen; the retry then fails its condition. The
 * store recognises that case as the KCL does, by the row DynamoDB returns with the failure (the
 * counter exactly one higher and the values this write sets), and returns the row instead of
 * throwing.
 *
 * <p>Reads ({@link #get}, {@link #list}) are strongly consistent, so a worker sees its own writes.
 *
 * <pre>{@code
 * // DynamoDB Local, a client the store builds and closes
 * try (LeaseStore leases = DynamoDbLeaseStore.create(LeaseStoreConfig.builder()
 *     .tableName("orders-app")
 *     .endpoint(URI.create("http://127.0.0.1:8000"))
 *     .credentials(CredentialsSource.staticKeys("local", "local"))
 *     .build())) {
 *   leases.ensureTable();
 *   leases.createIfAbsent(Lease.newLease("shardId-000000000000", Checkpoint.TRIM_HORIZON,
 *       Set.of(), HashKeyRange.ALL));
 *   Lease mine = leases.take(leases.get("shardId-000000000000").orElseThrow(), "worker-1");
 *   mine = leases.checkpoint(mine, Checkpoint.at("4960...", 0));
 * }
 *
 * // AWS, with a client the application owns
 * LeaseStore leases = DynamoDbLeaseStore.create(dynamoDbClient, "orders-app");
 * }</pre>
 *
 * <p>Errors: {@link LeaseLostException} when a conditional write loses; {@link LeaseStoreException}
 * (with DynamoDB's error code) when DynamoDB throttles or fails (5xx), or the call times out or
 * cannot connect; a {@link FatalException} from {@code io.kinesislite.transport} (for example
 * {@code AccessDeniedException}, {@code ResourceNotFoundException} when the table is missing,
 * {@code InvalidArgumentException}) for anything retrying cannot fix.
 *
 * <p>Thread-safe. Calls after {@link #close()} throw {@link IllegalStateException}.
 */
public final class DynamoDbLeaseStore implements LeaseStore {
  private static final Logger log = LoggerFactory.getLogger(DynamoDbLeaseStore.class);

  /** Errors DynamoDB reports for a call that may succeed if made again, beyond throttling. */
  private static final Set<String> RETRIABLE_CODES =
      Set.of(
          "TransactionConflictException",
          "ReplicatedWriteConflictException",
          "InternalServerError",
          "ServiceUnavailable");

  /** The condition of the writes that need the lease to exist and do not fence on the counter. */
  private static final Expression LEASE_EXISTS =
      Expression.builder()
          .expression("attribute_exists(#leaseKey)")
          .putExpressionName("#leaseKey", LeaseItem.LEASE_KEY)
          .build();

  private static final Expression NO_SUCH_LEASE =
      Expression.builder()
          .expression("attribute_not_exists(#leaseKey)")
          .putExpressionName("#leaseKey", LeaseItem.LEASE_KEY)
          .build();

  /** Scan filter: lease rows, old ones without {@code entityType} included. */
  private static final Expression LEASE_ROWS =
      Expression.builder()
          .expression("attribute_not_exists(#entityType) OR #entityType = :lease")
          .putExpressionName("#entityType", LeaseItem.ENTITY_TYPE)
          .putExpressionValue(":lease", AttributeValue.fromS(LeaseItem.LEASE_ENTITY_TYPE))
          .build();

  private final DynamoDbClient client;
  private final SdkAutoCloseable ownedCredentials; // null unless the store built the client
  private final boolean ownsClient;
  private final String tableName;
  private final Duration tableWaitTimeout;
  private final DynamoDbTable<LeaseItem> table;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DynamoDbLeaseStore(
      DynamoDbClient client,
      boolean ownsClient,
      SdkAutoCloseable ownedCredentials,
      String tableName,
      Duration tableWaitTimeout) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.ownedCredentials = ownedCredentials;
    this.tableName = tableName;
    this.tableWaitTimeout = tableWaitTimeout;
    // No extensions: the default one (optimistic locking by a version attribute) has nothing to
    // do on this schema, and the counter conditions are explicit.
    DynamoDbEnhancedClient enhanced =
        DynamoDbEnhancedClient.builder().dynamoDbClient(client).extensions(List.of()).build();
    this.table = enhanced.table(tableName, LeaseItem.TABLE_SCHEMA);
  }

  /**
   * Returns a store over the table {@code tableName} reached through {@code client}. The caller
   * owns the client: {@link #close()} leaves it open. {@link #ensureTable()} waits at most {@link
   * LeaseStoreConfig#DEFAULT_TABLE_WAIT_TIMEOUT} for a new table.
   *
   * @param client a DynamoDB client; its timeouts and retries apply to every call
   * @param tableName the lease table's name (by DynamoDB's rule, 3 to 255 characters of {@code
   *     [a-zA-Z0-9_.-]}); the KCL's default is the application name
   * @throws IllegalArgumentException if {@code tableName} breaks that rule
   */
  public static DynamoDbLeaseStore create(DynamoDbClient client, String tableName) {
    Objects.requireNonNull(client, "client == null");
    return new DynamoDbLeaseStore(
        client,
        false,
        null,
        LeaseStoreConfig.checkTableName(tableName),
        LeaseStoreConfig.DEFAULT_TABLE_WAIT_TIMEOUT);
  }

  /**
   * Returns a store with a DynamoDB client of its own, built from {@code config} over the JDK's
   * HTTP client ({@code url-connection-client}), and closed by {@link #close()}. The SDK retries a
   * throttled or failed call up to twice (its standard policy) within {@link
   * LeaseStoreConfig#callTimeout()}.
   *
   * @throws IllegalStateException if no region is configured and the SDK finds none either
   */
  public static DynamoDbLeaseStore create(LeaseStoreConfig config) {
    Objects.requireNonNull(config, "config == null");
    AwsCredentialsProvider credentials = credentials(config);
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(config.callTimeout())
                    .socketTimeout(config.callTimeout()))
            .credentialsProvider(credentials)
            .overrideConfiguration(o -> o.apiCallTimeout(config.callTimeout()));
    config.endpoint().ifPresent(builder::endpointOverride);
    Optional<String> region =
        config.region().isPresent() || config.endpoint().isEmpty()
            ? config.region()
            : Optional.of(LeaseStoreConfig.ENDPOINT_DEFAULT_REGION);
    region.map(Region::of).ifPresent(builder::region);
    DynamoDbClient client;
    try {
      client = builder.build();
    } catch (SdkClientException e) {
      closeQuietly(credentials);
      // Most often: no region in the config, AWS_REGION or ~/.aws/config.
      throw new IllegalStateException(
          "cannot set up the DynamoDB client for "
              + config
              + ": "
              + e.getMessage()
              + " Set the region with LeaseStoreConfig.Builder.region.",
          e);
    }
    return new DynamoDbLeaseStore(
        client,
        true,
        credentials instanceof SdkAutoCloseable c ? c : null,
        config.tableName(),
        config.tableWaitTimeout());
  }

  private static AwsCredentialsProvider credentials(LeaseStoreConfig config) {
    return SdkCredentials.provider(config.credentials(), config.endpoint().isPresent());
  }

  /** Returns the lease table's name. */
  public String tableName() {
    return tableName;
  }

  /**
   * Creates the table if DescribeTable does not find it (on-demand, PAY_PER_REQUEST, key {@code
   * leaseKey} S, as the KCL creates it; a table another worker created meanwhile is fine) and waits
   * until it is ACTIVE, polling with a growing interval up to 5 s.
   *
   * @throws LeaseStoreException if the table is not ACTIVE within the wait timeout ({@link
   *     LeaseStoreConfig#tableWaitTimeout()}), or DynamoDB cannot be reached
   * @throws FatalException if the table exists with another key than {@code leaseKey} (S), or the
   *     credentials may not describe or create it
   */
  @Override
  public void ensureTable() {
    checkOpen();
    TableDescription description = describeTable();
    if (description != null) {
      checkKeySchema(description);
      if (description.tableStatus() == TableStatus.ACTIVE
          || description.tableStatus() == TableStatus.UPDATING) {
        return;
      }
    } else {
      try {
        // No provisioned throughput given: the Enhanced Client creates it PAY_PER_REQUEST.
        table.createTable();
        log.info("Created lease table {} (on-demand capacity).", tableName);
      } catch (ResourceInUseException e) {
        log.debug("Lease table {} was created meanwhile by someone else.", tableName);
      } catch (SdkException e) {
        throw failure(e, "CreateTable");
      }
    }
    awaitActive();
  }

  private TableDescription describeTable() {
    try {
      return table.describeTable().table();
    } catch (ResourceNotFoundException e) {
      return null;
    } catch (SdkException e) {
      throw failure(e, "DescribeTable");
    }
  }

  private void checkKeySchema(TableDescription description) {
    List<KeySchemaElement> expectedKey =
        List.of(
            KeySchemaElement.builder()
                .attributeName(LeaseItem.LEASE_KEY)
                .keyType(KeyType.HASH)
                .build());
    boolean keyTypeIsString =
        description.attributeDefinitions().stream()
            .filter(d -> d.attributeName().equals(LeaseItem.LEASE_KEY))
            .map(AttributeDefinition::attributeType)
            .allMatch(ScalarAttributeType.S::equals);
    if (!description.keySchema().equals(expectedKey) || !keyTypeIsString) {
      throw new FatalException(
          "table "
              + tableName
              + " exists but is not a lease table: its key is "
              + description.keySchema()
              + " over "
              + description.attributeDefinitions()
              + ", not leaseKey (S) alone");
    }
  }

  // The Enhanced Client has no waiter; the low-level client's polls DescribeTable until ACTIVE.
  private void awaitActive() {
    try (DynamoDbWaiter waiter =
        DynamoDbWaiter.builder()
            .client(client)
            .overrideConfiguration(
                o ->
                    o.waitTimeout(tableWaitTimeout)
                        .maxAttempts(Integer.MAX_VALUE)
                        .backoffStrategyV2(
                            BackoffStrategy.exponentialDelayWithoutJitter(
                                Duration.ofMillis(50), Duration.ofSeconds(5))))
            .build()) {
      waiter.waitUntilTableExists(r -> r.tableName(tableName));
    } catch (AwsServiceException e) {
      throw failure(e, "DescribeTable");
    } catch (SdkClientException e) {
      if (SdkErrors.isConnectionFailure(e)) {
        throw failure(e, "DescribeTable");
      }
      throw new LeaseStoreException(
          "lease table "
              + tableName
              + " did not become ACTIVE within "
              + ConfigChecks.readable(tableWaitTimeout)
              + ": "
              + e.getMessage(),
          null,
          e);
    }
  }

  @Override
  public List<Lease> list() {
    checkOpen();
    List<Lease> leases = new ArrayList<>();
    try {
      // Pages are fetched as the iteration reaches them.
      for (LeaseItem item :
          table.scan(r -> r.consistentRead(true).filterExpression(LEASE_ROWS)).items()) {
        if (item.isLease()) {
          leases.add(item.toLease());
        }
      }
    } catch (SdkException e) {
      throw failure(e, "Scan");
    }
    return List.copyOf(leases);
  }

  @Override
  public Optional<Lease> get(String leaseKey) {
    Objects.requireNonNull(leaseKey, "leaseKey == null");
    checkOpen();
    LeaseItem item;
    try {
      item = table.getItem(r -> r.key(key(leaseKey)).consistentRead(true));
    } catch (SdkException e) {
      throw failure(e, "GetItem of lease " + leaseKey);
    }
    return item == null || !item.isLease() ? Optional.empty() : Optional.of(item.toLease());
  }

  @Override
  public boolean createIfAbsent(Lease lease) {
    Objects.requireNonNull(lease, "lease == null");
    checkOpen();
    try {
      table.putItem(
          r -> r.item(LeaseItem.of(lease)).conditionExpression(NO_SUCH_LEASE)); // nulls left out
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw failure(e, "PutItem of lease " + lease.leaseKey());
    }
  }

  @Override
  public Lease renew(Lease held) {
    Objects.requireNonNull(held, "held == null");
    LeaseItem raise = LeaseItem.key(held.leaseKey());
    raise.setLeaseCounter(held.counter() + 1);
    // Only SET: the Enhanced Client's UpdateItem with null properties ignored expresses it.
    return fenced(
        "renew",
        held,
        current -> sameTenure(current, held),
        () ->
            table.updateItem(
                UpdateItemEnhancedRequest.builder(LeaseItem.class)
                    .item(raise)
                    .ignoreNullsMode(IgnoreNullsMode.SCALAR_ONLY)
                    .conditionExpression(counterIs(held))
                    .returnValuesOnConditionCheckFailure(
                        ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes {@code SET leaseOwner, leaseCounter REMOVE checkpointOwner}, plus {@code ADD
   * ownerSwitchesSinceCheckpoint 1} when the take switches owners, as the KCL counts it ({@link
   * LeaseStore#countsAsOwnerSwitch}).
   */
  @Override
  public Lease take(Lease observed, String owner) {
    Objects.requireNonNull(observed, "observed == null");
    Objects.requireNonNull(owner, "owner == null");
    if (owner.isEmpty()) {
      throw new IllegalArgumentException("owner must not be empty");
    }
    Update update =
        new Update()
            .set(LeaseItem.LEASE_OWNER, AttributeValue.fromS(owner))
            .set(LeaseItem.LEASE_COUNTER, number(observed.counter() + 1))
            .remove(LeaseItem.CHECKPOINT_OWNER);
    if (LeaseStore.countsAsOwnerSwitch(observed, owner)) {
      update.add(LeaseItem.OWNER_SWITCHES_SINCE_CHECKPOINT, number(1));
    }
    return fenced(
        "take",
        observed,
        current -> current.isOwnedBy(owner) && current.checkpointOwner().isEmpty(),
        () -> lowLevelUpdate(observed, update));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes {@code SET leaseOwner, checkpointOwner} if {@code leaseOwner} is the observed owner
   * and {@code checkpointOwner} does not exist, as a KCL 3.x worker initiates a hand-off.
   */
  @Override
  public Lease handOff(Lease observed, String newOwner) {
    String from = LeaseStore.checkHandOff(observed, newOwner);
    checkOpen();
    Update update =
        new Update()
            .set(LeaseItem.LEASE_OWNER, AttributeValue.fromS(newOwner))
            .set(LeaseItem.CHECKPOINT_OWNER, AttributeValue.fromS(from));
    try {
      UpdateItemRequest request =
          update.request(
              tableName,
              observed.leaseKey(),
              "attribute_exists(#leaseKey) AND #leaseOwner = :expectedOwner"
                  + " AND attribute_not_exists(#checkpointOwner)",
              Map.of(":expectedOwner", AttributeValue.fromS(from)));
      return LeaseItem.TABLE_SCHEMA.mapToItem(client.updateItem(request).attributes()).toLease();
    } catch (ConditionalCheckFailedException e) {
      Lease current = e.hasItem() ? leaseOrNull(e.item()) : null;
      if (current != null
          && current.isOwnedBy(newOwner)
          && current.checkpointOwner().equals(Optional.of(from))) {
        return current; // the SDK retried a hand-off that had succeeded
      }
      throw LeaseLostException.handOffRefused(observed.leaseKey(), from, current);
    } catch (SdkException e) {
      throw failure(e, "UpdateItem (handOff) of lease " + observed.leaseKey());
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes {@code SET leaseCounter REMOVE leaseOwner} if no hand-off is in progress; else {@code
   * SET leaseCounter REMOVE checkpointOwner}. A hand-off started after {@code held} was read (it
   * does not raise the counter) is found from the row the failed condition returns.
   */
  @Override
  public Lease release(Lease held) {
    Objects.requireNonNull(held, "held == null");
    if (held.checkpointOwner().isPresent()) {
      return endHandOff(held);
    }
    Update update =
        new Update()
            .set(LeaseItem.LEASE_COUNTER, number(held.counter() + 1))
            .remove(LeaseItem.LEASE_OWNER);
    update.name(LeaseItem.CHECKPOINT_OWNER); // used by the condition only
    checkOpen();
    try {
      return lowLevelUpdate(held, update, " AND attribute_not_exists(#checkpointOwner)").toLease();
    } catch (ConditionalCheckFailedException e) {
      Lease current = e.hasItem() ? leaseOrNull(e.item()) : null;
      if (current != null
          && current.counter() == held.counter()
          && current.checkpointOwner().isPresent()) {
        return endHandOff(current);
      }
      if (current != null && current.counter() == held.counter() + 1 && current.owner().isEmpty()) {
        return current; // the SDK retried a release that had succeeded
      }
      throw lost("release", held, e.hasItem(), current);
    } catch (SdkException e) {
      throw failure(e, "UpdateItem (release) of lease " + held.leaseKey());
    }
  }

  private Lease endHandOff(Lease held) {
    Update update =
        new Update()
            .set(LeaseItem.LEASE_COUNTER, number(held.counter() + 1))
            .remove(LeaseItem.CHECKPOINT_OWNER);
    return fenced(
        "release (ending a hand-off)",
        held,
        current -> current.checkpointOwner().isEmpty() && current.owner().equals(held.owner()),
        () -> lowLevelUpdate(held, update));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes {@code SET leaseCounter, checkpoint, checkpointSubSequenceNumber,
   * ownerSwitchesSinceCheckpoint = 0 REMOVE pendingCheckpoint, pendingCheckpointSubSequenceNumber,
   * pendingCheckpointState}.
   */
  @Override
  public Lease checkpoint(Lease held, Checkpoint checkpoint) {
    Objects.requireNonNull(held, "held == null");
    Objects.requireNonNull(checkpoint, "checkpoint == null");
    Update update =
        new Update()
            .set(LeaseItem.LEASE_COUNTER, number(held.counter() + 1))
            .set(LeaseItem.CHECKPOINT, AttributeValue.fromS(checkpoint.sequenceNumber()))
            .set(LeaseItem.CHECKPOINT_SUB_SEQUENCE_NUMBER, number(checkpoint.subSequenceNumber()))
            .set(LeaseItem.OWNER_SWITCHES_SINCE_CHECKPOINT, number(0))
            .remove(LeaseItem.PENDING_CHECKPOINT)
            .remove(LeaseItem.PENDING_CHECKPOINT_SUB_SEQUENCE_NUMBER)
            .remove(LeaseItem.PENDING_CHECKPOINT_STATE);
    return fenced(
        "checkpoint",
        held,
        current ->
            sameTenure(current, held)
                && current.checkpoint().equals(checkpoint)
                && current.pendingCheckpoint().isEmpty()
                && current.ownerSwitchesSinceCheckpoint() == 0,
        () -> lowLevelUpdate(held, update));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes {@code SET leaseCounter, pendingCheckpoint, pendingCheckpointSubSequenceNumber REMOVE
   * pendingCheckpointState} (the state a KCL worker may have prepared with an earlier pending
   * checkpoint, as the KCL removes it when it prepares one without state).
   */
  @Override
  public Lease prepareCheckpoint(Lease held, Checkpoint pending) {
    Objects.requireNonNull(held, "held == null");
    Objects.requireNonNull(pending, "pending == null");
    Update update =
        new Update()
            .set(LeaseItem.LEASE_COUNTER, number(held.counter() + 1))
            .set(LeaseItem.PENDING_CHECKPOINT, AttributeValue.fromS(pending.sequenceNumber()))
            .set(
                LeaseItem.PENDING_CHECKPOINT_SUB_SEQUENCE_NUMBER,
                number(pending.subSequenceNumber()))
            .remove(LeaseItem.PENDING_CHECKPOINT_STATE);
    return fenced(
        "prepareCheckpoint",
        held,
        current ->
            sameTenure(current, held) && current.pendingCheckpoint().equals(Optional.of(pending)),
        () -> lowLevelUpdate(held, update));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Conditional on the lease existing only. An empty set removes {@code childShardIds}.
   *
   * @throws LeaseLostException if there is no such lease; nothing is written
   */
  @Override
  public void recordChildShards(String leaseKey, Set<String> childShardIds) {
    Objects.requireNonNull(leaseKey, "leaseKey == null");
    Set<String> children = Set.copyOf(childShardIds);
    checkOpen();
    try {
      if (children.isEmpty()) {
        // REMOVE of one attribute: the Enhanced Client cannot express it (see lowLevelUpdate).
        client.updateItem(
            new Update()
                .remove(LeaseItem.CHILD_SHARD_IDS)
                .request(tableName, leaseKey, "attribute_exists(#leaseKey)", Map.of()));
      } else {
        LeaseItem patch = LeaseItem.key(leaseKey);
        patch.setChildShardIds(children);
        table.updateItem(
            r ->
                r.item(patch)
                    .ignoreNullsMode(IgnoreNullsMode.SCALAR_ONLY)
                    .conditionExpression(LEASE_EXISTS));
      }
    } catch (ConditionalCheckFailedException e) {
      throw new LeaseLostException(
          "cannot record child shards of lease " + leaseKey + ": there is no such lease");
    } catch (SdkException e) {
      throw failure(e, "UpdateItem (child shards) of lease " + leaseKey);
    }
  }

  @Override
  public void delete(String leaseKey) {
    Objects.requireNonNull(leaseKey, "leaseKey == null");
    checkOpen();
    try {
      table.deleteItem(key(leaseKey));
    } catch (SdkException e) {
      throw failure(e, "DeleteItem of lease " + leaseKey);
    }
  }

  /**
   * Closes the DynamoDB client if the store built it (see {@link #create(LeaseStoreConfig)});
   * leaves a client passed to {@link #create(DynamoDbClient, String)} open. Deletes nothing.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (ownsClient) {
      closeQuietly(client);
      closeQuietly(ownedCredentials);
    }
  }

  @Override
  public String toString() {
    return "DynamoDbLeaseStore[" + tableName + "]";
  }

  // ---------------------------------------------------------------- the fenced writes

  /**
   * Runs one write conditional on {@code expected}'s counter and returns the row it left. If the
   * condition fails, the row DynamoDB returns with the failure tells a lost lease from the SDK's
   * retry of a write that had succeeded: in the latter the counter is exactly one higher and {@code
   * isThisWrite} recognises the values the write sets.
   */
  private Lease fenced(
      String operation, Lease expected, Predicate<Lease> isThisWrite, Supplier<LeaseItem> write) {
    checkOpen();
    try {
      return write.get().toLease();
    } catch (ConditionalCheckFailedException e) {
      Lease current = e.hasItem() ? leaseOrNull(e.item()) : null;
      if (current != null
          && current.counter() == expected.counter() + 1
          && isThisWrite.test(current)) {
        log.info(
            "The {} of lease {} failed its condition, but the lease holds what it wrote: the SDK"
                + " retried a write that had succeeded. Counted as done.",
            operation,
            expected.leaseKey());
        return current;
      }
      throw lost(operation, expected, e.hasItem(), current);
    } catch (SdkException e) {
      throw failure(e, "UpdateItem (" + operation + ") of lease " + expected.leaseKey());
    }
  }

  /**
   * Whether {@code current} is still {@code held}'s owner's tenure: the same owner, or a hand-off
   * from it begun since (it does not raise the counter, so it may land between a write and the
   * SDK's retry of it).
   */
  private static boolean sameTenure(Lease current, Lease held) {
    return current.owner().equals(held.owner())
        || (held.owner().isPresent() && current.checkpointOwner().equals(held.owner()));
  }

  private static LeaseLostException lost(
      String operation, Lease expected, boolean rowReturned, Lease current) {
    String what = operation + " of lease " + expected.leaseKey() + " failed: ";
    if (!rowReturned) {
      return new LeaseLostException(
          what + "its counter is no longer " + expected.counter() + ", or it is gone");
    }
    if (current == null) {
      return new LeaseLostException(what + "there is no such lease");
    }
    return new LeaseLostException(
        what
            + "its counter is "
            + current.counter()
            + ", not "
            + expected.counter()
            + " (owner now "
            + current.owner().orElse("none")
            + ")");
  }

  private static Lease leaseOrNull(Map<String, AttributeValue> row) {
    if (row.isEmpty()) {
      return null;
    }
    LeaseItem item = LeaseItem.TABLE_SCHEMA.mapToItem(row);
    return item.isLease() ? item.toLease() : null;
  }

  /**
   * Sends a counter-fenced UpdateItem with the low-level client and maps the new row with the
   * Enhanced Client's schema. The low-level client, because the Enhanced Client's UpdateItem builds
   * its update expression from an item: it can SET the item's non-null properties and REMOVE either
   * none or all of its null ones, but it has no per-request ADD (the owner-switch count) or REMOVE
   * of chosen attributes (the owner, the pending checkpoint, the hand-off's {@code
   * checkpointOwner}, and {@code pendingCheckpointState}, which the schema does not even model);
   * only a client-wide extension could add those.
   */
  private LeaseItem lowLevelUpdate(Lease expected, Update update) {
    return lowLevelUpdate(expected, update, "");
  }

  // andCondition: more of the condition, starting with " AND ", on attributes the update names.
  private LeaseItem lowLevelUpdate(Lease expected, Update update, String andCondition) {
    UpdateItemRequest request =
        update.request(
            tableName,
            expected.leaseKey(),
            "attribute_exists(#leaseKey) AND #leaseCounter = :expectedCounter" + andCondition,
            Map.of(":expectedCounter", number(expected.counter())));
    return LeaseItem.TABLE_SCHEMA.mapToItem(client.updateItem(request).attributes());
  }

  private static Expression counterIs(Lease expected) {
    return Expression.builder()
        .expression("attribute_exists(#leaseKey) AND #leaseCounter = :expectedCounter")
        .putExpressionName("#leaseKey", LeaseItem.LEASE_KEY)
        .putExpressionName("#leaseCounter", LeaseItem.LEASE_COUNTER)
        .putExpressionValue(":expectedCounter", number(expected.counter()))
        .build();
  }

  /**
   * An update expression of SET, REMOVE and ADD clauses, each attribute under the placeholder
   * {@code #<name>} and each value under {@code :<name>}. Not thread-safe; one per call.
   */
  private static final class Update {
    private final List<String> set = new ArrayList<>();
    private final List<String> remove = new ArrayList<>();
    private final List<String> add = new ArrayList<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, AttributeValue> values = new LinkedHashMap<>();

    Update set(String attribute, AttributeValue value) {
      set.add(name(attribute) + " = " + value(attribute, value));
      return this;
    }

    Update remove(String attribute) {
      remove.add(name(attribute));
      return this;
    }

    Update add(String attribute, AttributeValue value) {
      add.add(name(attribute) + " " + value(attribute, value));
      return this;
    }

    private String name(String attribute) {
      names.put("#" + attribute, attribute);
      return "#" + attribute;
    }

    private String value(String attribute, AttributeValue value) {
      values.put(":" + attribute, value);
      return ":" + attribute;
    }

    /**
     * Returns the request for the lease {@code leaseKey}: this update, if {@code condition} (which
     * may use {@code #leaseKey}, {@code #leaseCounter} and {@code conditionValues}) holds,
     * returning the new row, or the old one if the condition fails.
     */
    UpdateItemRequest request(
        String tableName,
        String leaseKey,
        String condition,
        Map<String, AttributeValue> conditionValues) {
      name(LeaseItem.LEASE_KEY);
      if (condition.contains("#" + LeaseItem.LEASE_COUNTER)) {
        name(LeaseItem.LEASE_COUNTER);
      }
      StringBuilder expression = new StringBuilder();
      clause(expression, "SET", ", ", set);
      clause(expression, "REMOVE", ", ", remove);
      clause(expression, "ADD", ", ", add);
      Map<String, AttributeValue> allValues = new LinkedHashMap<>(values);
      allValues.putAll(conditionValues);
      return UpdateItemRequest.builder()
          .tableName(tableName)
          .key(Map.of(LeaseItem.LEASE_KEY, AttributeValue.fromS(leaseKey)))
          .updateExpression(expression.toString())
          .conditionExpression(condition)
          .expressionAttributeNames(names)
          .expressionAttributeValues(allValues.isEmpty() ? null : allValues)
          .returnValues(ReturnValue.ALL_NEW)
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
          .build();
    }

    private static void clause(
        StringBuilder expression, String keyword, String separator, List<String> actions) {
      if (actions.isEmpty()) {
        return;
      }
      if (expression.length() > 0) {
        expression.append(' ');
      }
      expression.append(keyword).append(' ').append(String.join(separator, actions));
    }
  }

  // ---------------------------------------------------------------- errors and small parts

  /**
   * Translates what the SDK threw: throttling, 5xx answers, timeouts and connection failures to
   * {@link LeaseStoreException} (with DynamoDB's error code, if it sent one); everything else to
   * the transport's {@link FatalException} types.
   */
  private RuntimeException failure(SdkException e, String call) {
    String what = "DynamoDB " + call + " on table " + tableName;
    if (e instanceof AwsServiceException service
        && service.awsErrorDetails() != null
        && RETRIABLE_CODES.contains(service.awsErrorDetails().errorCode())) {
      String code = service.awsErrorDetails().errorCode();
      return new LeaseStoreException(
          what + " failed: " + code + ": " + service.awsErrorDetails().errorMessage(), code, e);
    }
    KinesisLiteException translated = SdkErrors.translate(e, what);
    if (translated.isRetriable()) {
      return new LeaseStoreException(
          translated.getMessage(), translated.errorCode().orElse(null), e);
    }
    return translated;
  }

  private static Key key(String leaseKey) {
    return Key.builder().partitionValue(leaseKey).build();
  }

  private static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  private static void closeQuietly(Object resource) {
    if (resource instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("Closing {} failed.", resource, e);
      }
    }
  }
}
