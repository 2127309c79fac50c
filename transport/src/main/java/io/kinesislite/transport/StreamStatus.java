package io.kinesislite.transport;

/** The life-cycle state of a stream, as Kinesis reports it. */
public enum StreamStatus {
  /** Being created; it accepts no records yet. */
  CREATING,
  /** Being deleted. */
  DELETING,
  /** Ready for reads, writes and changes. */
  ACTIVE,
  /** Being resharded or reconfigured; reads and writes continue. */
  UPDATING
}
