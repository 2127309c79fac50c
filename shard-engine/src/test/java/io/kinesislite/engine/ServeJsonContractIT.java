package io.kinesislite.engine;

import org.junit.jupiter.api.AfterAll;

/**
 * The transport contract over plain HTTP with the AWS SDK told to speak JSON 1.1 instead of CBOR
 * ({@code aws.cborEnabled=false}), as the SDKs of other languages, the KPL and kinesalite's clients
 * do.
 */
class ServeJsonContractIT extends ServeContractBase {
  private final String before = System.getProperty("aws.cborEnabled");

  ServeJsonContractIT() {
    // Read when the SDK client is built, which happens lazily in the first test.
    System.setProperty("aws.cborEnabled", "false");
  }

  @Override
  ServerConfig.Builder serverConfig() {
    return ServerConfig.builder();
  }

  @AfterAll
  void restoreProtocol() {
    if (before == null) {
      System.clearProperty("aws.cborEnabled");
    } else {
      System.setProperty("aws.cborEnabled", before);
    }
  }
}
