package io.kinesislite.transport;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the AWS SDK transport gets the credentials it signs requests with. Immutable; {@link
 * #toString()} never shows a secret.
 *
 * <pre>{@code
 * CredentialsSource.automatic();                      // the default
 * CredentialsSource.profile("prod");                  // ~/.aws/credentials [prod]
 * CredentialsSource.staticKeys("AKID…", "secret…");   // e.g. for a local endpoint
 * }</pre>
 */
public final class CredentialsSource {
  /** The kinds of source. */
  public enum Kind {
    /**
     * For {@code aws:}, the SDK's default chain. For an explicit endpoint, environment variables,
     * system properties and the default profile if they hold credentials, else the placeholder keys
     * {@code local}/{@code local}, which local emulators accept; never the EC2 metadata service.
     */
    AUTOMATIC,
    /** The AWS SDK's default credentials provider chain. */
    DEFAULT_CHAIN,
    /** A named profile of the shared credentials and config files. */
    PROFILE,
    /** Fixed keys. */
    STATIC
  }

  private static final CredentialsSource AUTOMATIC =
      new CredentialsSource(Kind.AUTOMATIC, null, null, null, null);
  private static final CredentialsSource DEFAULT_CHAIN =
      new CredentialsSource(Kind.DEFAULT_CHAIN, null, null, null, null);

  private final Kind kind;
  private final String profile;
  private final String accessKeyId;
  private final String secretAccessKey;
  private final String sessionToken;

  private CredentialsSource(
      Kind kind, String profile, String accessKeyId, String secretAccessKey, String sessionToken) {
    this.kind = kind;
    this.profile = profile;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
  }

  public static CredentialsSource automatic() {
    return AUTOMATIC;
  }

  public static CredentialsSource defaultChain() {
    return DEFAULT_CHAIN;
  }

  public static CredentialsSource profile(String profile) {
    Objects.requireNonNull(profile, "profile == null");
    if (profile.isBlank()) {
      throw new IllegalArgumentException("profile must not be blank");
    }
    return new CredentialsSource(Kind.PROFILE, profile, null, null, null);
  }

  public static CredentialsSource staticKeys(String accessKeyId, String secretAccessKey) {
    return staticKeys(accessKeyId, secretAccessKey, null);
  }

  /** Fixed temporary keys with a session token; {@code sessionToken} may be null. */
  public static CredentialsSource staticKeys(
      String accessKeyId, String secretAccessKey, String sessionToken) {
    Objects.requireNonNull(accessKeyId, "accessKeyId == null");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey == null");
    if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("accessKeyId and secretAccessKey must not be blank");
    }
    return new CredentialsSource(Kind.STATIC, null, accessKeyId, secretAccessKey, sessionToken);
  }

  public Kind kind() {
    return kind;
  }

  public Optional<String> profileName() {
    return Optional.ofNullable(profile);
  }

  public Optional<String> accessKeyId() {
    return Optional.ofNullable(accessKeyId);
  }

  public Optional<String> secretAccessKey() {
    return Optional.ofNullable(secretAccessKey);
  }

  public Optional<String> sessionToken() {
    return Optional.ofNullable(sessionToken);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CredentialsSource that
        && kind == that.kind
        && Objects.equals(profile, that.profile)
        && Objects.equals(accessKeyId, that.accessKeyId)
        && Objects.equals(secretAccessKey, that.secretAccessKey)
        && Objects.equals(sessionToken, that.sessionToken);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, profile, accessKeyId);
  }

  @Override
  public String toString() {
    switch (kind) {
      case PROFILE:
        return "profile " + profile;
      case STATIC:
        return "static keys " + accessKeyId + " (secret hidden)";
      default:
        return kind.toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }
}
