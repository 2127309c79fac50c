package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.KinesisMock;
import io.kinesislite.testkit.KinesisMockExtension;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.testkit.TcpProxy;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.TransportIoException;
import io.kinesislite.transport.TransportTimeoutException;
import io.kinesislite.transport.Transports;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real transport failures: the AWS SDK transport reaches kinesis-mock through a TCP proxy that
 * starts hanging every call (a peer that stopped answering: calls time out) or dropping every
 * connection (a peer that is down). Records added meanwhile fail with {@link
 * RecordExpiredException} once their RecordTtl has passed, with every attempt and the transport's
 * error as the cause; when the proxy forwards again the same producer delivers new records, and the
 * stream holds exactly the records whose futures succeeded.
 */
@ExtendWith(KinesisMockExtension.class)
class ProducerTransportFaultsIT {
  private static final Duration TTL = Duration.ofSeconds(3);

  @ParameterizedTest
  @EnumSource(
      value = TcpProxy.Mode.class,
      names = {"SILENT", "DROP"})
  void recordsFailAfterTheirTtlWithTheTransportsErrorAndTheProducerRecovers(
      TcpProxy.Mode fault, KinesisMock mock) throws Exception {
    String stream = UniqueNames.stream("kpl-faults");
    try (KinesisTransport direct = Transports.open(mock.httpEndpoint().toString());
        TcpProxy proxy = TcpProxy.to(mock.httpEndpoint())) {
      await(direct.createStream(stream, 1));
      await(direct.awaitStreamActive(stream, Duration.ofSeconds(30)));
      try (KinesisTransport proxied =
              Transports.open(
                  TransportConfig.builder()
                      .selection(proxy.endpoint("http").toString())
                      .callTimeout(Duration.ofSeconds(1))
                      .connectTimeout(Duration.ofSeconds(1))
                      .maxAttempts(1)
                      .build());
          KinesisProducer producer =
              KinesisProducer.create(
                  ProducerConfig.builder()
                      .recordTtl(TTL)
                      .recordMaxBufferedTime(Duration.ofMillis(20))
                      .build(),
                  proxied)) {
        Set<String> delivered = new HashSet<>();
        await(producer.add(stream, "warm", utf8("warm"))); // the shard map is known
        delivered.add("warm");

        proxy.mode(fault);
        List<CompletableFuture<RecordResult>> during = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          during.add(producer.add(stream, "k" + i, utf8("during-" + i)));
        }
        Class<? extends Throwable> expectedCause =
            fault == TcpProxy.Mode.SILENT
                ? TransportTimeoutException.class
                : TransportIoException.class;
        for (CompletableFuture<RecordResult> f : during) {
          Throwable failure = failure(f);
          assertThat(failure).isInstanceOf(RecordExpiredException.class);
          RecordExpiredException expired = (RecordExpiredException) failure;
          assertThat(expired.attempts()).isNotEmpty().noneMatch(Attempt::isSuccessful);
          assertThat(expired.getCause())
              .as("the transport's error is the cause")
              .isInstanceOf(expectedCause);
        }

        proxy.mode(TcpProxy.Mode.FORWARD);
        List<CompletableFuture<RecordResult>> after = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          after.add(producer.add(stream, "k" + i, utf8("after-" + i)));
          delivered.add("after-" + i);
        }
        producer.flushSync();
        assertThat(after).allMatch(f -> !f.isCompletedExceptionally());

        assertThat(StreamContents.read(direct, stream))
            .as("the stream holds what was acknowledged, and nothing that failed")
            .extracting(StreamContents.Stored::data)
            .containsExactlyInAnyOrderElementsOf(delivered);
      } finally {
        await(direct.deleteStream(stream));
      }
    }
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Throwable failure(CompletableFuture<?> future) throws Exception {
    try {
      future.get(60, TimeUnit.SECONDS);
      throw new AssertionError("expected the record to fail");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
