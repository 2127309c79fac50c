package io.kinesislite.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  @Test
  void checkpointsOrderAsTheKclOrdersThem() {
    List<Checkpoint> ordered =
        List.of(
            Checkpoint.AT_TIMESTAMP,
            Checkpoint.TRIM_HORIZON,
            Checkpoint.LATEST,
            Checkpoint.at("9", 0),
            Checkpoint.at("10", 0), // by value, not as text
            Checkpoint.at("10", 3),
            Checkpoint.at("49590338271490256608559692538361571095921575989136588898", 0),
            Checkpoint.SHARD_END);
    List<Checkpoint> shuffled = new ArrayList<>(ordered);
    Collections.shuffle(shuffled, new java.util.Random(7));
    Collections.sort(shuffled);
    assertThat(shuffled).containsExactlyElementsOf(ordered);
  }

  @Test
  void badCheckpointsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Checkpoint.at("", 0)).hasMessageContaining("sequenceNumber");
    assertThatThrownBy(() -> Checkpoint.at("12a", 0)).hasMessageContaining("sequenceNumber");
    assertThatThrownBy(() -> Checkpoint.at("1".repeat(129), 0)).hasMessageContaining("128");
    assertThatThrownBy(() -> Checkpoint.at("12", -1)).hasMessageContaining("subSequenceNumber");
    assertThatThrownBy(() -> new Checkpoint("SHARD_END", 1)).hasMessageContaining("sentinel");
    assertThatThrownBy(() -> Checkpoint.at(null, 0)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void sentinelsKnowWhatTheyAre() {
    assertThat(Checkpoint.SHARD_END.isShardEnd()).isTrue();
    assertThat(Checkpoint.SHARD_END.isSentinel()).isTrue();
    assertThat(Checkpoint.at("5", 0).isSentinel()).isFalse();
    assertThat(Checkpoint.at("5", 2)).hasToString("5/2");
  }
}
