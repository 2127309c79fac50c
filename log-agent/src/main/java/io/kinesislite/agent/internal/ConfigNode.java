package io.kinesislite.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.kinesislite.agent.ConfigFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value of a configuration file with its key path ({@code flows[1].maxRecordBytes}): typed reads
 * whose failures are {@link ConfigFileException}s naming the file, the key and the reason.
 * Immutable.
 *
 * <p>A strict node (the agent's YAML) takes numbers only as numbers and booleans only as booleans.
 * A lenient node (the Kinesis Agent's agent.json) also takes them as strings ({@code "5000"},
 * {@code "true"}), as the Kinesis Agent does.
 */
public final class ConfigNode {
  private final Path file;
  private final String path;
  private final String noticePrefix;
  private final JsonNode node;
  private final boolean lenient;

  private ConfigNode(Path file, String path, String noticePrefix, JsonNode node, boolean lenient) {
    this.file = file;
    this.path = path;
    this.noticePrefix = noticePrefix;
    this.node = node == null ? MissingNode.getInstance() : node;
    this.lenient = lenient;
  }

  /**
   * Returns the root of {@code file}'s tree.
   *
   * @param noticePrefix put before key paths in notices, to say which file they are in (for the
   *     files merged into another); empty for the main file
   */
  public static ConfigNode root(Path file, JsonNode node, boolean lenient, String noticePrefix) {
    return new ConfigNode(
        Objects.requireNonNull(file, "file == null"),
        "",
        Objects.requireNonNull(noticePrefix, "noticePrefix == null"),
        node,
        lenient);
  }

  /** The key path in the file; empty for the root. */
  public String path() {
    return path;
  }

  /** The key path as notices name it: with the file it is in, if that is not the main file. */
  public String noticeKey() {
    return noticePrefix + path;
  }

  /** The last element of the path: the key, or the index in brackets. */
  public String name() {
    int dot = path.lastIndexOf('.');
    int bracket = path.lastIndexOf('[');
    return path.substring(Math.max(dot + 1, Math.max(bracket, 0)));
  }

  public JsonNode json() {
    return node;
  }

  public Path file() {
    return file;
  }

  /** Whether the key is present with a value other than null. */
  public boolean isSet() {
    return !node.isMissingNode() && !node.isNull();
  }

  /** Returns the value of {@code key} of this object (missing if absent). */
  public ConfigNode get(String key) {
    JsonNode child = node.isObject() ? node.get(key) : null;
    return new ConfigNode(
        file, path.isEmpty() ? key : path + "." + key, noticePrefix, child, lenient);
  }

  /** Returns element {@code index} of this list. */
  public ConfigNode at(int index) {
    return new ConfigNode(file, path + "[" + index + "]", noticePrefix, node.get(index), lenient);
  }

  /** Returns an exception naming this key and the reason. */
  public ConfigFileException error(String reason) {
    return new ConfigFileException(file, path, reason, null);
  }

  /** Returns an exception naming this key and the reason, with its cause. */
  public ConfigFileException error(String reason, Throwable cause) {
    return new ConfigFileException(file, path, reason, cause);
  }

  /** Returns an exception saying the key is required. */
  public ConfigFileException missing(String what) {
    return error("required: " + what);
  }

  /** Returns this node's keys in file order, checking that it is an object. */
  public List<String> keys() {
    requireObject();
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /**
   * Checks that this is an object whose keys are all in {@code valid}.
   *
   * @throws ConfigFileException naming the first other key, the nearest valid one and all of them
   */
  public void checkKeys(Collection<String> valid) {
    for (String key : keys()) {
      if (!valid.contains(key)) {
        String near = Quantities.nearest(key, valid);
        throw get(key)
            .error(
                "unknown key"
                    + (near != null ? " (did you mean " + near + "?)" : "")
                    + "; valid keys here: "
                    + String.join(", ", valid.stream().sorted().toList()));
      }
    }
  }

  /** Returns the elements of this list. */
  public List<ConfigNode> list() {
    if (!node.isArray()) {
      throw error("must be a list, not " + describe());
    }
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(at(i));
    }
    return out;
  }

  /** Returns a string value; numbers are taken as their text. */
  public String text() {
    if (node.isTextual() || node.isNumber()) {
      return node.asText();
    }
    if (lenient && node.isBoolean()) {
      return node.asText();
    }
    throw error("must be a string, not " + describe());
  }

  /** Returns a list of strings: a list, or a single string taken as a list of one. */
  public List<String> strings() {
    if (!node.isArray()) {
      return List.of(text());
    }
    List<String> out = new ArrayList<>();
    for (ConfigNode element : list()) {
      out.add(element.text());
    }
    return out;
  }

  /** Returns a boolean ({@code true}/{@code false}; in a lenient node also as a string). */
  public boolean bool() {
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (lenient && node.isTextual()) {
      String s = node.textValue().strip();
      if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(s);
      }
    }
    throw error("must be true or false, not " + describe());
  }

  /** Returns a whole number (in a lenient node also as a string). */
  public long whole() {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      throw error("must be a whole number: " + node.asText());
    }
    if (lenient && node.isTextual()) {
      try {
        return Long.parseLong(node.textValue().strip());
      } catch (NumberFormatException e) {
        throw error("must be a whole number: '" + node.textValue() + "'", e);
      }
    }
    throw error("must be a whole number, not " + describe());
  }

  /** Returns a whole number that fits an int. */
  public int wholeInt() {
    return toInt(whole(), "");
  }

  /** Returns a duration: a whole number of milliseconds, or text like {@code 100ms}, {@code 2m}. */
  public Duration duration() {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      if (node.longValue() < 0) {
        throw error("must not be negative: " + node.asText());
      }
      return Duration.ofMillis(node.longValue());
    }
    if (node.isTextual()) {
      try {
        return Quantities.parseDuration(node.textValue());
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage(), e);
      }
    }
    throw error("must be " + Quantities.DURATION_FORMS + ", not " + describe());
  }

  /** Returns a size in bytes: a whole number, or text like {@code 64MiB}. */
  public long size() {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      if (node.longValue() < 0) {
        throw error("must not be negative: " + node.asText());
      }
      return node.longValue();
    }
    if (node.isTextual()) {
      try {
        return Quantities.parseSize(node.textValue());
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage(), e);
      }
    }
    throw error("must be " + Quantities.SIZE_FORMS + ", not " + describe());
  }

  /** Returns a size in bytes that fits an int. */
  public int sizeInt() {
    return toInt(size(), " bytes");
  }

  /** Checks that this is an object (a map). */
  public ConfigNode requireObject() {
    if (!node.isObject()) {
      throw error("must be " + (lenient ? "an object" : "a map") + ", not " + describe());
    }
    return this;
  }

  /** Returns the object's fields as nodes, in file order. */
  public Iterator<ConfigNode> fields() {
    return keys().stream().map(this::get).iterator();
  }

  /**
   * Runs a builder call, turning its {@link IllegalArgumentException} into a {@link
   * ConfigFileException} for this key.
   */
  public <T> T apply(Supplier<T> call) {
    try {
      return call.get();
    } catch (IllegalArgumentException e) {
      throw error(reason(e), e);
    }
  }

  /** Runs a builder call; see {@link #apply(Supplier)}. */
  public void run(Runnable call) {
    apply(
        () -> {
          call.run();
          return null;
        });
  }

  /** What the value is, for error messages: {@code a number (12)}, {@code a list}, … */
  public String describe() {
    if (node.isMissingNode() || node.isNull()) {
      return "empty";
    }
    if (node.isTextual()) {
      return "a string ('" + node.textValue() + "')";
    }
    if (node.isNumber()) {
      return "a number (" + node.asText() + ")";
    }
    if (node.isBoolean()) {
      return "a boolean (" + node.asText() + ")";
    }
    if (node.isArray()) {
      return "a list";
    }
    return lenient ? "an object" : "a map";
  }

  /**
   * Returns a builder's message without the option name it starts with when that is this key's name
   * ({@code maxRecordBytes must be…} for key {@code maxRecordBytes} becomes {@code must be…}).
   */
  private String reason(IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    String name = name();
    if (!name.isEmpty() && message.startsWith(name + " ")) {
      return message.substring(name.length() + 1);
    }
    return message;
  }

  private int toInt(long value, String unit) {
    if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
      throw error("must be at most " + Integer.MAX_VALUE + unit + ": " + value);
    }
    return (int) value;
  }
}
