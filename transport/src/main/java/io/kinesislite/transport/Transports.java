package io.kinesislite.transport;

import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Opens a {@link KinesisTransport} from a selection string or a {@link TransportConfig}: the one
 * factory behind every {@code --transport} flag and configuration key. Thread-safe.
 *
 * <pre>{@code
 * try (KinesisTransport transport = Transports.open("aws:us-east-1")) { ... }
 * }</pre>
 *
 * <p>{@code aws:} and {@code http(s)://} selections are served by {@link AwsSdkTransport}; {@code
 * embedded:} selections by the shard-engine module, found on the classpath.
 */
public final class Transports {
  private Transports() {}

  /** Opens a transport for {@code selection} with default settings. */
  public static KinesisTransport open(String selection) {
    return open(TransportConfig.of(selection));
  }

  /**
   * Opens a transport for {@code config}.
   *
   * @throws IllegalStateException if no module on the classpath serves the selection
   */
  public static KinesisTransport open(TransportConfig config) {
    Objects.requireNonNull(config, "config == null");
    TransportSelection selection = config.selection();
    for (TransportProvider provider :
        ServiceLoader.load(TransportProvider.class, Transports.class.getClassLoader())) {
      if (provider.supports(selection)) {
        return provider.open(config);
      }
    }
    if (selection.kind() == TransportSelection.Kind.EMBEDDED) {
      throw new IllegalStateException(
          "transport '"
              + selection
              + "' needs the bundled engine, module io.kinesislite:kinesis-lite-shard-engine,"
              + " which is not on the classpath; use aws:REGION or http(s)://HOST:PORT instead,"
              + " or add the module");
    }
    throw new IllegalStateException(
        "no transport provider on the classpath serves '" + selection + "'");
  }
}
