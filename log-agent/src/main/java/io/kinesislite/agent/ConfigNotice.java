package io.kinesislite.agent;

import java.util.Objects;

/**
 * Something a configuration file says that the agent does not take as written: a Kinesis Agent key
 * it maps to one of its own, one it does not need, or one it cannot honour. {@code check-config}
 * prints them all and {@code run} logs them at start, so no key is ignored unseen.
 *
 * @param key the key's path in the file, for example {@code flows[1].deliveryStream}
 * @param kind what became of it
 * @param message what the agent does instead, and why
 */
public record ConfigNotice(String key, Kind kind, String message) {
  /** What became of a key. */
  public enum Kind {
    /** Taken, under the agent's own setting named in the message. */
    MAPPED,
    /** Not needed: the agent does the job differently (the message says how). */
    NOT_NEEDED,
    /** Not supported: the setting, or the flow holding it, has no effect. */
    UNSUPPORTED
  }

  public ConfigNotice {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(message, "message == null");
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + ": "
        + key
        + ": "
        + message;
  }
}
