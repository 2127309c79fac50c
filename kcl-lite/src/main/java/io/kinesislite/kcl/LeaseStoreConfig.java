package io.kinesislite.kcl;

import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.internal.ConfigChecks;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How {@link DynamoDbLeaseStore#create(LeaseStoreConfig)} reaches its lease table: the table's
 * name, which DynamoDB (a region of AWS, or an endpoint such as DynamoDB Local), the credentials
 * and the timeouts. Immutable; build one with {@link #builder()}. Every setter checks its value at
 * once and throws {@link IllegalArgumentException} (or {@link NullPointerException} for null)
 * naming the option and its range.
 *
 * <pre>{@code
 * LeaseStoreConfig local = LeaseStoreConfig.builder()
 *     .tableName("orders-app")
 *     .endpoint(URI.create("http://127.0.0.1:8000"))
 *     .credentials(CredentialsSource.staticKeys("local", "local"))
 *     .build();
 * LeaseStoreConfig aws = LeaseStoreConfig.builder()
 *     .tableName("orders-app")
 *     .region("eu-west-1")
 *     .build();
 * }</pre>
 */
public final class LeaseStoreConfig {
  /** Default call timeout: 10 seconds, the KCL's failover time. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);

  /** Default longest wait for a new table to become ACTIVE: 10 minutes, as the KCL waits. */
  public static final Duration DEFAULT_TABLE_WAIT_TIMEOUT = Duration.ofMinutes(10);

  /** The region requests to an explicit endpoint are signed for when none is set. */
  public static final String ENDPOINT_DEFAULT_REGION = "us-east-1";

  /** DynamoDB's rule for table names. */
  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

  private final String tableName;
  private final URI endpoint;
  private final String region;
  private final CredentialsSource credentials;
  private final Duration callTimeout;
  private final Duration tableWaitTimeout;

  private LeaseStoreConfig(Builder b) {
    tableName = b.tableName;
    endpoint = b.endpoint;
    region = b.region;
    credentials = b.credentials;
    callTimeout = b.callTimeout;
    tableWaitTimeout = b.tableWaitTimeout;
  }

  /** Returns a builder holding the defaults; {@link Builder#tableName} has none and must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this config's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.tableName = tableName;
    b.endpoint = endpoint;
    b.region = region;
    b.credentials = credentials;
    b.callTimeout = callTimeout;
    b.tableWaitTimeout = tableWaitTimeout;
    return b;
  }

  /** Returns the lease table's name; see {@link Builder#tableName}. */
  public String tableName() {
    return tableName;
  }

  /** Returns the endpoint, if one is set; empty means AWS. See {@link Builder#endpoint}. */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /**
   * Returns the region set with {@link Builder#region}. Empty means: {@value
   * #ENDPOINT_DEFAULT_REGION} for an endpoint, the AWS SDK's default region chain otherwise.
   */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /** Returns where credentials come from; see {@link Builder#credentials}. */
  public CredentialsSource credentials() {
    return credentials;
  }

  /** Returns the call timeout; see {@link Builder#callTimeout}. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /**
   * Returns the longest wait for the table to become ACTIVE; see {@link Builder#tableWaitTimeout}.
   */
  public Duration tableWaitTimeout() {
    return tableWaitTimeout;
  }

  @Override
  public String toString() {
    return "LeaseStoreConfig{tableName="
        + tableName
        + ", endpoint="
        + (endpoint == null ? "(AWS)" : endpoint)
        + ", region="
        + (region == null ? "(default)" : region)
        + ", credentials="
        + credentials
        + ", callTimeout="
        + ConfigChecks.readable(callTimeout)
        + ", tableWaitTimeout="
        + ConfigChecks.readable(tableWaitTimeout)
        + "}";
  }

  /** Builds a {@link LeaseStoreConfig}. Not thread-safe. */
  public static final class Builder {
    private String tableName;
    private URI endpoint;
    private String region;
    private CredentialsSource credentials = CredentialsSource.automatic();
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private Duration tableWaitTimeout = DEFAULT_TABLE_WAIT_TIMEOUT;

    private Builder() {}

    /**
     * Sets the lease table's name; the KCL's default is the application name. Required, no default;
     * by DynamoDB's rule 3 to 255 characters of {@code a-z A-Z 0-9 _ - .}.
     */
    public Builder tableName(String tableName) {
      this.tableName = checkTableName(tableName);
      return this;
    }

    /**
     * Sets the DynamoDB endpoint to use instead of AWS's, for example DynamoDB Local's {@code
     * http://127.0.0.1:8000}. Default: none, AWS's endpoint of the region. Must be an absolute
     * {@code http} or {@code https} URI with a host, and no path, query or fragment.
     */
    public Builder endpoint(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint == null");
      String scheme =
          endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
      boolean pathless = endpoint.getRawPath() == null || endpoint.getRawPath().matches("/?");
      if (!(scheme.equals("http") || scheme.equals("https"))
          || endpoint.getHost() == null
          || !pathless
          || endpoint.getRawQuery() != null
          || endpoint.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "endpoint must be an http or https URI with a host and nothing after the port,"
                + " like http://127.0.0.1:8000: '"
                + endpoint
                + "'");
      }
      this.endpoint = endpoint;
      return this;
    }

    /**
     * Sets the region, for example {@code eu-west-1}: where the table lives on AWS, or what
     * requests to an endpoint are signed for. Default: the AWS SDK's default region chain ({@code
     * AWS_REGION}, {@code ~/.aws/config}, …) without an endpoint, {@value #ENDPOINT_DEFAULT_REGION}
     * with one.
     */
    public Builder region(String region) {
      Objects.requireNonNull(region, "region == null");
      if (!REGION.matcher(region).matches()) {
        throw new IllegalArgumentException(
            "region must be an AWS region name like us-east-1: '" + region + "'");
      }
      this.region = region;
      return this;
    }

    /**
     * Sets where the credentials that sign requests come from, for example {@link
     * CredentialsSource#staticKeys(String, String)} for DynamoDB Local. Default: {@link
     * CredentialsSource#automatic()}: the SDK's default chain on AWS; for an endpoint the
     * environment, system properties and default profile if they hold keys, else the placeholder
     * keys {@code local}/{@code local}.
     */
    public Builder credentials(CredentialsSource credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials == null");
      return this;
    }

    /**
     * Sets how long one call to DynamoDB may take in all, the SDK's retries included, before it
     * fails with {@link LeaseStoreException}. Keep it below the lease failover time, or a worker
     * may still wait on a renewal of a lease that has expired. Default: 10 s; range: 100 ms to 10
     * min.
     */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout =
          ConfigChecks.range(
              "callTimeout", callTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets how long {@link LeaseStore#ensureTable()} waits for a table it (or another worker)
     * created to become ACTIVE before it fails with {@link LeaseStoreException}. Default: 10 min;
     * range: 1 s to 1 h.
     */
    public Builder tableWaitTimeout(Duration tableWaitTimeout) {
      this.tableWaitTimeout =
          ConfigChecks.range(
              "tableWaitTimeout", tableWaitTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    /**
     * Builds the config.
     *
     * @throws IllegalStateException if {@link #tableName} was not set
     */
    public LeaseStoreConfig build() {
      if (tableName == null) {
        throw new IllegalStateException("tableName is required and has no default");
      }
      return new LeaseStoreConfig(this);
    }
  }

  /** Returns {@code tableName} if it follows DynamoDB's rule for table names. */
  static String checkTableName(String tableName) {
    Objects.requireNonNull(tableName, "tableName == null");
    if (!TABLE_NAME.matcher(tableName).matches()) {
      throw new IllegalArgumentException(
          "tableName must be 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.': '"
              + tableName
              + "'");
    }
    return tableName;
  }
}
