package io.kinesislite.engine;

import io.kinesislite.testkit.KinesisTransportContract;
import io.kinesislite.testkit.OffsetClock;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.TransportConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the transport contract against the engine through {@link EmbeddedTransport}, with the same
 * expectations as against kinesis-mock. Throughput limits are off here, as kinesis-mock has none;
 * they have tests of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EngineContractBase extends KinesisTransportContract {
  // The engine keeps Kinesis's 1 MiB record limit; the transport lets a larger record through to
  // it so that the engine's own per-entry rejection can be seen.
  private static final int TRANSPORT_MAX_RECORD_SIZE = 2 * 1024 * 1024;

  private final OffsetClock clock = new OffsetClock();
  private ShardEngine engine;
  private KinesisTransport transport;

  /** Returns the engine settings of this mode; the clock and limits are set by the base. */
  abstract EngineConfig.Builder engineConfig();

  @Override
  protected KinesisTransport transport() {
    if (transport == null) {
      engine = ShardEngine.open(engineConfig().clock(clock).limitsEnabled(false).build());
      transport =
          EmbeddedTransport.over(
              engine, TransportConfig.builder().maxRecordSize(TRANSPORT_MAX_RECORD_SIZE).build());
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
  void closeEngine() {
    if (transport != null) {
      transport.close();
      engine.close();
    }
  }
}
