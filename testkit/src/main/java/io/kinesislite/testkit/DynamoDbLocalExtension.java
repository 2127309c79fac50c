package io.kinesislite.testkit;

import io.kinesislite.testkit.internal.SharedPeer;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects one {@link DynamoDbLocal} shared by every test in the JVM: started on first use with
 * {@link DynamoDbLocal.Options#defaults()} and closed when the JUnit run ends. It resolves {@code
 * DynamoDbLocal} parameters of constructors, lifecycle methods and test methods.
 *
 * <p>Tests sharing the server use unique table names ({@link UniqueNames#table(String)}) and must
 * not close, kill or pause it; a test that needs that starts its own with {@link
 * DynamoDbLocal#start()}.
 *
 * <pre>{@code
 * @ExtendWith(DynamoDbLocalExtension.class)
 * class LeaseTableIT {
 *   @Test
 *   void createsTheLeaseTable(DynamoDbLocal dynamo) {
 *     String table = UniqueNames.table("leases");
 *     // a DynamoDbAsyncClient against dynamo.endpoint() ...
 *   }
 * }
 * }</pre>
 *
 * <p>If the server cannot start, each test that asks for it fails in CI mode and is skipped with
 * the reason otherwise; the start is tried once per run.
 *
 * <p>Thread-safe; works with parallel test execution.
 */
public final class DynamoDbLocalExtension implements ParameterResolver, ExecutionCondition {
  /** Creates the extension; JUnit calls this. */
  public DynamoDbLocalExtension() {}

  /**
   * Starts the shared peer before any test instance exists, so that a peer that cannot start skips
   * the class with its reason outside CI mode instead of erroring in parameter resolution, and
   * fails it in CI mode.
   */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return SharedPeer.condition(context, DynamoDbLocal.class, DynamoDbLocal::start);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == DynamoDbLocal.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return shared(extension);
  }

  /**
   * Returns the shared server of this run, starting it if needed; for other extensions.
   *
   * @param context any extension context of the run
   * @return the shared server
   */
  public static DynamoDbLocal shared(ExtensionContext context) {
    return SharedPeer.get(context, DynamoDbLocal.class, DynamoDbLocal::start);
  }
}
