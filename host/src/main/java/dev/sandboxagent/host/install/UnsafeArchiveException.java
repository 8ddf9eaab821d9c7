package dev.sandboxagent.host.install;

import java.io.IOException;

/** An archive entry that would escape its target directory, or an archive over the size limits. */
public final class UnsafeArchiveException extends IOException {

  private static final long serialVersionUID = 1L;

  public UnsafeArchiveException(String message) {
    super(message);
  }
}
