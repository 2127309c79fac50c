package io.kinesislite.agent.internal;

import io.kinesislite.agent.ConfigNotice;
import io.kinesislite.kpl.KplProperties;
import io.kinesislite.kpl.ProducerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * A map of KPL property names to values ({@code producer:} in agent.yaml) made into a {@link
 * ProducerConfig} by {@link KplProperties}, so every key, unit and range is the KPL's: times in
 * milliseconds, sizes in bytes. Thread-safe.
 *
 * <p>Maps are layered: a flow's map is read over the agent's, so a flow states only what differs.
 * KPL keys kinesis-lite does not use become {@link ConfigNotice.Kind#UNSUPPORTED} notices with
 * KplProperties' reason; keys that are not KPL keys, and the KPL's transport keys (the flow's
 * {@code transport} says where Kinesis is), are errors.
 */
public final class ProducerSettings {
  /** The KPL keys that say where Kinesis is and how to reach it, not how to produce. */
  static final Set<String> TRANSPORT_KEYS =
      Set.of(
          "Region",
          "KinesisEndpoint",
          "KinesisPort",
          "VerifyCertificate",
          "ConnectTimeout",
          "RequestTimeout",
          "MaxConnections");

  private final Properties properties;
  private final ProducerConfig config;

  private ProducerSettings(Properties properties, ProducerConfig config) {
    this.properties = properties;
    this.config = config;
  }

  /** The settings of an agent without a producer map: kpl-lite's defaults. */
  public static ProducerSettings defaults() {
    return new ProducerSettings(new Properties(), ProducerConfig.defaults());
  }

  /**
   * Reads {@code map} (a map of KPL keys to scalars) over {@code base}.
   *
   * @param notices receives a notice for each key of {@code map} that is not applied
   * @throws io.kinesislite.agent.ConfigFileException for a value that is not a scalar, a key that
   *     is not a KPL key or is a transport key, or a value KplProperties refuses
   */
  public static ProducerSettings read(
      ConfigNode map, ProducerSettings base, List<ConfigNotice> notices) {
    Properties properties = new Properties(base.properties);
    List<String> keys = map.keys();
    for (String key : keys) {
      ConfigNode value = map.get(key);
      if (TRANSPORT_KEYS.contains(key)) {
        throw value.error(
            "a KPL transport key: the flow's transport says where Kinesis is and how to reach it"
                + " (transport: aws:us-east-1, or transport: {selection: …, region: …,"
                + " connectTimeout: …, callTimeout: …, maxConcurrency: …})");
      }
      if (!value.isSet() || !(value.json().isValueNode())) {
        throw value.error("must be a KPL property value (a string, number or boolean)");
      }
      properties.setProperty(key, value.json().asText());
    }
    KplProperties kpl;
    try {
      kpl = KplProperties.from(properties);
    } catch (IllegalArgumentException e) {
      throw badValue(map, keys, e);
    }
    for (String key : keys) {
      for (String note : kpl.notes()) {
        if (note.startsWith("unknown key " + key + ",")) {
          String hint = note.substring(note.indexOf(':') + 1).strip();
          throw map.get(key).error("unknown KPL property: " + hint);
        }
        if (note.startsWith(key + "=") || note.startsWith(key + " ")) {
          notices.add(
              new ConfigNotice(map.get(key).noticeKey(), ConfigNotice.Kind.UNSUPPORTED, note));
        }
      }
    }
    return new ProducerSettings(properties, kpl.producerConfig());
  }

  /** The effective producer settings. */
  public ProducerConfig config() {
    return config;
  }

  /** Names the first key whose value KplProperties refused (its message has a line per key). */
  private static RuntimeException badValue(
      ConfigNode map, List<String> keys, IllegalArgumentException e) {
    String[] lines = String.valueOf(e.getMessage()).split("\n");
    List<String> reasons = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      reasons.add(lines[i]);
    }
    for (String line : reasons) {
      for (String key : keys) {
        if (line.startsWith(key + "=")) {
          return map.get(key).error(line, e);
        }
      }
    }
    return map.error(String.join("; ", reasons.isEmpty() ? List.of(lines) : reasons), e);
  }
}
