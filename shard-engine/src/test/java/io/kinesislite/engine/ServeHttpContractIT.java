package io.kinesislite.engine;

/**
 * The transport contract over plain HTTP: the AWS SDK speaks CBOR, HTTP/1.1 for calls and HTTP/2
 * with prior knowledge (h2c) for SubscribeToShard.
 */
class ServeHttpContractIT extends ServeContractBase {
  @Override
  ServerConfig.Builder serverConfig() {
    return ServerConfig.builder();
  }
}
