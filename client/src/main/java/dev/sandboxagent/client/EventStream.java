package dev.sandboxagent.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.event.UniversalEvent;
import dev.sandboxagent.api.support.EventStreamParser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Events read from one of the daemon's SSE streams, in sequence order, as an iterator or a
 * {@link #stream()}. Reading blocks until the next event arrives; {@link #close()} (from any thread)
 * ends the iteration and the connection.
 *
 * <p>A live stream ({@link SandboxAgentClient#subscribe}) never ends by itself: when its connection
 * drops, it reconnects from the last sequence it delivered (as {@code offset} and
 * {@code Last-Event-ID}), so nothing is lost or repeated; it gives up with a
 * {@link DaemonUnreachableException} after a few failed attempts in a row. A turn stream
 * ({@link SandboxAgentClient#streamTurn}) ends with its turn.
 */
public final class EventStream implements Iterator<UniversalEvent>, AutoCloseable {

  /** Opens the stream after a sequence; throws {@link SandboxAgentException} when refused. */
  @FunctionalInterface
  interface Connector {
    InputStream open(long afterSequence) throws IOException;
  }

  static final int MAX_RECONNECTS = 6;
  private static final long STABLE_NANOS = 5_000_000_000L;

  long backoffMillis = 100;
  long backoffCapMillis = 2000;
  private int failures;
  private long connectedAt;
  private IOException lastError;
  private volatile Runnable onClose = () -> {};

  private final Connector connector;
  private final boolean resumes;
  private final ObjectMapper json;
  private final URI endpoint;
  private volatile boolean closed;
  private volatile InputStream current;
  private EventStreamParser parser;
  private long lastSequence;
  private UniversalEvent next;

  EventStream(Connector connector, boolean resumes, long afterSequence, ObjectMapper json, URI endpoint) {
    this.connector = requireNonNull(connector, "connector is null");
    this.resumes = resumes;
    this.json = requireNonNull(json, "json is null");
    this.endpoint = requireNonNull(endpoint, "endpoint is null");
    this.lastSequence = afterSequence;
  }

  /** Runs {@code action} once this is closed. */
  EventStream onClose(Runnable action) {
    this.onClose = requireNonNull(action, "action is null");
    return this;
  }

  /** Opens the first connection, so that a refused request fails at once. */
  EventStream open() {
    try {
      connect(connector.open(lastSequence));
    } catch (IOException e) {
      throw new DaemonUnreachableException(endpoint, e);
    }
    return this;
  }

  private void connect(InputStream in) {
    current = in;
    connectedAt = System.nanoTime();
    parser = new EventStreamParser(new BufferedInputStream(in, 8192));
    if (closed) {
      quietly(in);
    }
  }

  /** The sequence of the last event delivered (or the starting offset). */
  public long lastSequence() {
    return lastSequence;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    while (!closed) {
      try {
        EventStreamParser.Frame frame = parser == null ? null : parser.next();
        if (frame != null) {
          UniversalEvent event = json.readValue(frame.data(), UniversalEvent.class);
          if (event.sequence() <= lastSequence) {
            continue;
          }
          next = event;
          lastSequence = event.sequence();
          failures = 0;
          return true;
        }
        if (!resumes) {
          return false;
        }
      } catch (IOException e) {
        if (closed || Thread.currentThread().isInterrupted()) {
          close();
          return false;
        }
        if (!resumes) {
          throw new SandboxAgentException("the event stream from " + endpoint + " broke off: " + e, e);
        }
      }
      reconnect();
    }
    return false;
  }

  /**
   * Resumes the live stream after the last delivered event. A connection that lasted a while counts
   * as progress; attempts without progress wait longer each time and are given up after
   * {@link #MAX_RECONNECTS}.
   */
  private void reconnect() {
    quietly(current);
    parser = null;
    if (System.nanoTime() - connectedAt > STABLE_NANOS) {
      failures = 0;
    }
    while (parser == null && !closed) {
      if (failures > 0) {
        pause(Math.min(backoffCapMillis, backoffMillis << (failures - 1)));
      }
      if (++failures > MAX_RECONNECTS) {
        throw new DaemonUnreachableException(endpoint,
            lastError != null ? lastError : new IOException("the event stream kept ending without events"));
      }
      try {
        connect(connector.open(lastSequence));
      } catch (IOException e) {
        lastError = e;
      }
    }
  }

  @Override
  public UniversalEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    UniversalEvent event = next;
    next = null;
    return event;
  }

  /** The remaining events as a sequential stream whose {@code close()} closes this. */
  public Stream<UniversalEvent> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
        false).onClose(this::close);
  }

  /** Ends the iteration and closes the connection; safe from any thread, and more than once. */
  @Override
  public void close() {
    closed = true;
    quietly(current);
    onClose.run();
  }

  private void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
    }
  }

  private static void quietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // closing a broken connection
      }
    }
  }
}
