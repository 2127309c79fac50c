package io.kinesislite.agent;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code kinesis-lite-agent} command: {@code run} tails and ships until SIGTERM (or SIGINT),
 * then drains and saves its state within the shutdown timeout; {@code check-config} validates a
 * configuration file and prints the effective settings. Both read the agent's YAML or the Kinesis
 * Agent's {@code agent.json} unchanged.
 *
 * <pre>
 * kinesis-lite-agent check-config /etc/aws-kinesis/agent.json
 * kinesis-lite-agent run --config /etc/kinesis-lite/agent.yaml
 * </pre>
 *
 * <p>Exit codes: 0 done (for {@code run}: stopped by SIGTERM or SIGINT after draining and saving
 * its state), 1 the agent failed at start or while stopping, 2 bad usage or a configuration that is
 * not valid.
 */
@Command(
    name = "kinesis-lite-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentCommand.Version.class,
    description = {
      "Tails log files and ships them to Amazon Kinesis Data Streams (or the bundled engine)"
          + " through kpl-lite, losing nothing across rotation, restarts and crashes.",
      "Reads its own YAML configuration or the Kinesis Agent's agent.json unchanged."
    },
    footer = {
      "",
      "Examples:",
      "  kinesis-lite-agent check-config /etc/aws-kinesis/agent.json",
      "  kinesis-lite-agent run --config /etc/kinesis-lite/agent.yaml",
      "  KINESIS_LITE_AGENT_OPTS=-Xmx512m kinesis-lite-agent run -c agent.yaml"
    },
    subcommands = {AgentCommand.Run.class, AgentCommand.CheckConfig.class})
public final class AgentCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line; returns the exit code. */
  public static int execute(String... args) {
    return new CommandLine(new AgentCommand()).execute(args);
  }

  /** Runs the command line with its output and errors going to {@code out} and {@code err}. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new AgentCommand()).setOut(out).setErr(err).execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /** {@code run}: tails and ships until stopped. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Tails the configured files and ships them until SIGTERM or SIGINT.",
      footer = {"", "Example:", "  kinesis-lite-agent run --config /etc/kinesis-lite/agent.yaml"})
  static final class Run implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Run.class);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        required = true,
        paramLabel = "FILE",
        description = "The configuration: the agent's YAML, or the Kinesis Agent's agent.json.")
    Path config;

    @Option(
        names = "--strict",
        description = "Refuse to start if the file has unsupported keys (default: log them).")
    boolean strict;

    @Override
    public Integer call() throws InterruptedException {
      LoadedConfig loaded;
      try {
        loaded = ConfigFiles.read(config);
      } catch (ConfigFileException e) {
        spec.commandLine().getErr().println("invalid configuration: " + e.getMessage());
        return 2;
      }
      for (ConfigNotice n : loaded.notices()) {
        if (n.kind() == ConfigNotice.Kind.UNSUPPORTED) {
          log.warn("{}", n);
        } else {
          log.info("{}", n);
        }
      }
      if (strict && !loaded.notices(ConfigNotice.Kind.UNSUPPORTED).isEmpty()) {
        spec.commandLine()
            .getErr()
            .println("refusing to start: the configuration has unsupported keys (--strict)");
        return 2;
      }
      LogAgent agent;
      try {
        agent = LogAgent.start(loaded.config());
      } catch (RuntimeException e) {
        log.error("The agent could not start: {}", e.getMessage());
        return 1;
      }
      Thread hook =
          new Thread(
              () -> {
                int code = 0;
                try {
                  agent.close();
                } catch (RuntimeException e) {
                  log.error("Stopping failed: {}", e.toString());
                  code = 1;
                }
                System.out.flush();
                System.err.flush();
                // Drained and saved: say so with the exit code, not the signal's 143.
                Runtime.getRuntime().halt(code);
              },
              "kinesis-lite-agent-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      agent.awaitStop();
      return 0;
    }
  }

  /** {@code check-config}: validates a file and prints the effective settings. */
  @Command(
      name = "check-config",
      mixinStandardHelpOptions = true,
      description = {
        "Validates a configuration file and prints the effective settings, and what became of"
            + " every key the agent does not take as written.",
      },
      footer = {"", "Example:", "  kinesis-lite-agent check-config /etc/aws-kinesis/agent.json"})
  static final class CheckConfig implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The agent's YAML, or an agent.json.")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        LoadedConfig loaded = ConfigFiles.read(file);
        out.print(ConfigFiles.effectiveSettings(loaded));
        out.flush();
        return 0;
      } catch (ConfigFileException e) {
        spec.commandLine().getErr().println("invalid configuration: " + e.getMessage());
        return 2;
      }
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AgentCommand.class.getPackage().getImplementationVersion();
      return new String[] {"kinesis-lite-agent " + (v == null ? "(development)" : v)};
    }
  }
}
