package dev.sandboxagent.host.install;

import java.io.IOException;

/** A download that failed: HTTP status, timeout, truncation or checksum mismatch. */
public final class DownloadException extends IOException {

  private static final long serialVersionUID = 1L;

  public DownloadException(String message) {
    super(message);
  }

  public DownloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
