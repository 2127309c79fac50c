package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.transport.ExpiredIteratorException;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Reads a shard with get-records. While the shard is behind, the next page is requested as soon as
 * a page arrives, before the processor has seen it: a prefetch of one page (at most {@code
 * maxRecordsPerCall} records, and Kinesis caps a page at 10 MiB), so reading and processing
 * overlap. Near the tip it reads only when asked, and the consumer waits between reads.
 *
 * <p>Not thread-safe: one consumer thread uses it.
 */
final class PollingReader implements ShardReader {
  private final KinesisTransport transport;
  private final ConsumerConfig config;
  private final String shardId;
  private String iterator; // null: get one from the position
  private CompletableFuture<GetRecordsResult> prefetched;

  PollingReader(KinesisTransport transport, ConsumerConfig config, String shardId) {
    this.transport = transport;
    this.config = config;
    this.shardId = shardId;
  }

  @Override
  public Page next(Checkpoint position, long maxWaitMillis) {
    CompletableFuture<GetRecordsResult> call = prefetched;
    prefetched = null;
    try {
      if (call == null) {
        if (iterator == null) {
          iterator =
              join(
                  transport.getShardIterator(
                      config.streamName(), shardId, ShardReader.startAfter(position, config)));
        }
        call = transport.getRecords(iterator, config.maxRecordsPerCall());
      }
      GetRecordsResult page = join(call);
      iterator = page.nextShardIterator().orElse(null);
      if (iterator != null && !page.records().isEmpty() && page.millisBehindLatest() > 0) {
        prefetched = transport.getRecords(iterator, config.maxRecordsPerCall());
      }
      return new Page(
          page.records(), page.millisBehindLatest(), page.isShardEnd(), page.childShards());
    } catch (ExpiredIteratorException e) {
      iterator = null; // the next call gets a fresh one from the position
      throw e;
    } catch (RuntimeException e) {
      iterator = null;
      throw e;
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.kinesislite.transport.TransportIoException("interrupted", null, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new io.kinesislite.transport.TransportIoException(cause.toString(), null, cause);
    }
  }

  @Override
  public void close() {
    if (prefetched != null) {
      prefetched.cancel(false);
      prefetched = null;
    }
  }
}
