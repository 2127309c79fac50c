package io.kinesislite.engine.internal.http;

import io.kinesislite.transport.ExpiredIteratorException;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.ResourceInUseException;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.ThrottledException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * An error answer as Kinesis sends it: an HTTP status, an error code (the body's {@code __type})
 * and a message. Requests the server cannot parse or authenticate fail with one directly; engine
 * errors are turned into one by {@link #from}.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;

  ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiException validation(String message) {
    return new ApiException(400, "ValidationException", message);
  }

  static ApiException invalidArgument(String message) {
    return new ApiException(400, "InvalidArgumentException", message);
  }

  static ApiException serialization(String message) {
    return new ApiException(400, "SerializationException", message);
  }

  private static String defaultCode(KinesisLiteException k) {
    if (k instanceof ResourceNotFoundException) {
      return "ResourceNotFoundException";
    } else if (k instanceof ResourceInUseException) {
      return "ResourceInUseException";
    } else if (k instanceof InvalidArgumentException) {
      return "InvalidArgumentException";
    } else if (k instanceof ExpiredIteratorException) {
      return "ExpiredIteratorException";
    } else if (k instanceof ThrottledException) {
      return "LimitExceededException";
    }
    return "InternalFailureException";
  }

  /** Maps any failure of a call to the answer Kinesis would give for it. */
  static ApiException from(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof ApiException api) {
      return api;
    }
    if (e instanceof KinesisLiteException k) {
      String fallback = defaultCode(k);
      String code = k.errorCode().orElse(fallback);
      if (code.equals("InternalFailure")) {
        code = "InternalFailureException"; // the call's error; "InternalFailure" is an entry's
      }
      int status =
          code.equals("InternalFailureException")
              ? 500
              : code.equals("ServiceUnavailable") ? 503 : 400;
      return new ApiException(status, code, k.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      return invalidArgument(e.getMessage());
    }
    return new ApiException(500, "InternalFailureException", "internal error: " + e);
  }
}
