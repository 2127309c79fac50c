package io.kinesislite.transport;

/**
 * Opens transports for some kinds of {@link TransportSelection}. Modules register providers with
 * {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/io.kinesislite.transport.TransportProvider} file), which is how {@link
 * Transports} finds the bundled engine without this module depending on it. Implementations are
 * thread-safe.
 */
public interface TransportProvider {
  /** Returns true if this provider can open a transport for {@code selection}. */
  boolean supports(TransportSelection selection);

  /** Opens a transport for {@code config}, whose selection this provider supports. */
  KinesisTransport open(TransportConfig config);
}
