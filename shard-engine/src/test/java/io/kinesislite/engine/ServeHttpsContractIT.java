package io.kinesislite.engine;

import io.kinesislite.transport.TransportConfig;

/**
 * The transport contract over TLS with the server's generated certificate, HTTP/2 agreed by ALPN
 * for SubscribeToShard.
 */
class ServeHttpsContractIT extends ServeContractBase {
  @Override
  ServerConfig.Builder serverConfig() {
    return ServerConfig.builder().tls(true);
  }

  @Override
  TransportConfig.Builder clientConfig(KinesisServer server) {
    return super.clientConfig(server).trustSelfSignedCertificates(true);
  }
}
