package dev.sandboxagent.host.store;

/** The store cannot be opened: its directory is in use, unreadable, or its database is damaged. */
public final class StoreException extends RuntimeException {

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
