package io.kinesislite.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KinesisServerStartTest {
  @TempDir Path dir;

  @Test
  void aTakenPortIsAClearErrorAndTheEngineItOpenedIsClosedAgain() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ServerConfig config =
          ServerConfig.builder()
              .port(taken.getLocalPort())
              .engine(EngineConfig.builder().directory(dir).build())
              .build();

      assertThatThrownBy(() -> KinesisServer.start(config))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
    // The durable directory was released: another engine opens it.
    try (ShardEngine again = ShardEngine.open(EngineConfig.builder().directory(dir).build())) {
      assertThat(again).isNotNull();
    }
  }
}
