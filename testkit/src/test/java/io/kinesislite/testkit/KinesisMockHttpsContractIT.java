package io.kinesislite.testkit;

import io.kinesislite.transport.TransportConfig;

/**
 * The transport contract against kinesis-mock over TLS (HTTP/2 agreed by ALPN). kinesis-mock's
 * certificate is self-signed without a subject alternative name, so the transport is told to trust
 * it.
 */
class KinesisMockHttpsContractIT extends KinesisMockContractBase {
  KinesisMockHttpsContractIT(KinesisMock mock) {
    super(mock);
  }

  @Override
  TransportConfig.Builder configFor(KinesisMock mock) {
    return TransportConfig.builder()
        .selection(mock.httpsEndpoint().toString())
        .trustSelfSignedCertificates(true);
  }
}
