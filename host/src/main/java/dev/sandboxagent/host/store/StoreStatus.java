package dev.sandboxagent.host.store;

import java.time.Instant;

/**
 * Whether the session store writes what it is given: while it cannot (a full disk, an unwritable
 * file), the daemon serves from memory and the writes wait, to be made once it can.
 *
 * @param failing whether the last write failed
 * @param pendingWrites the writes waiting to be made
 * @param lastError why the last write failed, or null
 * @param failingSince when the writes started to fail, or null while they succeed
 */
public record StoreStatus(boolean failing, int pendingWrites, String lastError, Instant failingSince) {

  /** A store that writes what it is given. */
  public static final StoreStatus WRITING = new StoreStatus(false, 0, null, null);
}
