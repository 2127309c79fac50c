package io.kinesislite.transport.internal;

import io.kinesislite.transport.AccessDeniedException;
import io.kinesislite.transport.ExpiredIteratorException;
import io.kinesislite.transport.FatalException;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.ResourceInUseException;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.ServiceFailureException;
import io.kinesislite.transport.ThrottledException;
import io.kinesislite.transport.TransportIoException;
import io.kinesislite.transport.TransportTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns what the AWS SDK throws into kinesis-lite's typed exceptions, so that no SDK type leaks
 * through the transport contract. Thread-safe.
 */
public final class SdkErrors {
  private static final Set<String> THROTTLED =
      Set.of(
          "ProvisionedThroughputExceededException",
          "LimitExceededException",
          "ThrottlingException",
          "KMSThrottlingException",
          "Throttling",
          "RequestLimitExceeded",
          "TooManyRequestsException");
  private static final Set<String> INVALID =
      Set.of(
          "InvalidArgumentException",
          "ValidationException",
          "SerializationException",
          "ExpiredNextTokenException",
          "UnknownOperationException",
          "InvalidAction");
  private static final Set<String> DENIED =
      Set.of(
          "AccessDeniedException",
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "IncompleteSignatureException",
          "MissingAuthenticationToken",
          "MissingAuthenticationTokenException",
          "ExpiredTokenException",
          "InvalidClientTokenId",
          "SignatureDoesNotMatch",
          "KMSAccessDeniedException");

  private SdkErrors() {}

  /** Translates {@code error}, thrown by or through the SDK during {@code operation}. */
  public static KinesisLiteException translate(Throwable error, String operation) {
    Throwable e = unwrap(error);
    if (e instanceof KinesisLiteException k) {
      return k;
    }
    if (e instanceof AwsServiceException service) {
      return translateService(service, operation);
    }
    if (e instanceof ApiCallTimeoutException
        || e instanceof ApiCallAttemptTimeoutException
        || e instanceof TimeoutException) {
      return new TransportTimeoutException(
          operation + " did not complete in time: " + e.getMessage(), null, e);
    }
    if (e instanceof AbortedException || e instanceof CancellationException) {
      return new TransportIoException(operation + " was cancelled: " + e.getMessage(), null, e);
    }
    if (isConnectionFailure(e)) {
      return new TransportIoException(
          operation + " failed to reach the service: " + describe(e), null, e);
    }
    return new FatalException(operation + " failed: " + describe(e), null, e);
  }

  private static KinesisLiteException translateService(AwsServiceException e, String operation) {
    String code =
        e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
            ? e.awsErrorDetails().errorCode()
            : "HTTP " + e.statusCode();
    String serviceMessage =
        e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
            ? e.awsErrorDetails().errorMessage()
            : e.getMessage();
    String message = operation + " failed: " + code + ": " + serviceMessage;
    if (THROTTLED.contains(code) || e.statusCode() == 429) {
      return new ThrottledException(message, code, e);
    }
    if (code.equals("ResourceNotFoundException")) {
      return new ResourceNotFoundException(message, code, e);
    }
    if (code.equals("ResourceInUseException")) {
      return new ResourceInUseException(message, code, e);
    }
    if (code.equals("ExpiredIteratorException")) {
      return new ExpiredIteratorException(message, code, e);
    }
    if (INVALID.contains(code)) {
      return new InvalidArgumentException(message, code, e);
    }
    if (DENIED.contains(code) || e.statusCode() == 403) {
      return new AccessDeniedException(message, code, e);
    }
    if (e.statusCode() >= 500
        || code.equals("InternalFailure")
        || code.equals("ServiceUnavailable")) {
      return new ServiceFailureException(message, code, e);
    }
    return new FatalException(message, code, e);
  }

  /** Returns true for failures of the connection rather than answers from the service. */
  public static boolean isConnectionFailure(Throwable error) {
    Throwable e = unwrap(error);
    return !(e instanceof AwsServiceException)
        && !(e instanceof ApiCallTimeoutException)
        && !(e instanceof AbortedException)
        && (e instanceof IOException || hasIoCause(e) || isHttpExecutionFailure(e));
  }

  /**
   * Returns true only for failures that happened before the request left: the connection was
   * refused, could not be opened or secured, or no pooled connection came free. Only those are safe
   * to retry without the caller knowing, because the service cannot have acted on them. A reset or
   * a read timeout after sending is not among them: the put may have been taken.
   */
  public static boolean isFailureBeforeSending(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof AwsServiceException) {
      return false;
    }
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ConnectException // includes Netty's ConnectTimeoutException
          || c instanceof NoRouteToHostException
          || c instanceof UnknownHostException
          || c instanceof SSLHandshakeException
          || (c.getMessage() != null && c.getMessage().contains("Acquire operation took longer"))) {
        return true;
      }
    }
    return false;
  }

  // The SDK reports a request that never got an answer (connection closed, reset, protocol
  // negotiation cut short) with this message, even when the cause is not an IOException.
  private static boolean isHttpExecutionFailure(Throwable e) {
    return e instanceof SdkClientException
        && e.getMessage() != null
        && e.getMessage().startsWith("Unable to execute HTTP request");
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static boolean hasIoCause(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof IOException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return root == e
        ? message
        : message + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
