package io.kinesislite.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.internal.log.ShardLog;
import io.kinesislite.engine.internal.log.StorageException;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StreamMode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reshard that cannot open a child's log or save its metadata is undone: the engine keeps serving
 * exactly what it would recover, and the shard budget is unchanged.
 */
class ReshardingRollbackTest {
  @TempDir Path dir;

  private boolean failSave;
  private int failOpenAfter = Integer.MAX_VALUE;

  private EngineState state() {
    EngineConfig config = EngineConfig.builder().limitsEnabled(false).shardLimit(3).build();
    EngineState.LogFactory memory = LogFactories.memory(config);
    EngineState.LogFactory flaky =
        new EngineState.LogFactory() {
          @Override
          public ShardLog open(EngineStream stream, int ordinal) {
            if (failOpenAfter-- <= 0) {
              throw new StorageException("no space left for shard-" + ordinal, null);
            }
            return memory.open(stream, ordinal);
          }

          @Override
          public void close() {}
        };
    MetadataStore metadata =
        new MetadataStore(dir) {
          @Override
          void save(StreamMetadata m) {
            if (failSave) {
              throw new StorageException("No space left on device: stream.json", null);
            }
            super.save(m);
          }
        };
    return new EngineState(config, flaky, metadata);
  }

  @Test
  void aSplitWhoseMetadataCannotBeSavedLeavesTheParentOpenAndServing() {
    EngineState state = state();
    state.create("s", StreamMode.PROVISIONED, 1);
    Resharding resharding = new Resharding(state);
    Reads reads = new Reads(state);
    List<Shard> before = reads.listShards("s", ShardFilter.all());

    failSave = true;
    assertThatThrownBy(() -> resharding.split("s", "shardId-000000000000", BigInteger.TEN))
        .isInstanceOf(StorageException.class);
    failSave = false;

    assertThat(reads.listShards("s", ShardFilter.all())).isEqualTo(before);
    PutResult put =
        new Writes(state, true, Runnable::run)
            .putRecords("s", List.of(PutEntry.of("k", new byte[] {1}))).join().entries().stream()
                .map(PutResult.class::cast)
                .findFirst()
                .orElseThrow();
    assertThat(put.shardId()).isEqualTo("shardId-000000000000");
    // The budget was given back: two more shards still fit under the limit of 3.
    state.create("t", StreamMode.PROVISIONED, 2);
    // And the split works once saving works, with the next ordinals.
    state.remove(state.stream("t"));
    resharding.split("s", "shardId-000000000000", BigInteger.TEN);
    assertThat(reads.listShards("s", ShardFilter.atLatest()))
        .extracting(Shard::shardId)
        .containsExactly("shardId-000000000001", "shardId-000000000002");
  }

  @Test
  void aRescaleThatFailsHalfwayIsUndoneWhole() {
    EngineState state = state();
    state.create("s", StreamMode.PROVISIONED, 2);
    Resharding resharding = new Resharding(state);
    Reads reads = new Reads(state);
    List<Shard> before = reads.listShards("s", ShardFilter.all());

    failOpenAfter = 3; // 2 -> 3 needs several splits and merges; the fourth new log fails
    assertThatThrownBy(() -> resharding.updateShardCount("s", 3))
        .isInstanceOf(StorageException.class);
    failOpenAfter = Integer.MAX_VALUE;

    assertThat(reads.listShards("s", ShardFilter.all())).isEqualTo(before);
    assertThat(state.stream("s").openShards())
        .extracting(s -> s.range)
        .containsExactlyElementsOf(EngineState.evenRanges(HashKeyRange.ALL, 2));
    resharding.updateShardCount("s", 3);
    assertThat(reads.listShards("s", ShardFilter.atLatest())).hasSize(3);
  }
}
