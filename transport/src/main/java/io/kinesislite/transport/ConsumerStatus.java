package io.kinesislite.transport;

/** The life-cycle state of an enhanced fan-out consumer. */
public enum ConsumerStatus {
  /** Being registered; it cannot subscribe yet. */
  CREATING,
  /** Being deregistered. */
  DELETING,
  /** Ready to subscribe to shards. */
  ACTIVE
}
