package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.JsonPointerBasedFilter;
import com.fasterxml.jackson.core.filter.TokenFilter;
import io.kinesislite.agent.KeySource;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes a record's partition key, or explicit hash key, from where a {@link KeySource} says.
 *
 * <ul>
 *   <li>{@code Random}: a random 64-bit number in hex, up to 16 digits ({@link ThreadLocalRandom}).
 *   <li>{@code LineHash}: the MD5 of the record as read ({@code raw}), 32 lowercase hex digits.
 *   <li>{@code JsonField}: a field of the processed record read as JSON: a top-level name, or a
 *       JSON pointer when it starts with {@code /}. Strings as they are, numbers as written, {@code
 *       true}/{@code false}; null, an object, an array or a missing field is no value.
 *   <li>{@code RegexGroup}: the first match ({@link Matcher#find()}) in the processed record read
 *       as UTF-8; the group by name, or by number when the group is all digits ({@code 0} is the
 *       whole match). No match, or a group that took no part in it, is no value.
 *   <li>{@code FilePath}, {@code Host}: the record's file and host.
 * </ul>
 *
 * A key longer than 256 characters, the Kinesis limit, is cut to 256 (255 when the 256th would be
 * the first half of a surrogate pair). No value, or an empty one, gives a random key and a {@link
 * ProcessingListener#keyFallback} with the source's name.
 *
 * <p>{@link #explicitHashKey} takes the value from the same place, but it must be a decimal integer
 * in [0, 2<sup>128</sup>) written as Kinesis accepts it (no sign, no leading zeros); otherwise
 * there is none, and the listener hears {@code explicitHashKey}. For {@code Random} it is a random
 * 128-bit number and for {@code LineHash} the MD5 read as an unsigned 128-bit number, both in
 * decimal, since their partition-key forms are not decimal.
 *
 * <p>Thread-safe: immutable, with one MD5 digest per thread.
 */
public final class KeyExtractor {
  /** The longest partition key Kinesis accepts, in characters. */
  static final int MAX_KEY_LENGTH = 256;

  /** 2^128 in decimal: an explicit hash key of 39 digits must sort below it. */
  private static final String TWO_TO_128 = "340282366920938463463374607431768211456";

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(KeyExtractor::newMd5);
  private static final HexFormat HEX = HexFormat.of();

  private enum Kind {
    RANDOM,
    LINE_HASH,
    JSON_FIELD,
    REGEX_GROUP,
    FILE_PATH,
    HOST
  }

  private final Kind kind;
  private final String sourceName;
  private final ProcessingListener listener;
  private final String field;
  private final JsonPointer pointer;
  private final Pattern pattern;
  private final int groupNumber;

  private KeyExtractor(
      Kind kind,
      String sourceName,
      ProcessingListener listener,
      String field,
      JsonPointer pointer,
      Pattern pattern,
      int groupNumber) {
    this.kind = kind;
    this.sourceName = sourceName;
    this.listener = listener;
    this.field = field;
    this.pointer = pointer;
    this.pattern = pattern;
    this.groupNumber = groupNumber;
  }

  /**
   * An extractor for {@code source}.
   *
   * @param source where keys come from
   * @param listener told when a source finds no value
   * @return the extractor, ready for any thread
   * @throws IllegalArgumentException if a JSON pointer is malformed, or a regex group is not in the
   *     pattern
   */
  public static KeyExtractor of(KeySource source, ProcessingListener listener) {
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(listener, "listener == null");
    if (source instanceof KeySource.Random) {
      return new KeyExtractor(Kind.RANDOM, "random", listener, null, null, null, 0);
    } else if (source instanceof KeySource.LineHash) {
      return new KeyExtractor(Kind.LINE_HASH, "lineHash", listener, null, null, null, 0);
    } else if (source instanceof KeySource.JsonField f) {
      JsonPointer pointer = null;
      if (f.field().startsWith("/")) {
        try {
          pointer = JsonPointer.compile(f.field());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "partitionKey: invalid JSON pointer " + f.field() + ": " + e.getMessage(), e);
        }
      }
      return new KeyExtractor(Kind.JSON_FIELD, "jsonField", listener, f.field(), pointer, null, 0);
    } else if (source instanceof KeySource.RegexGroup r) {
      return new KeyExtractor(
          Kind.REGEX_GROUP, "regexGroup", listener, null, null, r.pattern(), group(r));
    } else if (source instanceof KeySource.FilePath) {
      return new KeyExtractor(Kind.FILE_PATH, "filePath", listener, null, null, null, 0);
    } else if (source instanceof KeySource.Host) {
      return new KeyExtractor(Kind.HOST, "host", listener, null, null, null, 0);
    }
    throw new IllegalArgumentException("unknown key source: " + source);
  }

  private static int group(KeySource.RegexGroup r) {
    String g = r.group();
    int groups = r.pattern().matcher("").groupCount();
    if (!g.isEmpty() && g.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int n = g.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(g);
      if (n > groups) {
        throw new IllegalArgumentException(
            "partitionKey: group " + g + " but the pattern has " + groups + " groups");
      }
      return n;
    }
    List<String> names = RegexGroups.names(r.pattern(), "partitionKey");
    int n = RegexGroups.indexOf(names, g);
    if (n < 0) {
      throw new IllegalArgumentException("partitionKey: the pattern has no group named " + g);
    }
    return n;
  }

  /**
   * The partition key of a record.
   *
   * @param raw the record as read from the file
   * @param processed the record after processing
   * @param ctx where it was read
   * @return 1 to 256 characters
   */
  public String key(byte[] raw, byte[] processed, RecordContext ctx) {
    String value;
    switch (kind) {
      case RANDOM:
        return randomKey();
      case LINE_HASH:
        return HEX.formatHex(md5(raw));
      default:
        value = value(processed, ctx);
        break;
    }
    if (value == null || value.isEmpty()) {
      listener.keyFallback(sourceName);
      return randomKey();
    }
    return cut(value);
  }

  /**
   * The explicit hash key of a record: a decimal integer in [0, 2<sup>128</sup>), or null (the
   * partition key's hash then places the record) after telling the listener {@code
   * explicitHashKey}.
   *
   * @param raw the record as read from the file
   * @param processed the record after processing
   * @param ctx where it was read
   * @return the key, or null
   */
  public String explicitHashKey(byte[] raw, byte[] processed, RecordContext ctx) {
    String value;
    switch (kind) {
      case RANDOM:
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] bits = new byte[16];
        r.nextBytes(bits);
        return new BigInteger(1, bits).toString();
      case LINE_HASH:
        return new BigInteger(1, md5(raw)).toString();
      default:
        value = value(processed, ctx);
        break;
    }
    if (value == null || !isHashKey(value)) {
      listener.keyFallback("explicitHashKey");
      return null;
    }
    return value;
  }

  /** Whether {@code s} is {@code 0|[1-9][0-9]{0,38}} and below 2^128. */
  static boolean isHashKey(String s) {
    int n = s.length();
    if (n == 0 || n > TWO_TO_128.length() || (n > 1 && s.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    // Same length, digits only: string order is numeric order.
    return n < TWO_TO_128.length() || s.compareTo(TWO_TO_128) < 0;
  }

  private String value(byte[] processed, RecordContext ctx) {
    switch (kind) {
      case JSON_FIELD:
        return pointer != null ? pointerValue(processed) : fieldValue(processed);
      case REGEX_GROUP:
        Matcher m = pattern.matcher(new String(processed, StandardCharsets.UTF_8));
        return m.find() ? m.group(groupNumber) : null;
      case FILE_PATH:
        return ctx.file();
      case HOST:
        return ctx.host();
      default:
        throw new IllegalStateException("no value for " + kind);
    }
  }

  /** The top-level field {@code field}, read without building a tree. */
  private String fieldValue(byte[] processed) {
    try (JsonParser p = Json.parser(Json.FACTORY, processed)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = field.equals(p.currentName());
        JsonToken t = p.nextToken();
        if (wanted) {
          return t.isScalarValue() && t != JsonToken.VALUE_NULL ? p.getText() : null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The value at {@code pointer}, read without building a tree. */
  private String pointerValue(byte[] processed) {
    try (JsonParser p =
        new FilteringParserDelegate(
            Json.parser(Json.FACTORY, processed),
            new JsonPointerBasedFilter(pointer),
            TokenFilter.Inclusion.ONLY_INCLUDE_ALL,
            false)) {
      JsonToken t = p.nextToken();
      return t != null && t.isScalarValue() && t != JsonToken.VALUE_NULL ? p.getText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String randomKey() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  private static String cut(String key) {
    if (key.length() <= MAX_KEY_LENGTH) {
      return key;
    }
    int end =
        Character.isHighSurrogate(key.charAt(MAX_KEY_LENGTH - 1))
            ? MAX_KEY_LENGTH - 1
            : MAX_KEY_LENGTH;
    return key.substring(0, end);
  }

  private static byte[] md5(byte[] data) {
    MessageDigest md = MD5.get();
    md.reset();
    return md.digest(data);
  }

  private static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
  }
}
