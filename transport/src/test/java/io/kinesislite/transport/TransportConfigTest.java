package io.kinesislite.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransportConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    TransportConfig c = TransportConfig.builder().build();
    assertThat(c.selection().kind()).isEqualTo(TransportSelection.Kind.EMBEDDED);
    assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxAttempts()).isEqualTo(3);
    assertThat(c.maxConcurrency()).isEqualTo(64);
    assertThat(c.maxRecordSize()).isEqualTo(1024 * 1024);
    assertThat(c.trustSelfSignedCertificates()).isFalse();
    assertThat(c.credentials().kind()).isEqualTo(CredentialsSource.Kind.AUTOMATIC);
    assertThat(c.region()).isEmpty();
  }

  @Test
  void regionComesFromTheSelectionUnlessSet() {
    assertThat(TransportConfig.of("aws:eu-west-1").region()).contains("eu-west-1");
    assertThat(
            TransportConfig.builder()
                .selection("aws:eu-west-1")
                .region("us-east-2")
                .build()
                .region())
        .contains("us-east-2");
  }

  @Test
  void settersRejectValuesOutOfRangeNamingTheOptionAndRange() {
    TransportConfig.Builder b = TransportConfig.builder();
    assertThatThrownBy(() -> b.callTimeout(Duration.ofMillis(99)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout")
        .hasMessageContaining("callTimeout must be between 100 ms and ");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ofMinutes(5).plusMillis(1)))
        .hasMessageContaining("connectTimeout must be between 100 ms and 5 min");
    assertThatThrownBy(() -> b.maxAttempts(0))
        .hasMessageContaining("maxAttempts must be between 1 and 10");
    assertThatThrownBy(() -> b.maxConcurrency(10_001)).hasMessageContaining("maxConcurrency");
    assertThatThrownBy(() -> b.maxRecordSize(10 * 1024 * 1024 + 1))
        .hasMessageContaining("maxRecordSize")
        .hasMessageContaining("10485760");
    assertThatThrownBy(() -> b.region("Frankfurt")).hasMessageContaining("region");
    assertThatThrownBy(() -> b.callTimeout(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aConnectTimeoutUpToFiveMinutesIsKeptEvenAboveTheCallTimeout() {
    TransportConfig c =
        TransportConfig.builder()
            .callTimeout(Duration.ofSeconds(1))
            .connectTimeout(Duration.ofMinutes(5))
            .build();

    assertThat(c.connectTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void trustingSelfSignedCertificatesIsRefusedForRealAws() {
    assertThatThrownBy(
            () ->
                TransportConfig.builder()
                    .selection("aws:us-east-1")
                    .trustSelfSignedCertificates(true)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("local endpoints only");
  }

  @Test
  void toBuilderKeepsEveryValue() {
    TransportConfig c =
        TransportConfig.builder()
            .selection("https://127.0.0.1:4567")
            .region("eu-central-1")
            .credentials(CredentialsSource.staticKeys("id", "secret"))
            .trustSelfSignedCertificates(true)
            .callTimeout(Duration.ofSeconds(7))
            .connectTimeout(Duration.ofSeconds(2))
            .maxAttempts(5)
            .maxConcurrency(8)
            .maxRecordSize(2048)
            .build();
    assertThat(c.toBuilder().build()).usingRecursiveComparison().isEqualTo(c);
  }

  @Test
  void toStringNeverShowsASecret() {
    TransportConfig c =
        TransportConfig.builder()
            .credentials(CredentialsSource.staticKeys("AKIDEXAMPLE", "very-secret"))
            .build();
    assertThat(c.toString()).contains("AKIDEXAMPLE").doesNotContain("very-secret");
  }

  @Test
  void embeddedFailsClearlyUntilTheEngineIsOnTheClasspath() {
    assertThatThrownBy(() -> Transports.open("embedded:"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shard-engine");
  }

  @Test
  void httpSelectionsOpenTheAwsSdkTransport() {
    try (KinesisTransport t = Transports.open("http://127.0.0.1:1")) {
      assertThat(t).isInstanceOf(AwsSdkTransport.class);
    }
  }
}
