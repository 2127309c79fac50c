package io.kinesislite.testkit;

import io.kinesislite.transport.TransportConfig;

/** The transport contract against kinesis-mock over plain HTTP/2 (h2c, prior knowledge). */
class KinesisMockHttpContractIT extends KinesisMockContractBase {
  KinesisMockHttpContractIT(KinesisMock mock) {
    super(mock);
  }

  @Override
  TransportConfig.Builder configFor(KinesisMock mock) {
    return TransportConfig.builder().selection(mock.httpEndpoint().toString());
  }
}
