package io.kinesislite.transport.internal;

import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.TransportSelection;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the AWS SDK clients a {@link TransportConfig} describes: one over HTTP/1.1 for ordinary
 * calls and one over HTTP/2 for SubscribeToShard, which needs it. Both share one Netty event loop,
 * one timer thread and one callback pool, all named {@code kinesis-lite-*}. Thread-safe.
 */
public final class SdkClients implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SdkClients.class);

  /** The region used to sign requests to an explicit endpoint when none is configured. */
  static final String ENDPOINT_DEFAULT_REGION = "us-east-1";

  /** The longest a subscription may live; Kinesis ends each after five minutes. */
  public static final Duration SUBSCRIPTION_LIFETIME = Duration.ofMinutes(6);

  private final SdkEventLoopGroup eventLoop;
  private final ScheduledExecutorService timer;
  private final ExecutorService callbacks;
  private final SdkAsyncHttpClient http1;
  private final SdkAsyncHttpClient http2;
  private final KinesisAsyncClient calls;
  private final KinesisAsyncClient subscriptions;

  private SdkClients(TransportConfig config) {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    eventLoop =
        SdkEventLoopGroup.builder()
            .numberOfThreads(threads)
            .threadFactory(new NamedThreadFactory("kinesis-lite-netty"))
            .build();
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("kinesis-lite-sdk-timer"));
    // The SDK cancels a timeout task when its call ends; drop those at once, not at their time.
    scheduler.setRemoveOnCancelPolicy(true);
    timer = scheduler;
    callbacks =
        Executors.newFixedThreadPool(threads, new NamedThreadFactory("kinesis-lite-sdk-callback"));
    SdkAsyncHttpClient h1 = null;
    SdkAsyncHttpClient h2 = null;
    KinesisAsyncClient c = null;
    try {
      h1 = httpClient(config, Protocol.HTTP1_1, config.callTimeout());
      h2 = httpClient(config, Protocol.HTTP2, SUBSCRIPTION_LIFETIME);
      c = kinesis(config, h1);
      subscriptions = kinesis(config, h2);
    } catch (RuntimeException e) {
      closeQuietly(c, h2, h1);
      shutdownExecutors();
      throw e;
    }
    http1 = h1;
    http2 = h2;
    calls = c;
  }

  /** Builds the clients; the caller closes them. */
  public static SdkClients create(TransportConfig config) {
    return new SdkClients(config);
  }

  /** The client for every call but SubscribeToShard. */
  public KinesisAsyncClient calls() {
    return calls;
  }

  /** The client for SubscribeToShard. */
  public KinesisAsyncClient subscriptions() {
    return subscriptions;
  }

  private KinesisAsyncClient kinesis(TransportConfig config, SdkAsyncHttpClient http) {
    TransportSelection selection = config.selection();
    KinesisAsyncClientBuilder builder =
        KinesisAsyncClient.builder()
            .httpClient(http)
            .credentialsProvider(credentials(config.credentials(), selection))
            .overrideConfiguration(overrides(config))
            .asyncConfiguration(
                a ->
                    a.advancedOption(
                        SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, callbacks));
    config.region().map(Region::of).ifPresent(builder::region);
    if (selection.kind() == TransportSelection.Kind.ENDPOINT) {
      builder.endpointOverride(selection.endpoint().orElseThrow());
      if (config.region().isEmpty()) {
        builder.region(Region.of(ENDPOINT_DEFAULT_REGION));
      }
    }
    try {
      return builder.build();
    } catch (SdkClientException e) {
      // Most often no region: neither in the selection, the config, AWS_REGION nor ~/.aws/config.
      throw new IllegalStateException(
          "cannot set up the AWS SDK client for '"
              + selection
              + "': "
              + e.getMessage()
              + " Name the region in the selection (aws:us-east-1) or with"
              + " TransportConfig.Builder.region.",
          e);
    }
  }

  private SdkAsyncHttpClient httpClient(
      TransportConfig config, Protocol protocol, Duration readTimeout) {
    TransportSelection selection = config.selection();
    NettyNioAsyncHttpClient.Builder netty =
        NettyNioAsyncHttpClient.builder()
            .eventLoopGroup(eventLoop)
            .protocol(protocol)
            .maxConcurrency(config.maxConcurrency())
            .connectionTimeout(config.connectTimeout())
            .connectionAcquisitionTimeout(config.callTimeout())
            .tlsNegotiationTimeout(config.connectTimeout())
            // A subscriber that stops requesting stops the reads; that must not count as a dead
            // connection. HTTP/2 pings find dead connections instead.
            .readTimeout(readTimeout)
            .writeTimeout(config.callTimeout());
    if (protocol == Protocol.HTTP2) {
      // Over TLS the protocol is agreed by ALPN; in plain text only prior knowledge (h2c) exists.
      netty.protocolNegotiation(
          selection.usesTls() ? ProtocolNegotiation.ALPN : ProtocolNegotiation.ASSUME_PROTOCOL);
    }
    AttributeMap.Builder defaults = AttributeMap.builder();
    if (config.trustSelfSignedCertificates() && selection.usesTls()) {
      if (protocol == Protocol.HTTP1_1) {
        log.warn(
            "TLS certificate verification is OFF for {}: any certificate is trusted. Use this"
                + " only with a local endpoint you run yourself.",
            selection);
      }
      defaults.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true);
    }
    return netty.buildWithDefaults(defaults.build());
  }

  private ClientOverrideConfiguration overrides(TransportConfig config) {
    Duration timeout = config.callTimeout();
    // Retry only connections that failed before the request went out. Without useClientDefaults
    // the SDK would add its own conditions and retry throttling and 5xx answers, which kpl-lite and
    // kcl-lite must see to slow down, and which may repeat a put the service already took.
    StandardRetryStrategy retries =
        StandardRetryStrategy.builder()
            .useClientDefaults(false)
            .maxAttempts(config.maxAttempts())
            .retryOnException(SdkErrors::isFailureBeforeSending)
            .backoffStrategy(
                BackoffStrategy.exponentialDelay(Duration.ofMillis(25), Duration.ofSeconds(1)))
            .circuitBreakerEnabled(false)
            .build();
    return ClientOverrideConfiguration.builder()
        .retryStrategy(retries)
        .apiCallTimeout(timeout)
        .apiCallAttemptTimeout(timeout)
        .scheduledExecutorService(timer)
        .build();
  }

  static AwsCredentialsProvider credentials(
      CredentialsSource source, TransportSelection selection) {
    return SdkCredentials.provider(source, selection.kind() == TransportSelection.Kind.ENDPOINT);
  }

  /** Closes both clients, then the threads under them. Idempotent. */
  @Override
  public void close() {
    closeQuietly(subscriptions, calls, http2, http1);
    shutdownExecutors();
  }

  private void shutdownExecutors() {
    callbacks.shutdown();
    timer.shutdownNow();
    // Quiet period 0: nothing of ours runs on the loop any more; do not linger for 2 s.
    eventLoop.eventLoopGroup().shutdownGracefully(0, 5, TimeUnit.SECONDS);
  }

  private static void closeQuietly(AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Closing {} failed; continuing to close the rest.", resource, e);
      }
    }
  }
}
