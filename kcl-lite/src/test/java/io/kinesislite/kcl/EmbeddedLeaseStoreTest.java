package io.kinesislite.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The lease-store contract, in memory, and what only the in-memory store does. */
class EmbeddedLeaseStoreTest extends LeaseStoreContract {
  @Override
  protected LeaseStore openStore() {
    return EmbeddedLeaseStore.inMemory();
  }

  @Test
  void eachInMemoryStoreHasItsOwnTable() {
    store().createIfAbsent(newLease(SHARD));

    try (LeaseStore other = EmbeddedLeaseStore.inMemory()) {
      assertThat(other.list()).isEmpty();
    }
  }

  @Test
  void aClosedStoreRefusesCallsAndClosesOnlyOnce() {
    LeaseStore closed = openAndTrack();
    closed.close();
    closed.close();

    assertThatThrownBy(closed::list)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closed.createIfAbsent(newLease(SHARD)))
        .isInstanceOf(IllegalStateException.class);
  }
}
