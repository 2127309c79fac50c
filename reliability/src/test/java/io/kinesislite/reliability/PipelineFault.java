package io.kinesislite.reliability;

/** The faults the pipeline campaign injects, with the names its report gives them. Thread-safe. */
enum PipelineFault {
  KILL_AGENT("SIGKILL and restart of the agent"),
  KILL_WORKER("SIGKILL and restart of a worker"),
  KILL_SERVE("SIGKILL and restart of serve"),
  ROTATE_RENAME("log rotations by rename"),
  ROTATE_COPYTRUNCATE("log rotations by copytruncate"),
  SPLIT_SHARD("shard splits"),
  MERGE_SHARDS("shard merges");

  private final String label;

  PipelineFault(String label) {
    this.label = label;
  }

  /** What the report calls this fault, as the name of a count. */
  String label() {
    return label;
  }
}
