package io.kinesislite.transport.internal;

import io.kinesislite.transport.CredentialsSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

/**
 * Turns a {@link CredentialsSource} into the AWS SDK's credentials provider, the same way for every
 * kinesis-lite client of an AWS service (Kinesis, DynamoDB). Thread-safe (stateless).
 */
public final class SdkCredentials {
  private SdkCredentials() {}

  /**
   * Returns the provider for {@code source}; {@code endpoint} says the client talks to an explicit
   * endpoint (a local emulator, usually) rather than to AWS.
   */
  public static AwsCredentialsProvider provider(CredentialsSource source, boolean endpoint) {
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
        if (!endpoint) {
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
