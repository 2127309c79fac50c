package io.kinesislite.reliability;

import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Splits and merges a stream's open shards through a transport, choosing the shards with a given
 * {@link Random}, and keeps the number of open shards between two bounds: a split asked for at the
 * upper bound merges instead, and a merge at the lower bound splits instead (the caller counts what
 * was done, which {@link #split()} and {@link #merge()} return). Not thread-safe.
 */
final class Resharder {
  private static final Duration CALL_BOUND = Duration.ofSeconds(30);

  /** What a resharding did, for the campaign's timeline. */
  record Done(PipelineFault kind, String description) {}

  private final KinesisTransport kinesis;
  private final String stream;
  private final Random random;
  private final int minOpen;
  private final int maxOpen;

  Resharder(KinesisTransport kinesis, String stream, Random random, int minOpen, int maxOpen) {
    this.kinesis = kinesis;
    this.stream = stream;
    this.random = random;
    this.minOpen = minOpen;
    this.maxOpen = maxOpen;
  }

  /** Splits a random open shard at the middle of its range, or merges if at the upper bound. */
  Done split() throws Exception {
    List<Shard> open = openShards();
    if (open.size() >= maxOpen) {
      return merge(open);
    }
    Shard shard = open.get(random.nextInt(open.size()));
    HashKeyRange range = shard.hashKeyRange();
    BigInteger middle = range.start().add(range.end().subtract(range.start()).shiftRight(1));
    kinesis
        .splitShard(stream, shard.shardId(), middle.add(BigInteger.ONE))
        .get(CALL_BOUND.toSeconds(), TimeUnit.SECONDS);
    return new Done(
        PipelineFault.SPLIT_SHARD, "split " + shard.shardId() + " (" + open.size() + " open)");
  }

  /** Merges a random pair of adjacent open shards, or splits if at the lower bound. */
  Done merge() throws Exception {
    List<Shard> open = openShards();
    if (open.size() <= minOpen) {
      return split();
    }
    return merge(open);
  }

  private Done merge(List<Shard> open) throws Exception {
    open.sort(Comparator.comparing(s -> s.hashKeyRange().start()));
    List<Shard[]> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < open.size(); i++) {
      Shard a = open.get(i);
      Shard b = open.get(i + 1);
      if (a.hashKeyRange().end().add(BigInteger.ONE).equals(b.hashKeyRange().start())) {
        pairs.add(new Shard[] {a, b});
      }
    }
    if (pairs.isEmpty()) {
      throw new AssertionError("no two open shards of " + stream + " are adjacent: " + open);
    }
    Shard[] pair = pairs.get(random.nextInt(pairs.size()));
    kinesis
        .mergeShards(stream, pair[0].shardId(), pair[1].shardId())
        .get(CALL_BOUND.toSeconds(), TimeUnit.SECONDS);
    return new Done(
        PipelineFault.MERGE_SHARDS,
        "merged "
            + pair[0].shardId()
            + " and "
            + pair[1].shardId()
            + " ("
            + open.size()
            + " open)");
  }

  /** The stream's open shards now. */
  List<Shard> openShards() throws Exception {
    List<Shard> open = new ArrayList<>();
    for (Shard s : kinesis.listShards(stream).get(CALL_BOUND.toSeconds(), TimeUnit.SECONDS)) {
      if (s.isOpen()) {
        open.add(s);
      }
    }
    return open;
  }
}
