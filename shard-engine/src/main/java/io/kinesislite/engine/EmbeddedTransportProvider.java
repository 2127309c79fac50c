package io.kinesislite.engine;

import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.TransportProvider;
import io.kinesislite.transport.TransportSelection;

/**
 * Serves {@code embedded:} and {@code embedded:DIR} selections for {@link
 * io.kinesislite.transport.Transports}, found through {@link java.util.ServiceLoader}. The engine
 * gets default settings, except its largest record, which follows the transport's {@link
 * TransportConfig#maxRecordSize()}. Thread-safe.
 */
public final class EmbeddedTransportProvider implements TransportProvider {
  /** Made by {@link java.util.ServiceLoader}. */
  public EmbeddedTransportProvider() {}

  @Override
  public boolean supports(TransportSelection selection) {
    return selection.kind() == TransportSelection.Kind.EMBEDDED;
  }

  @Override
  public KinesisTransport open(TransportConfig config) {
    EngineConfig.Builder engine = EngineConfig.builder().maxRecordSize(config.maxRecordSize());
    config.selection().directory().ifPresent(engine::directory);
    SharedEngines.Share share = SharedEngines.acquire(engine.build());
    try {
      return EmbeddedTransport.shared(share.engine(), config, share.release());
    } catch (RuntimeException e) {
      share.release().run();
      throw e;
    }
  }
}
