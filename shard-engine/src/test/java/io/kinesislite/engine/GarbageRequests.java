package io.kinesislite.engine;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Makes requests a server must survive: random bytes, random request lines, random and broken
 * headers and lengths, well-framed calls with random bodies, JSON of the wrong shapes, and an
 * HTTP/2 preface followed by noise. Seeded, so that a failure can be replayed. Not thread-safe.
 */
final class GarbageRequests {
  private static final String[] OPERATIONS = {
    "CreateStream",
    "DescribeStream",
    "DescribeStreamSummary",
    "ListStreams",
    "ListShards",
    "SplitShard",
    "MergeShards",
    "UpdateShardCount",
    "IncreaseStreamRetentionPeriod",
    "DescribeLimits",
    "PutRecord",
    "PutRecords",
    "GetShardIterator",
    "GetRecords",
    "RegisterStreamConsumer",
    "ListStreamConsumers",
    "SubscribeToShard",
    "NoSuchOperation",
    ""
  };
  private static final String[] FIELDS = {
    "StreamName",
    "StreamARN",
    "ShardCount",
    "PartitionKey",
    "Data",
    "ExplicitHashKey",
    "Records",
    "ShardId",
    "ShardIteratorType",
    "StartingSequenceNumber",
    "Timestamp",
    "ShardIterator",
    "Limit",
    "NextToken",
    "MaxResults",
    "ShardFilter",
    "Type",
    "ShardToSplit",
    "NewStartingHashKey",
    "TargetShardCount",
    "ConsumerName",
    "ConsumerARN",
    "StartingPosition",
    "StreamModeDetails"
  };
  private static final String[] CONTENT_TYPES = {
    "application/x-amz-json-1.1", "application/x-amz-cbor-1.1", "application/json", "text/plain", ""
  };

  private final Random random;

  GarbageRequests(long seed) {
    this.random = new Random(seed);
  }

  /** The next request, of a randomly chosen kind. */
  byte[] next() {
    return switch (random.nextInt(7)) {
      case 0 -> bytes(1 + random.nextInt(4096));
      case 1 -> ascii(token() + " " + token() + " " + token() + "\r\n\r\n");
      case 2 -> brokenHeaders();
      case 3 -> framed(randomOperation(), bytes(random.nextInt(2048)));
      case 4 -> framed(randomOperation(), object(0).getBytes(StandardCharsets.UTF_8));
      case 5 ->
          RawHttp.concat(ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), bytes(random.nextInt(512)));
      default ->
          ascii(
              "GET /ready HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                  + "Upgrade: h2c\r\nHTTP2-Settings: "
                  + Base64.getUrlEncoder().encodeToString(bytes(random.nextInt(30)))
                  + "\r\n\r\n");
    };
  }

  private String randomOperation() {
    return OPERATIONS[random.nextInt(OPERATIONS.length)];
  }

  private byte[] framed(String operation, byte[] body) {
    String type = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
    return RawHttp.concat(RawHttp.head(operation, type, body.length), body);
  }

  private byte[] brokenHeaders() {
    StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\nHost: x\r\n");
    int headers = random.nextInt(20);
    for (int i = 0; i < headers; i++) {
      head.append(
              random.nextInt(4) == 0 ? new String(bytes(8), StandardCharsets.ISO_8859_1) : token())
          .append(random.nextInt(5) == 0 ? " " : ": ")
          .append(new String(bytes(random.nextInt(40)), StandardCharsets.ISO_8859_1))
          .append("\r\n");
    }
    byte[] body = bytes(random.nextInt(1024));
    switch (random.nextInt(5)) {
      case 0 -> head.append("Content-Length: ").append(body.length).append("\r\n");
      case 1 ->
          head.append("Content-Length: ")
              .append(body.length + 1 + random.nextInt(9))
              .append("\r\n");
      case 2 -> head.append("Content-Length: -").append(random.nextInt(100)).append("\r\n");
      case 3 -> head.append("Content-Length: ").append(token()).append("\r\n");
      default -> head.append("Transfer-Encoding: chunked\r\n");
    }
    head.append("\r\n");
    return RawHttp.concat(ascii(head.toString()), body);
  }

  private String object(int depth) {
    StringBuilder json = new StringBuilder("{");
    int fields = random.nextInt(5);
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append('"')
          .append(FIELDS[random.nextInt(FIELDS.length)])
          .append("\":")
          .append(value(depth));
    }
    return json.append('}').toString();
  }

  private String value(int depth) {
    return switch (random.nextInt(depth > 2 ? 6 : 8)) {
      case 0 -> "null";
      case 1 -> String.valueOf(random.nextInt(20) - 5);
      case 2 -> "\"s\"";
      case 3 -> random.nextBoolean() ? "\"shardId-000000000000\"" : "\"AAAA\"";
      case 4 -> random.nextBoolean() ? "true" : "1e400";
      case 5 -> "-99999999999999999999999";
      case 6 -> "[" + value(depth + 1) + "," + value(depth + 1) + "]";
      default -> object(depth + 1);
    };
  }

  private String token() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_/.*%";
    StringBuilder token = new StringBuilder();
    int length = 1 + random.nextInt(12);
    for (int i = 0; i < length; i++) {
      token.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return token.toString();
  }

  private byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
