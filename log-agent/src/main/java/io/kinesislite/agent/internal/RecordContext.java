package io.kinesislite.agent.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * What a processing step or a key source knows about a record besides its bytes.
 *
 * <p>Immutable; thread-safe.
 *
 * @param file the path of the file the record was read from
 * @param offset the byte offset in {@code file} of the record's first byte
 * @param host the name of the host the agent runs on
 * @param readAt when the agent read the record, by the agent's clock
 */
public record RecordContext(String file, long offset, String host, Instant readAt) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException if {@code file}, {@code host} or {@code readAt} is null
   * @throws IllegalArgumentException if {@code offset} is negative
   */
  public RecordContext {
    Objects.requireNonNull(file, "file == null");
    Objects.requireNonNull(host, "host == null");
    Objects.requireNonNull(readAt, "readAt == null");
    if (offset < 0) {
      throw new IllegalArgumentException("offset < 0: " + offset);
    }
  }
}
