package io.kinesislite.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.testkit.internal.PeerDefaults;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class DynamoDbLocalTest {
  @TempDir Path logs;

  @Test
  void startFailsInCiWhenTheLibDirIsMissing(@TempDir Path dir) {
    DynamoDbLocal.Options options =
        DynamoDbLocal.Options.builder()
            .libDir(dir.resolve("missing"))
            .logDir(logs)
            .ciMode(true)
            .build();

    assertThatThrownBy(() -> DynamoDbLocal.start(options))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("DynamoDB Local cannot start")
        .hasMessageContaining(dir.resolve("missing").toString())
        .hasMessageContaining("testkit-dynamodb-local");
  }

  @Test
  void startIsSkippedWithTheReasonOutsideCiWhenTheLibDirHasNoServerJar(@TempDir Path emptyLib) {
    DynamoDbLocal.Options options =
        DynamoDbLocal.Options.builder().libDir(emptyLib).logDir(logs).ciMode(false).build();

    assertThatThrownBy(() -> DynamoDbLocal.start(options))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("DynamoDB Local cannot start")
        .hasMessageContaining("testkit-dynamodb-local");
  }

  @Test
  void optionsDefaultToTheRunningJvm() {
    DynamoDbLocal.Options defaults = DynamoDbLocal.Options.defaults();

    assertThat(defaults.javaCommand())
        .isEqualTo(ProcessHandle.current().info().command().orElseThrow());
    assertThat(defaults.startupTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.ciMode()).isEqualTo(PeerDefaults.ciMode());
  }

  @Test
  void optionsRejectANonPositiveStartupTimeout() {
    assertThatThrownBy(() -> DynamoDbLocal.Options.builder().startupTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("startupTimeout <= 0: PT-1S");
  }

  @Test
  void optionsRejectAPortOutOfRangeAndKeepTheDataDirectory(@TempDir Path data) {
    assertThatThrownBy(() -> DynamoDbLocal.Options.builder().port(70_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be between 0 and 65535: 70000");
    DynamoDbLocal.Options options =
        DynamoDbLocal.Options.builder().dataDirectory(data).port(8123).build().toBuilder().build();
    assertThat(options.dataDirectory()).contains(data);
    assertThat(options.port()).isEqualTo(8123);
    assertThat(DynamoDbLocal.Options.defaults().dataDirectory()).isEmpty();
  }
}
