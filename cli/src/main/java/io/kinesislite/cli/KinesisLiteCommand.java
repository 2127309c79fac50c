package io.kinesislite.cli;

import io.kinesislite.agent.AgentCommand;
import io.kinesislite.transport.KinesisLiteException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kinesis-lite} command: {@code serve} (a local Kinesis endpoint), {@code streams}
 * (create, list, describe, delete, split, merge, scale, retention), {@code put} (lines into a
 * stream through kpl-lite), {@code tail} (a stream to stdout, deaggregated) and {@code agent} (the
 * log agent). Every command that reaches a stream takes the transport selection string.
 *
 * <pre>
 * kinesis-lite serve
 * kinesis-lite streams create orders --shards 2 --wait
 * seq 1 100 | kinesis-lite put orders
 * kinesis-lite tail orders --from trim-horizon --format json
 * </pre>
 *
 * <p>Exit codes: 0 success, 1 a failure at run time (one line on stderr), 2 bad usage.
 */
@Command(
    name = "kinesis-lite",
    mixinStandardHelpOptions = true,
    versionProvider = KinesisLiteCommand.Version.class,
    description =
        "A toolkit for Amazon Kinesis Data Streams: a local endpoint, stream admin,"
            + " put and tail, and the log agent.",
    footer = {
      "",
      "The transport is --transport, else KINESIS_LITE_TRANSPORT, else http://127.0.0.1:4567:",
      "  embedded:DIR (the bundled engine, durable in DIR), aws:REGION, http(s)://HOST:PORT",
      "",
      "Examples:",
      "  kinesis-lite serve --data-dir ./kinesis-data",
      "  kinesis-lite streams create orders --shards 2 --wait",
      "  seq 1 1000 | kinesis-lite put orders",
      "  kinesis-lite tail orders --from trim-horizon --follow",
      "  kinesis-lite agent run --config agent.yaml",
      "  source <(kinesis-lite completion)"
    },
    subcommands = {ServeCommand.class, StreamsCommand.class, PutCommand.class, TailCommand.class})
public final class KinesisLiteCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line; returns the exit code. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** Runs the command line with its output and errors going to {@code out} and {@code err}. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return commandLine().setOut(out).setErr(err).execute(args);
  }

  /**
   * Returns the command line with every subcommand, ready to {@code execute}; also for tools that
   * inspect its options, such as the documentation's check that docs/cli.md lists them all.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new KinesisLiteCommand());
    CommandLine agent = new CommandLine(new AgentCommand());
    agent.getCommandSpec().name("agent"); // else its usage reads "kinesis-lite kinesis-lite-agent"
    cl.addSubcommand("agent", agent);
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
    completion.getCommandSpec().name("completion");
    completion.getCommandSpec().usageMessage().hidden(false);
    completion.getCommandSpec().usageMessage().description("Prints a bash/zsh completion script.");
    cl.addSubcommand("completion", completion);
    cl.setExecutionExceptionHandler(KinesisLiteCommand::runFailed);
    // Every subcommand's --version prints the toolkit's version (without a provider of its own,
    // picocli would print nothing, or its own version for the completion command).
    sameVersionEverywhere(cl, new Version());
    return cl;
  }

  private static void sameVersionEverywhere(CommandLine cl, CommandLine.IVersionProvider version) {
    cl.getCommandSpec().versionProvider(version);
    for (CommandLine sub : cl.getSubcommands().values()) {
      sameVersionEverywhere(sub, version);
    }
  }

  /**
   * One readable line on stderr, exit 1; the stack trace too when the environment variable {@code
   * KINESIS_LITE_VERBOSE} is set.
   */
  private static int runFailed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    Throwable cause = e;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof CommandLine.ParameterException p) {
      cl.getErr().println("kinesis-lite: " + p.getMessage());
      return 2;
    }
    if (cause instanceof IllegalArgumentException && !(cause instanceof NumberFormatException)) {
      cl.getErr().println("kinesis-lite: " + cause.getMessage());
      return 2;
    }
    String message = String.valueOf(cause.getMessage());
    // The code leads unless the message already names it (the SDK transport's messages do).
    String code =
        cause instanceof KinesisLiteException k
            ? k.errorCode().filter(c -> !message.contains(c)).map(c -> c + ": ").orElse("")
            : "";
    cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + code + message);
    if (System.getenv("KINESIS_LITE_VERBOSE") != null) {
      cause.printStackTrace(cl.getErr());
    }
    cl.getErr().flush();
    return 1;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KinesisLiteCommand.class.getPackage().getImplementationVersion();
      return new String[] {"kinesis-lite " + (v == null ? "(development)" : v)};
    }
  }
}
