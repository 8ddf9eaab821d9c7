package dev.sandboxagent.api.support;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.SessionContext;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A subscription to a server's event stream ({@code text/event-stream}), for agents whose shared
 * server publishes what it does that way: the connection is kept on a host thread of the daemon's
 * shared scope ({@link SessionContext#runShared}), reopened after a pause when it drops, for as long
 * as the caller says, and each event is delivered in order on that thread. Frames are read by
 * {@link EventStreamParser}; an event's id is the last one the stream announced (sent back as
 * {@code Last-Event-ID} on reconnection), its type {@code message} unless the frame names one.
 *
 * @since 1.1
 */
public final class ServerSentEvents {

  /** One event of the stream. */
  public record Event(String id, String type, String data) {}

  private static final System.Logger LOG = System.getLogger(ServerSentEvents.class.getName());
  private static final Duration RECONNECT = Duration.ofMillis(300);
  // HTTP/1.1: some servers do not answer an h2c upgrade.
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ServerSentEvents() {}

  /**
   * Subscribes to {@code uri} while {@code active} holds (checked before each connection): events
   * go to {@code listener} on the subscription's thread, which must not block for long.
   */
  public static void subscribe(SessionContext context, String name, URI uri, BooleanSupplier active,
      Consumer<Event> listener) {
    requireNonNull(uri, "uri is null");
    requireNonNull(listener, "listener is null");
    context.runShared(name, () -> {
      String lastId = null;
      while (active.getAsBoolean()) {
        try {
          HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
          if (lastId != null) {
            request.header("Last-Event-ID", lastId);
          }
          HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
          if (response.statusCode() / 100 != 2) {
            response.body().close();
            LOG.log(System.Logger.Level.DEBUG, "event stream {0}: status {1}", uri, response.statusCode());
          } else {
            lastId = read(response.body(), lastId, listener);
          }
        } catch (IOException | RuntimeException e) {
          LOG.log(System.Logger.Level.DEBUG, "event stream {0}: {1}", uri, e.toString());
        } catch (InterruptedException e) {
          return;
        }
        try {
          Thread.sleep(RECONNECT);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /** Reads events from {@code in} until it ends; returns the last event id seen. */
  static String read(InputStream in, String lastId, Consumer<Event> listener) throws IOException {
    try (in) {
      EventStreamParser parser = new EventStreamParser(new BufferedInputStream(in, 8192));
      String id = lastId;
      EventStreamParser.Frame frame;
      while ((frame = parser.next()) != null) {
        if (frame.id() != null && !frame.id().contains("\u0000")) {
          id = frame.id();
        }
        listener.accept(new Event(id, frame.event() == null ? "message" : frame.event(), frame.data()));
      }
      return id;
    }
  }
}
