package io.kinesislite.agent;

import io.kinesislite.transport.FatalException;
import java.nio.file.Path;

/**
 * A configuration file that cannot be used: unreadable, not YAML or JSON, or holding a value out of
 * range. The message names the file, the key and the reason, for example {@code
 * /etc/kinesis-lite/agent.yaml: flows[0].maxRecordBytes: must be 64 to 10485760: 12}.
 */
public class ConfigFileException extends FatalException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String key;

  public ConfigFileException(Path file, String key, String reason, Throwable cause) {
    super(file + ": " + (key.isEmpty() ? "" : key + ": ") + reason, null, cause);
    this.file = file;
    this.key = key;
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The key's path in the file ({@code flows[0].files}), or empty for the file as a whole. */
  public String key() {
    return key;
  }
}
