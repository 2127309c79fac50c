package io.kinesislite.cli;

import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import picocli.CommandLine.Option;

/**
 * The options every command that reaches a stream shares: the transport selection string, the
 * region and trusting a local self-signed certificate. Not thread-safe.
 */
public final class TransportOptions {
  /** Where commands go when neither --transport nor KINESIS_LITE_TRANSPORT says. */
  public static final String DEFAULT = "http://127.0.0.1:4567";

  @Option(
      names = {"-t", "--transport"},
      paramLabel = "SELECTION",
      description =
          "embedded:DIR, aws:REGION or http(s)://HOST:PORT (default: KINESIS_LITE_TRANSPORT,"
              + " else "
              + DEFAULT
              + ").")
  String selection;

  @Option(names = "--region", description = "AWS region, when the selection names none.")
  String region;

  @Option(
      names = "--trust-self-signed",
      description = "Trust any certificate of an https:// endpoint (a local serve --tls).")
  boolean trustSelfSigned;

  String selection() {
    if (selection != null) {
      return selection;
    }
    String env = System.getenv("KINESIS_LITE_TRANSPORT");
    return env != null && !env.isBlank() ? env : DEFAULT;
  }

  KinesisTransport open() {
    TransportConfig.Builder b = TransportConfig.builder().selection(selection());
    if (region != null) {
      b.region(region);
    }
    if (trustSelfSigned) {
      b.trustSelfSignedCertificates(true);
    }
    return Transports.open(b.build());
  }
}
