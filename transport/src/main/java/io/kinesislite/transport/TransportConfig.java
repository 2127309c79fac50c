package io.kinesislite.transport;

import io.kinesislite.transport.internal.ConfigChecks;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to open a {@link KinesisTransport}: which service (the selection string) and how to talk to
 * it. Immutable; build one with {@link #builder()}. Every setter checks its value at once and
 * throws {@link IllegalArgumentException} naming the option and its range.
 *
 * <pre>{@code
 * TransportConfig config = TransportConfig.builder()
 *     .selection("https://127.0.0.1:4567")
 *     .trustSelfSignedCertificates(true)
 *     .callTimeout(Duration.ofSeconds(10))
 *     .build();
 * try (KinesisTransport transport = Transports.open(config)) { ... }
 * }</pre>
 */
public final class TransportConfig {
  /** Default selection: the bundled engine, in memory. */
  public static final String DEFAULT_SELECTION = "embedded:";

  /** Default call timeout: 30 seconds. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  /** Default connect timeout: 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Default attempts per call: 3 (the first try plus 2 retries of connection failures). */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Default most concurrent requests per transport: 64. */
  public static final int DEFAULT_MAX_CONCURRENCY = 64;

  /** Default largest record accepted: 1 MiB, the Kinesis default. */
  public static final int DEFAULT_MAX_RECORD_SIZE = 1024 * 1024;

  /** The largest record Kinesis allows on a stream configured for it: 10 MiB. */
  public static final int MAX_RECORD_SIZE_LIMIT = 10 * 1024 * 1024;

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

  private final TransportSelection selection;
  private final String region;
  private final CredentialsSource credentials;
  private final boolean trustSelfSignedCertificates;
  private final Duration callTimeout;
  private final Duration connectTimeout;
  private final int maxAttempts;
  private final int maxConcurrency;
  private final int maxRecordSize;

  private TransportConfig(Builder b) {
    this.selection = b.selection;
    this.region = b.region;
    this.credentials = b.credentials;
    this.trustSelfSignedCertificates = b.trustSelfSignedCertificates;
    this.callTimeout = b.callTimeout;
    this.connectTimeout = b.connectTimeout;
    this.maxAttempts = b.maxAttempts;
    this.maxConcurrency = b.maxConcurrency;
    this.maxRecordSize = b.maxRecordSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns a config with the given selection and defaults for everything else. */
  public static TransportConfig of(String selection) {
    return builder().selection(selection).build();
  }

  /** Returns a builder holding this config's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.selection = selection;
    b.region = region;
    b.credentials = credentials;
    b.trustSelfSignedCertificates = trustSelfSignedCertificates;
    b.callTimeout = callTimeout;
    b.connectTimeout = connectTimeout;
    b.maxAttempts = maxAttempts;
    b.maxConcurrency = maxConcurrency;
    b.maxRecordSize = maxRecordSize;
    return b;
  }

  public TransportSelection selection() {
    return selection;
  }

  /**
   * Returns the signing region: the one set with {@link Builder#region}, else the one in an {@code
   * aws:REGION} selection. Empty means: the SDK's default region chain for {@code aws:}, {@code
   * us-east-1} for an explicit endpoint.
   */
  public Optional<String> region() {
    return region != null ? Optional.of(region) : selection.region();
  }

  public CredentialsSource credentials() {
    return credentials;
  }

  public boolean trustSelfSignedCertificates() {
    return trustSelfSignedCertificates;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public int maxConcurrency() {
    return maxConcurrency;
  }

  public int maxRecordSize() {
    return maxRecordSize;
  }

  @Override
  public String toString() {
    return "TransportConfig{selection="
        + selection
        + ", region="
        + region().orElse("(default)")
        + ", credentials="
        + credentials
        + ", trustSelfSignedCertificates="
        + trustSelfSignedCertificates
        + ", callTimeout="
        + callTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", maxAttempts="
        + maxAttempts
        + ", maxConcurrency="
        + maxConcurrency
        + ", maxRecordSize="
        + maxRecordSize
        + "}";
  }

  /** Builds a {@link TransportConfig}. Not thread-safe. */
  public static final class Builder {
    private TransportSelection selection = TransportSelection.parse(DEFAULT_SELECTION);
    private String region;
    private CredentialsSource credentials = CredentialsSource.automatic();
    private boolean trustSelfSignedCertificates;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
    private int maxRecordSize = DEFAULT_MAX_RECORD_SIZE;

    private Builder() {}

    /**
     * Sets which service to reach; see {@link TransportSelection} for the forms. Default: {@value
     * #DEFAULT_SELECTION}.
     */
    public Builder selection(String selection) {
      this.selection = TransportSelection.parse(selection);
      return this;
    }

    /** Sets which service to reach. Default: {@value #DEFAULT_SELECTION}. */
    public Builder selection(TransportSelection selection) {
      this.selection = Objects.requireNonNull(selection, "selection == null");
      return this;
    }

    /**
     * Sets the signing region, for example {@code us-east-1}. Default: the region of an {@code
     * aws:REGION} selection, else the SDK's default region chain for {@code aws:}, else {@code
     * us-east-1}.
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

    /** Sets where credentials come from. Default: {@link CredentialsSource#automatic()}. */
    public Builder credentials(CredentialsSource credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials == null");
      return this;
    }

    /**
     * Accepts any TLS certificate from an https endpoint, such as the self-signed one of a local
     * emulator. Never use it with real AWS: it turns off protection against impostors. The
     * transport logs a warning when it is on. Default: false.
     */
    public Builder trustSelfSignedCertificates(boolean trust) {
      this.trustSelfSignedCertificates = trust;
      return this;
    }

    /**
     * Sets how long a call may take in all, retries included, before it fails with {@link
     * TransportTimeoutException}. Default: 30 s; range: 100 ms to 10 min.
     */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout =
          ConfigChecks.range(
              "callTimeout", callTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets how long opening a connection (TLS included) may take. The call timeout bounds the whole
     * call, connecting included, so a longer connect timeout is cut short by it. Default: 5 s;
     * range: 100 ms to 5 min (the KPL's ConnectTimeout range).
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout =
          ConfigChecks.range(
              "connectTimeout", connectTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
      return this;
    }

    /**
     * Sets how many times a call is tried when the connection fails before the service answered.
     * Service answers, throttling included, are never retried here: kpl-lite and kcl-lite must see
     * them to slow down. Default: 3; range: 1 to 10.
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = ConfigChecks.range("maxAttempts", maxAttempts, 1, 10);
      return this;
    }

    /** Sets how many requests may be in flight at once. Default: 64; range: 1 to 10,000. */
    public Builder maxConcurrency(int maxConcurrency) {
      this.maxConcurrency = ConfigChecks.range("maxConcurrency", maxConcurrency, 1, 10_000);
      return this;
    }

    /**
     * Sets the largest record data, in bytes, that a put accepts; larger records fail with {@link
     * InvalidArgumentException} before anything is sent. Raise it only for streams configured for
     * larger records. Default: 1 MiB (1,048,576); range: 1 to 10 MiB (10,485,760).
     */
    public Builder maxRecordSize(int maxRecordSize) {
      this.maxRecordSize =
          ConfigChecks.range("maxRecordSize", maxRecordSize, 1, MAX_RECORD_SIZE_LIMIT);
      return this;
    }

    public TransportConfig build() {
      if (trustSelfSignedCertificates && selection.kind() == TransportSelection.Kind.AWS) {
        throw new IllegalArgumentException(
            "trustSelfSignedCertificates is for local endpoints only; it would turn off"
                + " certificate checks against real AWS ('"
                + selection
                + "')");
      }
      return new TransportConfig(this);
    }
  }
}
