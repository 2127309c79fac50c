package io.kinesislite.transport;

/** The credentials were refused or lack permission for the call. */
public class AccessDeniedException extends FatalException {
  private static final long serialVersionUID = 1L;

  public AccessDeniedException(String message) {
    this(message, null, null);
  }

  public AccessDeniedException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
