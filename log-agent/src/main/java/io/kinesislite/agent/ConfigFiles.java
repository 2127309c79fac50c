package io.kinesislite.agent;

import io.kinesislite.agent.internal.KinesisAgentJsonReader;
import io.kinesislite.agent.internal.SettingsReport;
import io.kinesislite.agent.internal.YamlConfigReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the agent's configuration files: its own {@code agent.yaml}, or the Kinesis Agent's {@code
 * agent.json} unchanged. Thread-safe.
 *
 * <pre>{@code
 * LoadedConfig loaded = ConfigFiles.read(Path.of("/etc/kinesis-lite/agent.yaml"));
 * loaded.notices().forEach(n -> log.warn("{}", n));
 * System.out.print(ConfigFiles.effectiveSettings(loaded)); // what check-config prints
 * }</pre>
 *
 * <p>A file whose name ends in {@code .json}, or whose first character other than whitespace is an
 * opening brace, is read as agent.json, with the flows of the {@code agent.d/*.json} files beside
 * it (see {@code KinesisAgentJsonReader}: every key is taken or reported as a {@link
 * ConfigNotice}); any other file as agent.yaml (see {@code YamlConfigReader} for its keys, and the
 * commented example {@code agent.yaml} shipped with the agent). Both are read as UTF-8.
 */
public final class ConfigFiles {
  private ConfigFiles() {}

  /**
   * Reads a configuration file.
   *
   * @throws ConfigFileException naming the file, the key ({@code flows[1].maxRecordBytes}) and the
   *     reason, if the file cannot be read, is not valid YAML or JSON (with the line and column),
   *     holds a value of the wrong type or out of range, or misses a required key
   */
  public static LoadedConfig read(Path file) {
    Objects.requireNonNull(file, "file == null");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigFileException(file, "", "no such file", e);
    } catch (CharacterCodingException e) {
      throw new ConfigFileException(file, "", "cannot be read: it is not UTF-8 text", e);
    } catch (IOException e) {
      throw new ConfigFileException(file, "", "cannot be read: " + e, e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return isAgentJson(file, text)
        ? KinesisAgentJsonReader.read(file, text)
        : YamlConfigReader.read(file, text);
  }

  /**
   * Returns what {@code check-config} prints: every effective setting of the agent and of each
   * flow, defaults included (durations like {@code 100 ms}, sizes in bytes), then the notices
   * grouped by kind. The same configuration always gives the same text; secrets are never shown.
   */
  public static String effectiveSettings(LoadedConfig loaded) {
    Objects.requireNonNull(loaded, "loaded == null");
    return SettingsReport.of(loaded);
  }

  /**
   * Returns the keys agent.yaml takes at its top level; nested keys are dotted ({@code
   * metrics.address}, {@code transport.callTimeout}). A key not listed is an error in the file. For
   * documentation and tooling that must stay in step with the reader.
   */
  public static List<String> yamlKeys() {
    return YamlConfigReader.topLevelKeys();
  }

  /**
   * Returns the keys one entry of agent.yaml's {@code flows} takes, dotted as {@link #yamlKeys}.
   */
  public static List<String> yamlFlowKeys() {
    return YamlConfigReader.flowKeys();
  }

  /**
   * Returns every top-level key of the Kinesis Agent's agent.json the reader knows, sorted: taken,
   * mapped, or reported as not needed or unsupported. Any other key is reported as unknown.
   */
  public static Set<String> agentJsonKeys() {
    return KinesisAgentJsonReader.topLevelKeys();
  }

  /** Returns every agent.json flow key the reader knows, sorted, as {@link #agentJsonKeys}. */
  public static Set<String> agentJsonFlowKeys() {
    return KinesisAgentJsonReader.flowKeys();
  }

  private static boolean isAgentJson(Path file, String text) {
    Path name = file.getFileName();
    if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
      return true;
    }
    String start = text.stripLeading();
    return !start.isEmpty() && start.charAt(0) == '{';
  }
}
