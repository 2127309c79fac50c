package io.kinesislite.testkit;

import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the transport contract with the AWS SDK transport against the shared kinesis-mock; the
 * subclasses choose http or https.
 */
@ExtendWith(KinesisMockExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KinesisMockContractBase extends KinesisTransportContract {
  // kinesis-mock rejects one entry of a put-many call when its data passes the stream's 1 MiB
  // record limit, so the transport lets a little more through to it.
  private static final int TRANSPORT_MAX_RECORD_SIZE = 2 * 1024 * 1024;

  private final KinesisMock mock;
  private final KinesisTransport transport;

  KinesisMockContractBase(KinesisMock mock) {
    this.mock = mock;
    this.transport =
        Transports.open(configFor(mock).maxRecordSize(TRANSPORT_MAX_RECORD_SIZE).build());
  }

  /** Returns the transport settings that reach {@code mock}. */
  abstract TransportConfig.Builder configFor(KinesisMock mock);

  @Override
  protected KinesisTransport transport() {
    return transport;
  }

  @Override
  protected void advanceServiceClock(Duration amount) {
    mock.advanceClock(amount);
  }

  @Override
  protected PutEntry entryRejectedAlone() {
    return PutEntry.of("too-big", new byte[1024 * 1024 + 1]);
  }

  @Override
  protected int maxRecordSize() {
    return TRANSPORT_MAX_RECORD_SIZE;
  }

  @AfterAll
  void closeTransport() {
    transport.close();
  }
}
