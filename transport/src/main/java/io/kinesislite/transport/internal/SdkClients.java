package io.kinesislite.transport.internal;

import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.TransportSelection;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

/** Builds the AWS SDK client a {@link TransportConfig} describes. Thread-safe. */
public final class SdkClients {
  private static final Logger log = LoggerFactory.getLogger(SdkClients.class);

  /** The region used to sign requests to an explicit endpoint when none is configured. */
  static final String ENDPOINT_DEFAULT_REGION = "us-east-1";

  private SdkClients() {}

  /** The SDK client and the HTTP client under it; the caller closes both. */
  public record Clients(KinesisAsyncClient kinesis, SdkAsyncHttpClient http) {}

  public static Clients kinesis(TransportConfig config) {
    TransportSelection selection = config.selection();
    SdkAsyncHttpClient http = httpClient(config);
    KinesisAsyncClientBuilder builder =
        KinesisAsyncClient.builder()
            .httpClient(http)
            .credentialsProvider(credentials(config.credentials(), selection))
            .overrideConfiguration(overrides(config));
    config.region().map(Region::of).ifPresent(builder::region);
    if (selection.kind() == TransportSelection.Kind.ENDPOINT) {
      builder.endpointOverride(selection.endpoint().orElseThrow());
      if (config.region().isEmpty()) {
        builder.region(Region.of(ENDPOINT_DEFAULT_REGION));
      }
    }
    try {
      return new Clients(builder.build(), http);
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
  }

  private static SdkAsyncHttpClient httpClient(TransportConfig config) {
    TransportSelection selection = config.selection();
    // HTTP/2 throughout, because SubscribeToShard needs it. Over TLS the protocol is agreed by
    // ALPN; in plain text only prior knowledge (h2c) exists.
    NettyNioAsyncHttpClient.Builder netty =
        NettyNioAsyncHttpClient.builder()
            .protocol(Protocol.HTTP2)
            .protocolNegotiation(
                selection.usesTls()
                    ? ProtocolNegotiation.ALPN
                    : ProtocolNegotiation.ASSUME_PROTOCOL)
            .maxConcurrency(config.maxConcurrency())
            .connectionTimeout(config.connectTimeout())
            .connectionAcquisitionTimeout(config.callTimeout())
            .tlsNegotiationTimeout(config.connectTimeout());
    AttributeMap.Builder defaults = AttributeMap.builder();
    if (config.trustSelfSignedCertificates() && selection.usesTls()) {
      log.warn(
          "TLS certificate verification is OFF for {}: any certificate is trusted. Use this only"
              + " with a local endpoint you run yourself.",
          selection);
      defaults.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true);
    }
    return netty.buildWithDefaults(defaults.build());
  }

  private static ClientOverrideConfiguration overrides(TransportConfig config) {
    Duration timeout = config.callTimeout();
    // Retry only connections that failed before the service answered. Throttling and service
    // errors go to the caller: kpl-lite and kcl-lite slow down on them, which SDK retries hide.
    StandardRetryStrategy retries =
        StandardRetryStrategy.builder()
            .maxAttempts(config.maxAttempts())
            .retryOnException(SdkErrors::isConnectionFailure)
            .backoffStrategy(
                BackoffStrategy.exponentialDelay(Duration.ofMillis(25), Duration.ofSeconds(1)))
            .circuitBreakerEnabled(false)
            .build();
    return ClientOverrideConfiguration.builder()
        .retryStrategy(retries)
        .apiCallTimeout(timeout)
        .apiCallAttemptTimeout(timeout)
        .build();
  }

  static AwsCredentialsProvider credentials(
      CredentialsSource source, TransportSelection selection) {
    switch (source.kind()) {
      case STATIC:
        String id = source.accessKeyId().orElseThrow();
        String secret = source.secretAccessKey().orElseThrow();
        return StaticCredentialsProvider.create(
            source.sessionToken().isPresent()
                ? AwsSessionCredentials.create(id, secret, source.sessionToken().get())
                : AwsBasicCredentials.create(id, secret));
      case PROFILE:
        return ProfileCredentialsProvider.create(source.profileName().orElseThrow());
      case DEFAULT_CHAIN:
        return DefaultCredentialsProvider.builder().build();
      case AUTOMATIC:
      default:
        if (selection.kind() != TransportSelection.Kind.ENDPOINT) {
          return DefaultCredentialsProvider.builder().build();
        }
        // Local endpoints rarely verify signatures; asking EC2 metadata would only add seconds.
        return AwsCredentialsProviderChain.builder()
            .reuseLastProviderEnabled(true)
            .credentialsProviders(
                EnvironmentVariableCredentialsProvider.create(),
                SystemPropertyCredentialsProvider.create(),
                ProfileCredentialsProvider.create(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .build();
    }
  }
}
