package io.kinesislite.testkit;

import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The transport contract, run by the AWS SDK transport against kinesis-mock over plain HTTP/2. */
@ExtendWith(KinesisMockExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisMockHttpContractIT extends KinesisTransportContract {
  private final KinesisMock mock;
  private final KinesisTransport transport;

  KinesisMockHttpContractIT(KinesisMock mock) {
    this.mock = mock;
    // kinesis-mock rejects one entry of a put-many call when its data passes the stream's 1 MiB
    // record limit, so the transport is allowed a little more to let that entry through to it.
    this.transport =
        Transports.open(
            TransportConfig.builder()
                .selection(mock.httpEndpoint().toString())
                .maxRecordSize(maxRecordSize())
                .build());
  }

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
    return 2 * 1024 * 1024;
  }

  @AfterAll
  void closeTransport() {
    transport.close();
  }
}
