package io.kinesislite.benchmarks.compare;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordFailedException;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * The real KPL 1.0.7 for {@link ProducerSideMain}: its defaults, except what must change to reach
 * {@code serve} (region, endpoint and port for Kinesis and CloudWatch, static credentials, no
 * certificate check against the self-signed certificate, an executable temporary directory) and
 * metrics off. Loaded only with {@code --impl kpl}, when the peers' jars are on the class path.
 */
final class KplSide implements ProducerSideMain.Side {
  private final KinesisProducer kpl;

  private KplSide(KinesisProducer kpl) {
    this.kpl = kpl;
  }

  static KinesisProducerConfiguration config(int port, Path tempDirectory) {
    return new KinesisProducerConfiguration()
        .setRegion("us-east-1")
        .setKinesisEndpoint("127.0.0.1")
        .setKinesisPort(port)
        .setCloudwatchEndpoint("127.0.0.1")
        .setCloudwatchPort(port)
        .setVerifyCertificate(false)
        .setMetricsLevel("none")
        .setCredentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
        .setTempDirectory(tempDirectory.toString());
  }

  static KplSide open(int port, Path work) throws IOException {
    // The KPL extracts its native binary here once and reuses it on the runs that follow.
    Path tmp = Files.createDirectories(work.resolve("kpl-tmp"));
    if (!tmp.toFile().setExecutable(true, true)) {
      throw new IOException("cannot make " + tmp + " executable for the KPL's native binary");
    }
    KinesisProducerConfiguration config = config(port, tmp);
    System.out.printf(
        "[producer-side] KPL settings: AggregationEnabled=%s RecordMaxBufferedTime=%d RateLimit=%d"
            + " MaxConnections=%d ThreadingModel=%s ThreadPoolSize=%d CollectionMaxCount=%d"
            + " RecordTtl=%d RequestTimeout=%d MetricsLevel=%s VerifyCertificate=%s%n",
        config.isAggregationEnabled(),
        config.getRecordMaxBufferedTime(),
        config.getRateLimit(),
        config.getMaxConnections(),
        config.getThreadingModel(),
        config.getThreadPoolSize(),
        config.getCollectionMaxCount(),
        config.getRecordTtl(),
        config.getRequestTimeout(),
        config.getMetricsLevel(),
        config.isVerifyCertificate());
    return new KplSide(new KinesisProducer(config));
  }

  @Override
  public void add(
      String stream, String partitionKey, byte[] data, ProducerSideMain.Completion done) {
    Futures.addCallback(
        kpl.addUserRecord(stream, partitionKey, ByteBuffer.wrap(data)),
        new FutureCallback<UserRecordResult>() {
          @Override
          public void onSuccess(UserRecordResult r) {
            done.completed(r.isSuccessful(), r.isSuccessful() ? null : attempts(r));
          }

          @Override
          public void onFailure(Throwable t) {
            done.completed(
                false,
                t instanceof UserRecordFailedException f ? attempts(f.getResult()) : t.toString());
          }
        },
        MoreExecutors.directExecutor());
  }

  private static String attempts(UserRecordResult r) {
    return r.getAttempts().stream()
        .map(a -> a.getErrorCode() + ": " + a.getErrorMessage())
        .collect(Collectors.joining("; ", "KPL attempts [", "]"));
  }

  @Override
  public void flush() {
    kpl.flush();
  }

  @Override
  public long outstanding() {
    return kpl.getOutstandingRecordsCount();
  }

  @Override
  public boolean needsAdderBackPressure() {
    return true;
  }

  @Override
  public void close() {
    kpl.flushSync();
    kpl.destroy();
  }
}
