package dev.sandboxagent.host.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The inspector, a browser UI at {@code /ui/}: three static files served from the host's own
 * resources (no CDN, works offline). By default the page calls the API with URLs relative to itself,
 * so it also works behind a path prefix; the user may point it at another daemon. It needs no token
 * to load, its API calls carry the token.
 */
final class InspectorUi {

  private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
  private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
  private static final HeaderName REFERRER = HeaderNames.create("Referrer-Policy");
  private static final HeaderName FRAME = HeaderNames.create("X-Frame-Options");
  // Scripts and styles only from the page's own origin (no inline code). API calls go to this daemon
  // or to another one the user chose by its URL (which must let this origin in through CORS).
  private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self' http: https:; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";

  private record Asset(byte[] bytes, String contentType) {}

  // A fixed set of names: no request path ever reaches the file system or another resource.
  private static final Map<String, Asset> ASSETS = Map.of(
      "index.html", load("index.html", "text/html; charset=utf-8"),
      "app.js", load("app.js", "text/javascript; charset=utf-8"),
      "app.css", load("app.css", "text/css; charset=utf-8"));

  private InspectorUi() {}

  private static Asset load(String name, String contentType) {
    try (InputStream in = InspectorUi.class.getResourceAsStream("/dev/sandboxagent/host/ui/" + name)) {
      if (in == null) {
        throw new IllegalStateException("inspector resource missing: " + name);
      }
      return new Asset(in.readAllBytes(), contentType);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers {@code /ui}, {@code /ui/} and {@code /ui/<file>} (GET and HEAD). */
  static void register(HttpRouting.Builder routing) {
    // Relative, so that a prefix in front of the daemon is kept.
    Handler redirect = (req, res) -> {
      res.status(Status.MOVED_PERMANENTLY_301);
      res.header(HeaderNames.LOCATION, "ui/");
      res.send();
    };
    Handler index = (req, res) -> send(req, res, ASSETS.get("index.html"));
    Handler file = (req, res) -> {
      Asset asset = ASSETS.get(req.path().pathParameters().get("file"));
      if (asset == null) {
        res.status(Status.NOT_FOUND_404);
        res.send();
        return;
      }
      send(req, res, asset);
    };
    routing.get("/ui", redirect).head("/ui", redirect);
    routing.get("/ui/", index).head("/ui/", index);
    routing.get("/ui/{file}", file).head("/ui/{file}", file);
  }

  private static void send(ServerRequest req, ServerResponse res, Asset asset) {
    res.header(HeaderNames.CONTENT_TYPE, asset.contentType());
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header(CSP, POLICY);
    res.header(NOSNIFF, "nosniff");
    res.header(REFERRER, "no-referrer");
    res.header(FRAME, "DENY");
    if (req.prologue().method().text().equals("HEAD")) {
      res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(asset.bytes().length));
      res.send();
      return;
    }
    res.send(asset.bytes());
  }
}
