package io.kinesislite.testkit;

import io.kinesislite.testkit.internal.SharedPeer;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects one {@link KinesisMock} shared by every test in the JVM: started on first use with {@link
 * KinesisMock.Options#defaults()} and closed when the JUnit run ends. It resolves {@code
 * KinesisMock} parameters of constructors, lifecycle methods ({@code @BeforeAll},
 * {@code @BeforeEach}, ...) and test methods.
 *
 * <p>Tests sharing the mock use unique stream names ({@link UniqueNames#stream(String)}) and must
 * not close, kill or pause it; a test that needs that starts its own with {@link
 * KinesisMock#start()}. Its clock is shared too: {@link
 * KinesisMock#advanceClock(java.time.Duration)} on it also expires the iterators of tests running
 * at the same time, so with parallel execution clock tests use their own instance.
 *
 * <pre>{@code
 * @ExtendWith(KinesisMockExtension.class)
 * class ShardReaderIT {
 *   @Test
 *   void readsWhatWasPut(KinesisMock kinesis) {
 *     String stream = UniqueNames.stream("reader");
 *     // create the stream and a client against kinesis.httpEndpoint() ...
 *   }
 * }
 * }</pre>
 *
 * <p>If the mock cannot start, each test that asks for it fails in CI mode and is skipped with the
 * reason otherwise; the start is tried once per run.
 *
 * <p>Thread-safe; works with parallel test execution.
 */
public final class KinesisMockExtension implements ParameterResolver, ExecutionCondition {
  /** Creates the extension; JUnit calls this. */
  public KinesisMockExtension() {}

  /**
   * Starts the shared peer before any test instance exists, so that a peer that cannot start skips
   * the class with its reason outside CI mode instead of erroring in parameter resolution, and
   * fails it in CI mode.
   */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return SharedPeer.condition(context, KinesisMock.class, KinesisMock::start);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == KinesisMock.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return shared(extension);
  }

  /**
   * Returns the shared mock of this run, starting it if needed; for other extensions.
   *
   * @param context any extension context of the run
   * @return the shared mock
   */
  public static KinesisMock shared(ExtensionContext context) {
    return SharedPeer.get(context, KinesisMock.class, KinesisMock::start);
  }
}
