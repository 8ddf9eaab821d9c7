package dev.sandboxagent.host.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.host.agent.AgentAccess;
import dev.sandboxagent.host.agent.SharedServers;
import dev.sandboxagent.host.install.AgentCatalog;
import dev.sandboxagent.host.install.Installer;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.plugin.LoadedAgent;
import dev.sandboxagent.host.plugin.PluginFailure;
import dev.sandboxagent.host.tenant.Tenant;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/agents} (listing, install, modes) and {@code /v1/plugins}; a tenant sees and uses only
 * its agents, and only administrators see failed plugins or rescan.
 */
final class AgentsService {

  private static final HeaderName PREFER = HeaderNames.create("Prefer");
  private static final HeaderName PREFERENCE_APPLIED = HeaderNames.create("Preference-Applied");

  private final AdapterRegistry registry;
  private final AgentCatalog catalog;
  private final SharedServers sharedServers;
  private final RequestBodies bodies;
  private final Responses responses;

  AgentsService(AdapterRegistry registry, AgentCatalog catalog, SharedServers sharedServers, RequestBodies bodies,
      Responses responses) {
    this.registry = registry;
    this.catalog = catalog;
    this.sharedServers = sharedServers;
    this.bodies = bodies;
    this.responses = responses;
  }

  void list(ServerRequest req, ServerResponse res) {
    ObjectNode body = responses.mapper().createObjectNode();
    Tenant tenant = AuthFilter.tenant(req);
    ArrayNode agents = body.putArray("agents");
    AdapterRegistry.Snapshot snapshot = registry.snapshot();
    for (LoadedAgent agent : snapshot.agents().values()) {
      if (tenant.allows(agent.id())) {
        agents.add(info(agent, tenant));
      }
    }
    if (tenant.admin() && !snapshot.failures().isEmpty()) {
      ArrayNode errors = body.putArray("pluginErrors");
      for (PluginFailure failure : snapshot.failures()) {
        errors.addObject()
            .put("plugin", failure.pluginId())
            .put("file", failure.file())
            .put("message", failure.message());
      }
    }
    responses.json(res, body);
  }

  private ObjectNode info(LoadedAgent agent, Tenant tenant) {
    AgentDescriptor d = agent.descriptor();
    ObjectNode info = responses.mapper().createObjectNode();
    info.put("id", d.id());
    info.put("installed", catalog.installed(d));
    catalog.version(d).ifPresent(v -> info.put("version", v));
    catalog.resolve(d).ifPresent(p -> info.put("path", p.toString()));
    ObjectNode caps = info.putObject("capabilities");
    for (Capability capability : Capability.values()) {
      caps.put(capability.wireName(), d.has(capability));
    }
    if (d.has(Capability.SHARED_PROCESS)) {
      ServerStatus status = sharedServers.status(agent, tenant.scope());
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
    LoadedAgent agent = agent(req);
    boolean reinstall = bodies.reinstall(req);
    Optional<Installer.Result> result = catalog.install(agent, reinstall, null);
    // The reply stays 204 for existing clients; "Prefer: return=representation" (RFC 7240) asks for
    // what was installed, where, and from which source.
    boolean representation = req.headers().value(PREFER).map(v -> v.contains("return=representation")).orElse(false);
    if (!representation) {
      Responses.noContent(res);
      return;
    }
    AgentDescriptor d = agent.descriptor();
    ObjectNode body = responses.mapper().createObjectNode();
    body.put("agent", d.id());
    body.put("downloaded", result.isPresent());
    if (result.isPresent()) {
      body.put("version", result.get().version());
      body.put("path", result.get().binary().toString());
      body.put("source", result.get().source());
    } else {
      catalog.version(d).ifPresent(v -> body.put("version", v));
      catalog.resolve(d).ifPresent(p -> body.put("path", p.toString()));
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
    AdapterRegistry.Rescan rescan = registry.rescan();
    ObjectNode body = pluginList(tenant);
    ObjectNode changes = body.putObject("rescan");
    rescan.added().forEach(changes.putArray("added")::add);
    rescan.removed().forEach(changes.putArray("removed")::add);
    rescan.replaced().forEach(changes.putArray("replaced")::add);
    rescan.pending().forEach(changes.putArray("pending")::add);
    responses.json(res, body);
  }

  /** Every plugin for administrators; for a tenant, the plugins serving its agents and only those agents. */
  private ObjectNode pluginList(Tenant tenant) {
    ObjectNode body = responses.mapper().createObjectNode();
    ArrayNode plugins = body.putArray("plugins");
    // One snapshot: the files and the agents they serve come from the same scan.
    AdapterRegistry.Snapshot snapshot = registry.snapshot();
    List<String> serving = snapshot.agents().values().stream()
        .filter(a -> tenant.admin() || tenant.allows(a.id()))
        .map(a -> a.pluginId() + "/" + a.id()).toList();
    for (AdapterRegistry.PluginFile file : snapshot.plugins()) {
      if (!tenant.admin() && file.agents().stream().noneMatch(a -> serving.contains(a.pluginId() + "/" + a.id()))) {
        continue;
      }
      ObjectNode p = plugins.addObject();
      p.put("id", file.pluginId());
      p.put("version", file.version());
      p.put("file", file.path().getFileName().toString());
      p.put("requires", file.requires());
      p.put("state", file.error() == null ? "loaded" : "failed");
      ArrayNode agentIds = p.putArray("agents");
      for (LoadedAgent agent : file.agents()) {
        if (serving.contains(agent.pluginId() + "/" + agent.id())) {
          agentIds.add(agent.id());
        }
      }
      if (file.error() != null) {
        p.put("error", file.error());
      }
    }
    return body;
  }

  void modes(ServerRequest req, ServerResponse res) {
    LoadedAgent agent = agent(req);
    List<AgentMode> modes = catalog.modes(agent);
    ObjectNode body = responses.mapper().createObjectNode();
    ArrayNode list = body.putArray("modes");
    for (AgentMode mode : modes) {
      list.addObject().put("id", mode.id()).put("name", mode.name()).put("description", mode.description());
    }
    responses.json(res, body);
  }

  private LoadedAgent agent(ServerRequest req) {
    return AgentAccess.usable(registry, AuthFilter.tenant(req), req.path().pathParameters().get("agent"));
  }
}
