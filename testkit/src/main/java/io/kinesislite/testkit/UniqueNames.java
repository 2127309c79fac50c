package io.kinesislite.testkit;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Stream and table names unique across calls and across JVMs, so tests can share one peer and run
 * in parallel forks: {@code <prefix>-<random per JVM>-<counter>}, e.g. {@code orders-k3x9q2ab-7}.
 * The names use only {@code [a-zA-Z0-9_.-]}, valid for both Kinesis streams and DynamoDB tables.
 *
 * <pre>{@code
 * String stream = UniqueNames.stream("orders");
 * String table = UniqueNames.table("leases");
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class UniqueNames {
  /** The longest prefix accepted; it leaves room for the suffix within Kinesis's 128 characters. */
  public static final int MAX_PREFIX_LENGTH = 100;

  private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9_.-]+");
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String JVM_TOKEN = randomToken(8);
  private static final AtomicLong COUNTER = new AtomicLong();

  private UniqueNames() {}

  /**
   * Returns a new Kinesis stream name (at most 128 characters).
   *
   * @param prefix the readable start of the name: 1 to {@value #MAX_PREFIX_LENGTH} characters of
   *     {@code [a-zA-Z0-9_.-]}
   * @return a name no other call returns
   * @throws IllegalArgumentException if the prefix is empty, too long or has other characters
   */
  public static String stream(String prefix) {
    return next(prefix);
  }

  /**
   * Returns a new DynamoDB table name (3 to 255 characters).
   *
   * @param prefix the readable start of the name: 1 to {@value #MAX_PREFIX_LENGTH} characters of
   *     {@code [a-zA-Z0-9_.-]}
   * @return a name no other call returns
   * @throws IllegalArgumentException if the prefix is empty, too long or has other characters
   */
  public static String table(String prefix) {
    return next(prefix);
  }

  private static String next(String prefix) {
    Objects.requireNonNull(prefix, "prefix == null");
    if (prefix.length() > MAX_PREFIX_LENGTH) {
      throw new IllegalArgumentException(
          "prefix longer than " + MAX_PREFIX_LENGTH + ": " + prefix.length() + " characters");
    }
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "prefix must be 1 or more of [a-zA-Z0-9_.-]: '" + prefix + "'");
    }
    return prefix + "-" + JVM_TOKEN + "-" + COUNTER.incrementAndGet();
  }

  private static String randomToken(int length) {
    SecureRandom random = new SecureRandom();
    StringBuilder token = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      token.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return token.toString();
  }
}
