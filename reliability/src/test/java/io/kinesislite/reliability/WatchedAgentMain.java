package io.kinesislite.reliability;

import io.kinesislite.agent.AgentCommand;

/**
 * A child process of the pipeline campaign: the log agent exactly as an operator runs it ({@code
 * AgentCommand run --config FILE}, the same main and arguments), plus a {@link StdinWatch}, so that
 * the agent exits when the test JVM that started it dies instead of running on. The agent itself
 * cannot tell the difference. A process main, with no state of its own.
 */
public final class WatchedAgentMain {
  private WatchedAgentMain() {}

  public static void main(String[] args) {
    StdinWatch.exitWhenClosed();
    AgentCommand.main(args);
  }
}
