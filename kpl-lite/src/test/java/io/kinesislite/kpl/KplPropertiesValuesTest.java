package io.kinesislite.kpl;

import static io.kinesislite.kpl.KplPropertiesTest.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.kinesislite.transport.TransportConfig;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad values in a KPL properties file: every one reported, at once, with what is accepted. */
class KplPropertiesValuesTest {
  private static String messageOf(Properties p) {
    try {
      KplProperties.from(p);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("no exception for " + p);
  }

  @Test
  void everyBadValueIsListedInOneException() {
    String message =
        messageOf(
            properties(
                "AggregationMaxSize", "10",
                "RateLimit", "abc",
                "FailIfThrottled", "yes",
                "MetricsLevel", "verbose",
                "MetricsNamespace", "AWS/Kinesis",
                "RecordTtl", "1.5",
                "KinesisPort", "70000",
                "Region", "Mars",
                "KinesisEndpoint", "https://127.0.0.1:4567",
                "ThreadPoolSize", "16"));

    assertThat(message.split("\n"))
        .containsExactly(
            "Invalid KPL properties in properties:",
            "AggregationMaxSize=10 is out of range: must be between 64 and 10485760",
            "FailIfThrottled=yes is not a boolean: must be true or false",
            "KinesisEndpoint=https://127.0.0.1:4567 is not valid: must be a host name or IP"
                + " address only, without scheme or port (https is implied; the port is"
                + " KinesisPort)",
            "KinesisPort=70000 is out of range: must be between 1 and 65535",
            "MetricsLevel=verbose is not valid: must be one of none, summary, detailed",
            "MetricsNamespace=AWS/Kinesis is not valid: must be 1 to 255 characters not starting"
                + " with AWS/",
            "RateLimit=abc is not a whole number: must be between 1 and 9223372036854775807",
            "RecordTtl=1.5 is not a whole number: must be between 100 and 9223372036854775807",
            "Region=Mars is not valid: must be an AWS region name like us-east-1");
  }

  /** Each numeric key with the lowest and highest value kinesis-lite accepts. */
  static Stream<Arguments> ranges() {
    return Stream.of(
        Arguments.of("AggregationMaxCount", 1L, Long.MAX_VALUE),
        Arguments.of("AggregationMaxSize", 64L, 10_485_760L),
        Arguments.of("CollectionMaxCount", 1L, 500L),
        Arguments.of("CollectionMaxSize", 52_224L, Long.MAX_VALUE),
        Arguments.of("RecordMaxBufferedTime", 0L, Long.MAX_VALUE),
        Arguments.of("RecordTtl", 100L, Long.MAX_VALUE),
        Arguments.of("RateLimit", 1L, Long.MAX_VALUE),
        Arguments.of("MaxUserRecordSize", 64L, 10_485_760L),
        Arguments.of("MaxOutstandingRecords", 1L, 1_000_000_000L),
        Arguments.of("MaxOutstandingBytes", 1024L, Long.MAX_VALUE),
        Arguments.of("BufferFullWait", 0L, 3_600_000L),
        Arguments.of("CloseTimeout", 0L, 3_600_000L),
        Arguments.of("KinesisPort", 1L, 65_535L),
        Arguments.of("ConnectTimeout", 100L, 300_000L),
        Arguments.of("RequestTimeout", 100L, 600_000L),
        Arguments.of("MaxConnections", 1L, 256L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ranges")
  void numbersAreAcceptedExactlyWithinTheRangeOfTheConfigBuilders(String key, long min, long max) {
    // With an endpoint, so that the transport keys reach TransportConfig's own checks too.
    for (long ok : new long[] {min, max}) {
      Properties p = properties("KinesisEndpoint", "localhost", key, String.valueOf(ok));
      assertThatCode(() -> KplProperties.from(p)).as(key + "=" + ok).doesNotThrowAnyException();
    }
    String range = "must be between " + min + " and " + max;
    String below = String.valueOf(min - 1);
    String above = max == Long.MAX_VALUE ? "9223372036854775808" : String.valueOf(max + 1);
    for (String bad : new String[] {below, above}) {
      assertThat(messageOf(properties(key, bad)))
          .contains(key + "=" + bad + " is out of range: " + range);
    }
  }

  @Test
  void booleansAreOnlyTrueOrFalseInAnyCase() {
    assertThat(KplProperties.from(properties("StrictOrdering", "True")).producerConfig())
        .extracting(ProducerConfig::strictOrdering)
        .isEqualTo(true);
    for (String bad : new String[] {"1", "yes", "", "on"}) {
      assertThat(messageOf(properties("AggregationEnabled", bad)))
          .contains("AggregationEnabled=" + bad + " is not a boolean: must be true or false");
    }
  }

  @Test
  void anEmptyNumberIsNotANumber() {
    assertThat(messageOf(properties("CollectionMaxCount", "")))
        .contains("CollectionMaxCount= is not a whole number: must be between 1 and 500");
  }

  @Test
  void metricsGranularityNamesItsValues() {
    assertThat(messageOf(properties("MetricsGranularity", "partition")))
        .contains(
            "MetricsGranularity=partition is not valid: must be one of global, stream, shard");
  }

  @Test
  void certificateChecksAreNeverTurnedOffForRealAws() {
    assertThat(messageOf(properties("Region", "us-east-1", "VerifyCertificate", "false")))
        .contains(
            "VerifyCertificate=false is only for a local KinesisEndpoint: kinesis-lite never"
                + " turns off certificate checks against real AWS (Region=us-east-1)");
  }

  @Test
  void theConnectTimeoutMayBeLongerThanTheRequestTimeoutAsInTheKpl() {
    KplProperties kpl =
        KplProperties.from(
            properties("Region", "us-east-1", "ConnectTimeout", "8000", "RequestTimeout", "6000"));

    TransportConfig t = kpl.transportConfig().orElseThrow();
    assertThat(t.connectTimeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(t.callTimeout()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void transportKeysAreCheckedEvenWithoutATransport() {
    assertThat(messageOf(properties("MaxConnections", "0", "RequestTimeout", "99")))
        .contains("MaxConnections=0 is out of range: must be between 1 and 256")
        .contains("RequestTimeout=99 is out of range: must be between 100 and 600000");
  }
}
