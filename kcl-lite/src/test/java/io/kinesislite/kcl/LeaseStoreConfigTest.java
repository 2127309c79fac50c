package io.kinesislite.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.transport.CredentialsSource;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseStoreConfigTest {
  @Test
  void defaults() {
    LeaseStoreConfig config = LeaseStoreConfig.builder().tableName("orders-app").build();

    assertThat(config.tableName()).isEqualTo("orders-app");
    assertThat(config.endpoint()).isEmpty();
    assertThat(config.region()).isEmpty();
    assertThat(config.credentials()).isEqualTo(CredentialsSource.automatic());
    assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.tableWaitTimeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void theTableNameIsRequired() {
    assertThatThrownBy(() -> LeaseStoreConfig.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tableName");
  }

  @Test
  void eachSetterChecksItsValueAndNamesTheOption() {
    LeaseStoreConfig.Builder b = LeaseStoreConfig.builder();

    assertThatThrownBy(() -> b.tableName("x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tableName");
    assertThatThrownBy(() -> b.tableName("a".repeat(256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tableName");
    assertThatThrownBy(() -> b.endpoint(URI.create("ftp://127.0.0.1:8000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
    assertThatThrownBy(() -> b.endpoint(URI.create("http://127.0.0.1:8000/leases")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
    assertThatThrownBy(() -> b.region("Mars"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region");
    assertThatThrownBy(() -> b.callTimeout(Duration.ofMillis(99)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout")
        .hasMessageContaining("100 ms");
    assertThatThrownBy(() -> b.tableWaitTimeout(Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tableWaitTimeout");
    assertThatThrownBy(() -> b.credentials(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("credentials");
  }

  @Test
  void toBuilderKeepsEveryValue() {
    LeaseStoreConfig config =
        LeaseStoreConfig.builder()
            .tableName("orders-app")
            .endpoint(URI.create("http://127.0.0.1:8000"))
            .region("eu-west-1")
            .credentials(CredentialsSource.staticKeys("AKIDLOCAL", "s3cr3t-key"))
            .callTimeout(Duration.ofSeconds(3))
            .tableWaitTimeout(Duration.ofSeconds(30))
            .build();

    LeaseStoreConfig copy = config.toBuilder().build();

    assertThat(copy.toString()).isEqualTo(config.toString()).doesNotContain("s3cr3t-key");
    assertThat(copy.endpoint()).contains(URI.create("http://127.0.0.1:8000"));
    assertThat(copy.region()).contains("eu-west-1");
    assertThat(copy.callTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(copy.tableWaitTimeout()).isEqualTo(Duration.ofSeconds(30));
  }
}
