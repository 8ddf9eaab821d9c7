package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

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
   * @return 0 for a 2xx answer
   * @throws IllegalStateException for an error status or a failed request (exit 1)
   */
  int send(Request request) {
    URI uri = uri(request);
    HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    if (!request.stream()) {
      builder.timeout(REQUEST_TIMEOUT);
    }
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (request.body() != null) {
      builder.header("Content-Type", "application/json")
          .method(request.method(), HttpRequest.BodyPublishers.ofString(request.body()));
    } else {
      builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status / 100 != 2) {
        String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        if (!body.isBlank()) {
          err.println(prettyIfJson(body));
        }
        throw new IllegalStateException("unexpected http status: " + status + " " + reason(status));
      }
      if (request.stream()) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = reader.readLine()) != null) {
            out.println(line);
            out.flush();
          }
        }
        return 0;
      }
      String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
      if (!body.isBlank()) {
        out.println(prettyIfJson(body));
      }
      return 0;
    } catch (HttpConnectTimeoutException e) {
      throw new IllegalStateException(unreachable("no answer in " + CONNECT_TIMEOUT.toSeconds() + " s"), e);
    } catch (ConnectException e) {
      throw new IllegalStateException(unreachable(e.getMessage() == null ? "connection refused" : e.getMessage()), e);
    } catch (HttpTimeoutException e) {
      throw new IllegalStateException("no answer from " + uri + " in " + REQUEST_TIMEOUT.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new IllegalStateException("request to " + uri + " failed: "
          + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private String unreachable(String why) {
    return "the daemon is not reachable at " + endpoint + " (" + why
        + "); is `sandbox-agent server` running there? (-e, --endpoint)";
  }

  private static String prettyIfJson(String body) {
    try {
      JsonNode node = PrettyJson.JSON.readTree(body);
      return node == null ? body : PrettyJson.render(node);
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
