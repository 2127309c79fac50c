package io.kinesislite.engine;

import io.kinesislite.testkit.KinesisTransportContract;
import io.kinesislite.testkit.OffsetClock;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the transport contract with the AWS SDK transport against {@code serve}, with the same
 * expectations as against kinesis-mock and the embedded engine; the subclasses choose plain HTTP,
 * TLS, or the JSON protocol instead of CBOR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServeContractBase extends KinesisTransportContract {
  private static final int TRANSPORT_MAX_RECORD_SIZE = 2 * 1024 * 1024;

  private final OffsetClock clock = new OffsetClock();
  private ShardEngine engine;
  private KinesisServer server;
  private KinesisTransport transport;

  /** Returns the server settings of this variant; the port is chosen by the base. */
  abstract ServerConfig.Builder serverConfig();

  /** Returns the client settings that reach {@code server}. */
  TransportConfig.Builder clientConfig(KinesisServer server) {
    return TransportConfig.builder().selection(server.endpoint().toString());
  }

  @Override
  protected KinesisTransport transport() {
    if (transport == null) {
      engine = ShardEngine.open(EngineConfig.builder().clock(clock).limitsEnabled(false).build());
      server = KinesisServer.serve(engine, serverConfig().port(0).build());
      transport =
          Transports.open(clientConfig(server).maxRecordSize(TRANSPORT_MAX_RECORD_SIZE).build());
    }
    return transport;
  }

  @Override
  protected void advanceServiceClock(Duration amount) {
    clock.advance(amount);
  }

  @Override
  protected PutEntry entryRejectedAlone() {
    return PutEntry.of("too-big", new byte[EngineConfig.DEFAULT_MAX_RECORD_SIZE + 1]);
  }

  @Override
  protected int maxRecordSize() {
    return TRANSPORT_MAX_RECORD_SIZE;
  }

  @AfterAll
  void closeServer() {
    if (transport != null) {
      transport.close();
      server.close();
      engine.close();
    }
  }
}
