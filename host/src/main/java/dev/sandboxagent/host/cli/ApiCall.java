package dev.sandboxagent.host.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP request of the {@code api} command and the printing of its answer.
 *
 * @param method the HTTP method
 * @param path the path and query under the endpoint, ids inserted verbatim
 * @param body the JSON body, or null to send none
 * @param output what a successful answer prints
 */
record ApiCall(String method, String path, String body, Output output) {

  /** What a successful answer prints. */
  enum Output {
    /** The JSON body, pretty. */
    JSON,
    /** Nothing (the endpoints answer 204). */
    NONE,
    /** The SSE text, copied as it arrives until the server ends the stream. */
    STREAM
  }

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  ApiCall {
    requireNonNull(method, "method is null");
    requireNonNull(path, "path is null");
    requireNonNull(output, "output is null");
  }

  /**
   * Sends the request to {@code endpoint} (no trailing slash) and prints the answer.
   *
   * @param token the bearer token, or null to send no {@code Authorization} header
   * @return the exit status: 0, or 1 for a non-2xx answer or a failed connection
   */
  int execute(String endpoint, String token, PrintStream out, PrintStream err) {
    URI uri;
    try {
      uri = Urls.of(endpoint, path);
    } catch (IllegalArgumentException e) {
      return Diagnostics.fail(err, "invalid endpoint URL " + endpoint + ": " + e.getMessage());
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (output != Output.STREAM) {
      request.timeout(REQUEST_TIMEOUT);
    }
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .build();
    try {
      return output == Output.STREAM ? stream(http, request.build(), out, err) : exchange(http, request.build(), out, err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Diagnostics.fail(err, "request to " + uri + " interrupted");
    } finally {
      http.shutdownNow();
    }
  }

  /** A request whose whole answer, body included, must arrive within the request timeout. */
  private int exchange(HttpClient http, HttpRequest request, PrintStream out, PrintStream err)
      throws InterruptedException {
    CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> response;
    try {
      response = pending.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      return Diagnostics.fail(err, "request to " + request.uri() + " timed out after " + REQUEST_TIMEOUT.toSeconds()
          + " s");
    } catch (ExecutionException e) {
      return Diagnostics.fail(err, failure(request.uri(), e.getCause()));
    }
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (!successful(response.statusCode())) {
      return unexpectedStatus(response.statusCode(), text, err);
    }
    if (output == Output.JSON) {
      JsonNode json;
      try {
        json = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        return Diagnostics.fail(err, "invalid JSON from " + request.uri() + ": " + e.getOriginalMessage());
      }
      if (json == null || json.isMissingNode()) {
        return Diagnostics.fail(err, "empty answer from " + request.uri());
      }
      out.println(PrettyJson.render(json));
      out.flush();
    }
    return 0;
  }

  /**
   * A stream: the body is copied byte for byte as it arrives (every {@code id:}, {@code event:},
   * {@code data:} and comment line, line endings untouched) and flushed at once, with no overall
   * timeout. It ends when the server ends the response.
   */
  private int stream(HttpClient http, HttpRequest request, PrintStream out, PrintStream err)
      throws InterruptedException {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      return Diagnostics.fail(err, failure(request.uri(), e));
    }
    try (InputStream body = response.body()) {
      if (!successful(response.statusCode())) {
        return unexpectedStatus(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8), err);
      }
      byte[] buffer = new byte[8192];
      int n;
      while ((n = body.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        out.flush();
        if (out.checkError()) {
          return Diagnostics.fail(err, "cannot write to standard output");
        }
      }
      return 0;
    } catch (IOException e) {
      return Diagnostics.fail(err, "stream from " + request.uri() + " failed: " + message(e));
    }
  }

  private static boolean successful(int status) {
    return status >= 200 && status < 300;
  }

  /** The body on stderr (pretty when it is JSON), then the error line. */
  private static int unexpectedStatus(int status, String body, PrintStream err) {
    if (!body.isEmpty()) {
      String shown;
      try {
        JsonNode json = JSON.readTree(body);
        shown = json == null || json.isMissingNode() ? body : PrettyJson.render(json);
      } catch (JsonProcessingException e) {
        shown = body;
      }
      err.println(shown);
    }
    return Diagnostics.fail(err, "unexpected http status: " + HttpStatusText.of(status));
  }

  private static String failure(URI uri, Throwable cause) {
    String why;
    if (cause instanceof HttpConnectTimeoutException) {
      why = "connect timed out after " + CONNECT_TIMEOUT.toSeconds() + " s";
    } else if (cause instanceof ConnectException && message(cause).equals(cause.getClass().getSimpleName())) {
      why = "connection refused";
    } else {
      why = message(cause);
    }
    return "request to " + uri + " failed: " + why;
  }

  /** The first message along the cause chain (the HTTP client often wraps a message-less exception). */
  private static String message(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return error.getClass().getSimpleName();
  }
}
