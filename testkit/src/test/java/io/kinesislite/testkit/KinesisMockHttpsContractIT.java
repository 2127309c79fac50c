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
 * The transport contract, run by the AWS SDK transport against kinesis-mock over TLS (HTTP/2 by
 * ALPN). kinesis-mock's certificate is self-signed without a subject alternative name, so the
 * transport trusts it explicitly.
 */
@ExtendWith(KinesisMockExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisMockHttpsContractIT extends KinesisTransportContract {
  private final KinesisMock mock;
  private final KinesisTransport transport;

  KinesisMockHttpsContractIT(KinesisMock mock) {
    this.mock = mock;
    this.transport =
        Transports.open(
            TransportConfig.builder()
                .selection(mock.httpsEndpoint().toString())
                .trustSelfSignedCertificates(true)
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
