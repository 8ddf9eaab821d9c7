package dev.sandboxagent.host.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Sends one request of an {@code api} command and prints the answer: JSON pretty on stdout, a stream
 * line by line as it arrives (no overall timeout), nothing for an empty answer. An error status
 * prints the answer's body on stderr and fails; so does a daemon that cannot be reached, in one line.
 */
final class ApiClient {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /**
   * One request.
   *
   * @param method the HTTP method
   * @param path the path below the endpoint, its segments already encoded, with any query
   * @param body the JSON body, or null for none
   * @param stream whether the answer is a stream, copied as it arrives
   */
  record Request(String method, String path, String body, boolean stream) {
    static Request get(String path) {
      return new Request("GET", path, null, false);
    }

    static Request post(String path, String body) {
      return new Request("POST", path, body, false);
    }
  }

  private final URI endpoint;
  private final String token;
  private final PrintStream out;
  private final PrintStream err;

  ApiClient(URI endpoint, String token, PrintStream out, PrintStream err) {
    this.endpoint = endpoint;
    this.token = token;
    this.out = out;
    this.err = err;
  }

  /**
   * A path segment as it goes into a URL: percent-encoded as UTF-8 (a space as {@code %20}), so an
   * id is never read as a query, fragment or another segment.
   */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The request's URL: the endpoint without its trailing slashes, then the path. */
  URI uri(Request request) {
    return URI.create(endpoint.toString().replaceAll("/+$", "") + request.path());
  }

  /**
   * Sends {@code request} and prints the answer.
   *
   * <p>Over {@link HttpURLConnection}, the JDK's older client: it starts several times faster than
   * {@code java.net.http.HttpClient}, whose start (its selector thread, executor and lambdas) took
   * most of a short {@code api} command's time. HTTP/1.1, no proxy, redirects not followed, as the
   * newer client's defaults; the answer's time limit bounds each read of a non-streaming answer.
   *
   * @return 0 for a 2xx answer
   * @throws IllegalStateException for an error status or a failed request (exit 1)
   */
  int send(Request request) {
    URI uri = uri(request);
    HttpURLConnection connection;
    try {
      connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
      connection.setRequestMethod(request.method());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("request to " + uri + " failed: "
          + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    connection.setReadTimeout(request.stream() ? 0 : (int) REQUEST_TIMEOUT.toMillis());
    if (token != null) {
      connection.setRequestProperty("Authorization", "Bearer " + token);
    }
    byte[] body = request.body() == null ? null : request.body().getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setDoOutput(true);
    }
    try {
      try {
        connection.connect();
      } catch (SocketTimeoutException e) {
        throw new IllegalStateException(unreachable("no answer in " + CONNECT_TIMEOUT.toSeconds() + " s"), e);
      } catch (ConnectException e) {
        throw new IllegalStateException(unreachable(e.getMessage() == null ? "connection refused"
            : e.getMessage().toLowerCase(Locale.ROOT)), e);
      }
      if (body != null) {
        try (OutputStream sink = connection.getOutputStream()) {
          sink.write(body);
        }
      }
      int status = connection.getResponseCode();
      if (status / 100 != 2) {
        InputStream error = connection.getErrorStream();
        String text = error == null ? "" : new String(error.readAllBytes(), StandardCharsets.UTF_8);
        if (!text.isBlank()) {
          err.println(prettyIfJson(text));
        }
        throw new IllegalStateException("unexpected http status: " + status + " " + reason(status));
      }
      if (request.stream()) {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = reader.readLine()) != null) {
            out.println(line);
            out.flush();
          }
        }
        return 0;
      }
      String text;
      try (InputStream in = connection.getInputStream()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!text.isBlank()) {
        out.println(prettyIfJson(text));
      }
      return 0;
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException("no answer from " + uri + " in " + REQUEST_TIMEOUT.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new IllegalStateException("request to " + uri + " failed: "
          + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    } finally {
      connection.disconnect();
    }
  }

  private String unreachable(String why) {
    return "the daemon is not reachable at " + endpoint + " (" + why
        + "); is `sandbox-agent server` running there? (-e, --endpoint)";
  }

  private static String prettyIfJson(String body) {
    try {
      return PrettyJson.reformat(body);
    } catch (IOException e) {
      return body;
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "";
    };
  }
}
