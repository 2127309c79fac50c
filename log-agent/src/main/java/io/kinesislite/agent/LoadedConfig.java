package io.kinesislite.agent;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A configuration read from a file, with what the file said that was not taken as written.
 *
 * @param config the effective configuration
 * @param notices keys mapped, not needed or unsupported, in file order
 * @param source the file read (for agent.json, also the agent.d files merged into it)
 */
public record LoadedConfig(AgentConfig config, List<ConfigNotice> notices, List<Path> source) {
  public LoadedConfig {
    Objects.requireNonNull(config, "config == null");
    notices = List.copyOf(notices);
    source = List.copyOf(source);
  }

  /** Returns the notices of one kind. */
  public List<ConfigNotice> notices(ConfigNotice.Kind kind) {
    return notices.stream().filter(n -> n.kind() == kind).toList();
  }
}
