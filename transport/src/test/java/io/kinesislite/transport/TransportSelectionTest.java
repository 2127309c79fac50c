package io.kinesislite.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TransportSelectionTest {

  @Test
  void embeddedWithoutDirectoryIsInMemory() {
    TransportSelection s = TransportSelection.parse("embedded:");
    assertThat(s.kind()).isEqualTo(TransportSelection.Kind.EMBEDDED);
    assertThat(s.directory()).isEmpty();
    assertThat(s.usesTls()).isFalse();
  }

  @Test
  void embeddedWithDirectoryIsDurable() {
    TransportSelection s = TransportSelection.parse("embedded:/var/lib/kinesis-lite");
    assertThat(s.directory()).contains(Path.of("/var/lib/kinesis-lite"));
    assertThat(s.toString()).isEqualTo("embedded:/var/lib/kinesis-lite");
  }

  @Test
  void awsTakesAnOptionalRegion() {
    assertThat(TransportSelection.parse("aws:").region()).isEmpty();
    TransportSelection s = TransportSelection.parse("aws:eu-west-1");
    assertThat(s.kind()).isEqualTo(TransportSelection.Kind.AWS);
    assertThat(s.region()).contains("eu-west-1");
    assertThat(s.usesTls()).isTrue();
    assertThat(TransportSelection.parse("aws:us-gov-west-1").region()).contains("us-gov-west-1");
  }

  @Test
  void endpointsGetAnExplicitPort() {
    assertThat(TransportSelection.parse("http://127.0.0.1:4568").endpoint())
        .contains(URI.create("http://127.0.0.1:4568"));
    assertThat(TransportSelection.parse("https://localhost").endpoint())
        .contains(URI.create("https://localhost:443"));
    assertThat(TransportSelection.parse("HTTP://127.0.0.1:4568/").endpoint())
        .contains(URI.create("http://127.0.0.1:4568"));
    assertThat(TransportSelection.parse("https://127.0.0.1:4567").usesTls()).isTrue();
    assertThat(TransportSelection.parse("http://[::1]:4568").endpoint())
        .contains(URI.create("http://[::1]:4568"));
  }

  @Test
  void badSelectionsNameTheStringAndTheAcceptedForms() {
    assertThatThrownBy(() -> TransportSelection.parse("kinesis://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kinesis://x")
        .hasMessageContaining("aws:REGION");
    assertThatThrownBy(() -> TransportSelection.parse("aws:Europe"))
        .hasMessageContaining("not an AWS region");
    assertThatThrownBy(() -> TransportSelection.parse("http://127.0.0.1:4568/path"))
        .hasMessageContaining("path");
    assertThatThrownBy(() -> TransportSelection.parse("http://127.0.0.1:4568?x=1"))
        .hasMessageContaining("query");
    assertThatThrownBy(() -> TransportSelection.parse("http://"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
