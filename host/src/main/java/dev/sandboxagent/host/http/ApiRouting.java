package dev.sandboxagent.host.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.host.agent.AgentDirectory;
import dev.sandboxagent.host.agent.AgentFailure;
import dev.sandboxagent.host.export.ExportStatus;
import dev.sandboxagent.host.install.AgentCatalog;
import dev.sandboxagent.host.metrics.DaemonMetrics;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.session.SessionException;
import dev.sandboxagent.host.session.SessionManager;
import dev.sandboxagent.host.store.StoreStatus;
import dev.sandboxagent.host.tenant.Tenant;
import dev.sandboxagent.host.tenant.Tenants;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Wires the v1 API into a Helidon routing: filters, routes, 405s, 404s and error mapping. */
public final class ApiRouting {

  private static final System.Logger LOG = System.getLogger(ApiRouting.class.getName());

  /** Raw-path patterns of every API route, for authentication and 405 answers. */
  private static final List<Pattern> API_ROUTES = List.of(
      Pattern.compile("/v1/health"),
      Pattern.compile("/v1/health/(live|ready)"),
      Pattern.compile("/metrics"),
      Pattern.compile("/v1/openapi.json"),
      Pattern.compile("/v1/agents"),
      Pattern.compile("/v1/plugins"),
      Pattern.compile("/v1/plugins/rescan"),
      Pattern.compile("/v1/agents/[^/]+/(install|modes)"),
      Pattern.compile("/v1/sessions"),
      Pattern.compile("/v1/sessions/[^/]+"),
      Pattern.compile("/v1/sessions/[^/]+/(messages|messages/stream|terminate|events|events/sse)"),
      Pattern.compile("/v1/sessions/[^/]+/questions/[^/]+/(reply|reject)"),
      Pattern.compile("/v1/sessions/[^/]+/permissions/[^/]+/reply"));

  /**
   * What the API needs.
   *
   * @param registry loaded agents
   * @param catalog agent programs on disk
   * @param sessions the session manager
   * @param mapper the JSON mapper
   * @param tenants the tokens and their tenants; empty for no authentication
   * @param cors CORS settings
   * @param maxBodyBytes the largest accepted request body
   * @param events the writer of event streams
   * @param exportStatus the state of the event export, or null when there is no event sink
   * @param storeStatus whether the session store writes what it is given
   * @param metrics the daemon's metrics, served at {@code /metrics}
   * @param notReady why the daemon cannot serve requests now; empty when it is ready
   */
  public record Services(
      AdapterRegistry registry, AgentCatalog catalog, SessionManager sessions, ObjectMapper mapper, Tenants tenants,
      CorsConfig cors, long maxBodyBytes, SseWriter events, Supplier<ExportStatus> exportStatus,
      Supplier<StoreStatus> storeStatus, DaemonMetrics metrics, Supplier<List<String>> notReady) {}

  private ApiRouting() {}

  static boolean isApiRoute(String rawPath) {
    for (Pattern p : API_ROUTES) {
      if (p.matcher(rawPath).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The answers to requests the web server rejects before or beside routing (unparsable request
   * lines, headers, URIs or chunks, a declared body over the limit): problem bodies like the API's.
   */
  public static DirectHandlers directHandlers(Services s) {
    return new ProtocolErrors(new Responses(s.mapper()), s.maxBodyBytes()).directHandlers();
  }

  /** Registers the whole API on {@code routing}. */
  public static void configure(HttpRouting.Builder routing, Services s) {
    Responses responses = new Responses(s.mapper());
    RequestBodies bodies = new RequestBodies(s.mapper(), s.maxBodyBytes());
    AgentsService agents = new AgentsService(new AgentDirectory(s.registry(), s.catalog(), s.sessions().sharedServers()),
        bodies, responses);
    SessionsService sessions = new SessionsService(s.sessions(), bodies, responses, s.events());
    RouteTemplates templates = new RouteTemplates();

    routing.addFilter(new RequestObserver(s.metrics(), templates));
    if (s.cors().enabled()) {
      routing.addFilter(new CorsFilter(s.cors()));
    }
    if (!s.tenants().isEmpty()) {
      routing.addFilter(new AuthFilter(s.tenants(), responses));
    }
    routing.error(ApiException.class, (req, res, e) -> responses.problem(res, e));
    routing.error(SessionException.class, (req, res, e) -> responses.problem(res, Problems.of(e)));
    routing.error(AgentFailure.class, (req, res, e) -> responses.problem(res, Problems.of(e)));
    routing.error(AgentException.class, (req, res, e) -> responses.problem(res, Problems.of(e)));
    routing.error(Exception.class, (req, res, e) -> {
      LOG.log(System.Logger.Level.ERROR, "request " + req.prologue().method() + " " + req.path().rawPath() + " failed", e);
      responses.internalError(res);
    });

    Map<String, List<Method>> methods = new LinkedHashMap<>();
    Routes r = new Routes(routing, methods, templates);
    byte[] healthy = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
    r.get("/v1/health", (req, res) -> {
      // Healthy means ready: the plugins found at start-up are loaded (a wait only in the first
      // milliseconds, while they load beside the server's own start).
      s.registry().awaitLoaded();
      StoreStatus store = s.storeStatus().get();
      if (s.exportStatus() == null && !store.failing()) {
        Responses.json(res, healthy);
      } else {
        // The errors can name the database's host or the data directory: shown to the admin only.
        boolean admin = s.tenants().isEmpty() || isAdmin(AuthFilter.authenticate(s.tenants(), req));
        responses.json(res, Health.of(s.mapper(), s.exportStatus() == null ? null : s.exportStatus().get(), store,
            admin));
      }
    });
    r.get("/v1/health/live", (req, res) -> Responses.json(res, healthy));
    r.get("/v1/health/ready", (req, res) -> {
      List<String> reasons = s.notReady().get();
      if (!reasons.isEmpty()) {
        throw ApiException.notReady(reasons);
      }
      Responses.json(res, healthy);
    });
    r.get("/metrics", (req, res) -> {
      if (!AuthFilter.tenant(req).admin()) {
        throw ApiException.adminOnly();
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
      s.metrics().write(body);
      res.header(HeaderNames.CONTENT_TYPE, DaemonMetrics.CONTENT_TYPE);
      res.send(body.toByteArray());
    });
    r.get("/v1/openapi.json", (req, res) -> Responses.json(res, OpenApiDocument.bytes()));
    r.get("/v1/agents", agents::list);
    r.post("/v1/agents/{agent}/install", agents::install);
    r.get("/v1/agents/{agent}/modes", agents::modes);
    r.get("/v1/plugins", agents::plugins);
    r.post("/v1/plugins/rescan", agents::rescan);
    r.get("/v1/sessions", sessions::list);
    r.post("/v1/sessions/{sessionId}", sessions::create);
    r.delete("/v1/sessions/{sessionId}", sessions::delete);
    r.post("/v1/sessions/{sessionId}/messages", sessions::message);
    r.post("/v1/sessions/{sessionId}/messages/stream", sessions::messageStream);
    r.post("/v1/sessions/{sessionId}/terminate", sessions::terminate);
    r.get("/v1/sessions/{sessionId}/events", sessions::events);
    r.get("/v1/sessions/{sessionId}/events/sse", sessions::eventsSse);
    r.post("/v1/sessions/{sessionId}/questions/{questionId}/reply", sessions::replyQuestion);
    r.post("/v1/sessions/{sessionId}/questions/{questionId}/reject", sessions::rejectQuestion);
    r.post("/v1/sessions/{sessionId}/permissions/{permissionId}/reply", sessions::replyPermission);

    InspectorUi.register(routing);
    templates.add("/ui");
    templates.add("/ui/");
    templates.add("/ui/{file}");

    // A known path called with another method: 405 with Allow; anything else: 404, empty.
    methods.forEach((path, allowed) -> routing.any(path, (req, res) -> {
      res.status(Status.METHOD_NOT_ALLOWED_405);
      res.header(HeaderNames.ALLOW, String.join(", ", allowed.stream().map(Method::text).toList()));
      res.send();
    }));
    routing.any((req, res) -> {
      if (isApiRoute(req.path().rawPath())) {
        // Only an encoded '/' inside a path parameter makes a raw API path miss its route.
        throw ApiException.invalidRequest("path parameters must not contain path separators");
      }
      res.status(Status.NOT_FOUND_404);
      res.send();
    });
  }

  private static boolean isAdmin(Tenant tenant) {
    return tenant != null && tenant.admin();
  }

  private record Routes(HttpRouting.Builder routing, Map<String, List<Method>> methods, RouteTemplates templates) {
    void get(String path, Handler handler) {
      known(path);
      routing.get(path, handler);
      routing.head(path, handler);
      methods.computeIfAbsent(path, k -> new ArrayList<>()).addAll(List.of(Method.GET, Method.HEAD));
    }

    void post(String path, Handler handler) {
      known(path);
      routing.post(path, handler);
      methods.computeIfAbsent(path, k -> new ArrayList<>()).add(Method.POST);
    }

    void delete(String path, Handler handler) {
      known(path);
      routing.delete(path, handler);
      methods.computeIfAbsent(path, k -> new ArrayList<>()).add(Method.DELETE);
    }

    /** Names the route in metrics and the access log (once per path, whatever its methods). */
    private void known(String path) {
      if (!methods.containsKey(path)) {
        templates.add(path);
      }
    }
  }
}
