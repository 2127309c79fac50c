package io.kinesislite.engine.internal.http;

/**
 * Reads stream and consumer ARNs ({@code arn:aws:kinesis:REGION:ACCOUNT:stream/NAME} and {@code
 * …:stream/NAME/consumer/CONSUMER:CREATED}) wherever the API accepts them. Thread-safe.
 */
final class Arns {
  private Arns() {}

  static String streamName(String arn) {
    String resource = resource(arn, "StreamARN");
    int slash = resource.indexOf('/');
    String name = resource.substring(slash + 1);
    if (!resource.startsWith("stream/") || name.isEmpty() || name.contains("/")) {
      throw bad("StreamARN", arn);
    }
    return name;
  }

  /** The stream and consumer names of a consumer ARN. */
  static String[] consumer(String arn) {
    String resource = resource(arn, "ConsumerARN");
    String[] parts = resource.split("/");
    if (parts.length != 4 || !parts[0].equals("stream") || !parts[2].equals("consumer")) {
      throw bad("ConsumerARN", arn);
    }
    String consumer = parts[3];
    int colon = consumer.lastIndexOf(':');
    return new String[] {parts[1], colon > 0 ? consumer.substring(0, colon) : consumer};
  }

  private static String resource(String arn, String field) {
    String[] parts = arn.split(":", 6);
    if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("kinesis")) {
      throw bad(field, arn);
    }
    return parts[5];
  }

  private static ApiException bad(String field, String arn) {
    return ApiException.validation(
        "1 validation error detected: Value '"
            + arn
            + "' at '"
            + Character.toLowerCase(field.charAt(0))
            + field.substring(1)
            + "' failed to satisfy constraint: Member must satisfy regular expression pattern:"
            + " arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
  }
}
