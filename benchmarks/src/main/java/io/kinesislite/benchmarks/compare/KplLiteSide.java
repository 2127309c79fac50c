package io.kinesislite.benchmarks.compare;

import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.nio.ByteBuffer;

/** kpl-lite for {@link ProducerSideMain}: its defaults, metrics off, over the HTTPS transport. */
final class KplLiteSide implements ProducerSideMain.Side {
  /**
   * The producer's settings: the defaults (which are the KPL's: aggregation on, 100 ms buffer
   * time), metrics off as on the KPL's side, and RateLimit 150 %, the KPL's default, set here so
   * that the two limiters stay alike should kpl-lite's default change.
   */
  static ProducerConfig config() {
    return ProducerConfig.builder()
        .metricsLevel(ProducerConfig.MetricsLevel.NONE)
        .rateLimit(150)
        .maxOutstandingRecords(ProducerSideMain.MAX_OUTSTANDING)
        .build();
  }

  /** The transport's settings: its defaults, serve's self-signed certificate trusted. */
  static TransportConfig transportConfig(int port) {
    return TransportConfig.builder()
        .selection("https://127.0.0.1:" + port)
        .region("us-east-1")
        .credentials(CredentialsSource.staticKeys("AKIDLOCAL", "secret"))
        .trustSelfSignedCertificates(true)
        .build();
  }

  private final KinesisTransport transport;
  private final KinesisProducer producer;

  private KplLiteSide(KinesisTransport transport, KinesisProducer producer) {
    this.transport = transport;
    this.producer = producer;
  }

  static KplLiteSide open(int port) {
    KinesisTransport transport = Transports.open(transportConfig(port));
    return new KplLiteSide(transport, KinesisProducer.create(config(), transport));
  }

  @Override
  public void add(
      String stream, String partitionKey, byte[] data, ProducerSideMain.Completion done) {
    producer
        .add(stream, partitionKey, ByteBuffer.wrap(data))
        .whenComplete((r, e) -> done.completed(e == null, e == null ? null : String.valueOf(e)));
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public long outstanding() {
    return producer.outstandingRecords();
  }

  @Override
  public boolean needsAdderBackPressure() {
    return false; // add() itself waits above MaxOutstandingRecords
  }

  @Override
  public void close() {
    producer.close();
    transport.close();
  }
}
