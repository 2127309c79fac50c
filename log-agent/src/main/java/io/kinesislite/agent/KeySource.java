package io.kinesislite.agent;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a record's partition key (or explicit hash key) comes from. Keys are cut to 256 characters;
 * a source that finds nothing (a missing field, a line the regex does not match) falls back to a
 * random key, counted in the {@code kinesislite_agent_key_fallbacks_total} metric.
 */
public sealed interface KeySource {
  /** A random key per record: spreads records over every shard. The default. */
  record Random() implements KeySource {}

  /**
   * The MD5 of the record's bytes as it is read from the file, in hex: the same line, the same key.
   */
  record LineHash() implements KeySource {}

  /**
   * The value of a field of the (processed) JSON record, by name or JSON pointer ({@code /a/b}).
   */
  record JsonField(String field) implements KeySource {
    public JsonField {
      Objects.requireNonNull(field, "field == null");
      if (field.isEmpty()) {
        throw new IllegalArgumentException("partitionKey field must not be empty");
      }
    }
  }

  /** A group of a regular expression found in the record: by name, or by number ({@code "1"}). */
  record RegexGroup(Pattern pattern, String group) implements KeySource {
    public RegexGroup {
      Objects.requireNonNull(pattern, "pattern == null");
      Objects.requireNonNull(group, "group == null");
    }
  }

  /** The path of the file the record came from: one file's lines stay on one shard, in order. */
  record FilePath() implements KeySource {}

  /** The host name: one host's lines stay on one shard. */
  record Host() implements KeySource {}
}
