package dev.sandboxagent.host.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.host.agent.AgentDirectory;
import dev.sandboxagent.host.tenant.Tenant;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * {@code /v1/agents} (listing, install, modes) and {@code /v1/plugins}, rendered from the {@link
 * AgentDirectory}; a tenant sees and uses only its agents, and only administrators see failed
 * plugins or rescan.
 */
final class AgentsService {

  private static final HeaderName PREFER = HeaderNames.create("Prefer");
  private static final HeaderName PREFERENCE_APPLIED = HeaderNames.create("Preference-Applied");

  private final AgentDirectory directory;
  private final RequestBodies bodies;
  private final Responses responses;

  AgentsService(AgentDirectory directory, RequestBodies bodies, Responses responses) {
    this.directory = directory;
    this.bodies = bodies;
    this.responses = responses;
  }

  void list(ServerRequest req, ServerResponse res) {
    AgentDirectory.Listing listing = directory.agents(AuthFilter.tenant(req));
    ObjectNode body = responses.mapper().createObjectNode();
    ArrayNode agents = body.putArray("agents");
    listing.agents().forEach(agent -> agents.add(info(agent)));
    if (!listing.pluginErrors().isEmpty()) {
      ArrayNode errors = body.putArray("pluginErrors");
      for (AgentDirectory.PluginError error : listing.pluginErrors()) {
        errors.addObject().put("plugin", error.plugin()).put("file", error.file()).put("message", error.message());
      }
    }
    responses.json(res, body);
  }

  private ObjectNode info(AgentDirectory.Agent agent) {
    AgentDescriptor d = agent.descriptor();
    ObjectNode info = responses.mapper().createObjectNode();
    info.put("id", d.id());
    info.put("installed", agent.installed());
    agent.version().ifPresent(v -> info.put("version", v));
    agent.path().ifPresent(p -> info.put("path", p.toString()));
    ObjectNode caps = info.putObject("capabilities");
    for (Capability capability : Capability.values()) {
      caps.put(capability.wireName(), d.has(capability));
    }
    ServerStatus status = agent.serverStatus();
    if (status != null) {
      ObjectNode server = info.putObject("serverStatus").put("status", status.status());
      if (status.baseUrl() != null) {
        server.put("baseUrl", status.baseUrl());
      }
      if (status.uptimeMs() != null) {
        server.put("uptimeMs", status.uptimeMs());
      }
      server.put("restartCount", status.restartCount());
      if (status.lastError() != null) {
        server.put("lastError", status.lastError());
      }
    }
    return info;
  }

  void install(ServerRequest req, ServerResponse res) {
    AgentDirectory.Install install = directory.install(AuthFilter.tenant(req), agentId(req),
        () -> bodies.reinstall(req));
    // The reply stays 204 for existing clients; "Prefer: return=representation" (RFC 7240) asks for
    // what was installed, where, and from which source.
    boolean representation = req.headers().value(PREFER).map(v -> v.contains("return=representation")).orElse(false);
    if (!representation) {
      Responses.noContent(res);
      return;
    }
    ObjectNode body = responses.mapper().createObjectNode();
    body.put("agent", install.agent());
    body.put("downloaded", install.downloaded());
    install.version().ifPresent(v -> body.put("version", v));
    install.path().ifPresent(p -> body.put("path", p.toString()));
    if (install.source() != null) {
      body.put("source", install.source());
    }
    res.header(PREFERENCE_APPLIED, "return=representation");
    responses.json(res, body);
  }

  /** {@code GET /v1/plugins}: every plugin file with its id, version, SPI range, state and agents. */
  void plugins(ServerRequest req, ServerResponse res) {
    responses.json(res, pluginList(AuthFilter.tenant(req)));
  }

  /** {@code POST /v1/plugins/rescan}: loads new and replaced plugin files, drops removed ones. */
  void rescan(ServerRequest req, ServerResponse res) {
    Tenant tenant = AuthFilter.tenant(req);
    if (!tenant.admin()) {
      throw ApiException.adminOnly();
    }
    AgentDirectory.Changes rescan = directory.rescan();
    ObjectNode body = pluginList(tenant);
    ObjectNode changes = body.putObject("rescan");
    rescan.added().forEach(changes.putArray("added")::add);
    rescan.removed().forEach(changes.putArray("removed")::add);
    rescan.replaced().forEach(changes.putArray("replaced")::add);
    rescan.pending().forEach(changes.putArray("pending")::add);
    responses.json(res, body);
  }

  private ObjectNode pluginList(Tenant tenant) {
    ObjectNode body = responses.mapper().createObjectNode();
    ArrayNode plugins = body.putArray("plugins");
    for (AgentDirectory.Plugin plugin : directory.plugins(tenant)) {
      ObjectNode p = plugins.addObject();
      p.put("id", plugin.id());
      p.put("version", plugin.version());
      p.put("file", plugin.file());
      p.put("requires", plugin.requires());
      p.put("state", plugin.error() == null ? "loaded" : "failed");
      plugin.agents().forEach(p.putArray("agents")::add);
      if (plugin.error() != null) {
        p.put("error", plugin.error());
      }
    }
    return body;
  }

  void modes(ServerRequest req, ServerResponse res) {
    List<AgentMode> modes = directory.modes(AuthFilter.tenant(req), agentId(req));
    ObjectNode body = responses.mapper().createObjectNode();
    ArrayNode list = body.putArray("modes");
    for (AgentMode mode : modes) {
      list.addObject().put("id", mode.id()).put("name", mode.name()).put("description", mode.description());
    }
    responses.json(res, body);
  }

  private static String agentId(ServerRequest req) {
    return req.path().pathParameters().get("agent");
  }
}
