package io.kinesislite.examples;

import io.kinesislite.kcl.DynamoDbLeaseStore;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.LeaseStoreConfig;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where an example's stream and lease table live, as command-line options every example shares (a
 * picocli mixin): the embedded default, any Kinesis-compatible endpoint, or real AWS.
 *
 * <ul>
 *   <li>{@code --transport SELECTION}: {@code embedded:} (default; in memory), {@code embedded:DIR}
 *       (durable), {@code http://127.0.0.1:4567} ({@code kinesis-lite serve}), {@code aws:REGION};
 *   <li>{@code --aws REGION}: real Kinesis and a real DynamoDB lease table in {@code REGION}, with
 *       the AWS SDK's default credentials; short for {@code --transport aws:REGION} plus DynamoDB;
 *   <li>{@code --dynamodb-endpoint URI}: the lease table in that DynamoDB (DynamoDB Local, say).
 * </ul>
 *
 * <p>Not thread-safe; picocli fills it before the example runs.
 */
public final class Target {
  @Option(
      names = "--transport",
      paramLabel = "SELECTION",
      description =
          "Where the stream lives: embedded: (in memory), embedded:DIR (durable),"
              + " http://127.0.0.1:4567 (kinesis-lite serve) or aws:REGION. Default: ${DEFAULT-VALUE}.")
  String transport = "embedded:";

  @Option(
      names = "--aws",
      paramLabel = "REGION",
      description =
          "Use real Kinesis and a real DynamoDB lease table in REGION, with the AWS SDK's default"
              + " credentials (overrides --transport).")
  String awsRegion;

  @Option(
      names = "--dynamodb-endpoint",
      paramLabel = "URI",
      description =
          "Keep the lease table in this DynamoDB, e.g. DynamoDB Local at http://127.0.0.1:8000.")
  URI dynamoDbEndpoint;

  /** The transport selection string these options name. */
  public String selection() {
    return awsRegion != null ? "aws:" + awsRegion : transport;
  }

  /** Whether the stream lives in the bundled engine (in this process). */
  public boolean embedded() {
    return selection().startsWith("embedded:");
  }

  /** Opens the transport; the caller closes it. */
  public KinesisTransport open() {
    return Transports.open(selection());
  }

  /**
   * Opens the lease table {@code tableName}: in DynamoDB with {@code --aws} or {@code
   * --dynamodb-endpoint}; else beside a durable embedded engine's data ({@code embedded:DIR}); else
   * in memory. The caller closes it.
   */
  public LeaseStore leases(String tableName) {
    if (awsRegion != null || dynamoDbEndpoint != null) {
      LeaseStoreConfig.Builder config = LeaseStoreConfig.builder().tableName(tableName);
      if (awsRegion != null) {
        config.region(awsRegion);
      }
      if (dynamoDbEndpoint != null) {
        config.endpoint(dynamoDbEndpoint);
      }
      return DynamoDbLeaseStore.create(config.build());
    }
    String selection = selection();
    if (selection.startsWith("embedded:") && selection.length() > "embedded:".length()) {
      return EmbeddedLeaseStore.inDirectory(
          Path.of(selection.substring("embedded:".length())), tableName);
    }
    return EmbeddedLeaseStore.inMemory();
  }
}
