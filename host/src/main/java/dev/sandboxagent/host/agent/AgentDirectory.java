package dev.sandboxagent.host.agent;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.host.install.AgentCatalog;
import dev.sandboxagent.host.install.Installer;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.plugin.LoadedAgent;
import dev.sandboxagent.host.tenant.Tenant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What a tenant can know and do about agents and plugins, from the plugins loaded, the programs
 * installed and the servers shared: the agent listing, installs, modes and the plugin files. The
 * HTTP layer renders its answers and knows nothing of where they come from.
 */
public final class AgentDirectory {

  /**
   * One agent as listed.
   *
   * @param serverStatus the state of its server shared in the tenant's scope, or null for an agent
   *     that shares none
   */
  public record Agent(AgentDescriptor descriptor, boolean installed, Optional<String> version, Optional<Path> path,
      ServerStatus serverStatus) {}

  /** A plugin file that failed to load (shown to administrators). */
  public record PluginError(String plugin, String file, String message) {}

  /** The agents a tenant sees, and for administrators the plugin files that failed to load. */
  public record Listing(List<Agent> agents, List<PluginError> pluginErrors) {}

  /**
   * One plugin file: its id, version, SPI range, the agents it serves to the tenant, and why it
   * failed to load (null when it loaded).
   */
  public record Plugin(String id, String version, String file, String requires, List<String> agents, String error) {}

  /** What a rescan of the plugins directory changed, by file name. */
  public record Changes(List<String> added, List<String> removed, List<String> replaced, List<String> pending) {}

  /**
   * The outcome of an install.
   *
   * @param downloaded whether a program was installed now (false: it was there already)
   * @param source where it came from when downloaded, else null
   */
  public record Install(String agent, boolean downloaded, Optional<String> version, Optional<Path> path,
      String source) {}

  private final AdapterRegistry registry;
  private final AgentCatalog catalog;
  private final SharedServers sharedServers;

  public AgentDirectory(AdapterRegistry registry, AgentCatalog catalog, SharedServers sharedServers) {
    this.registry = requireNonNull(registry, "registry is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.sharedServers = requireNonNull(sharedServers, "sharedServers is null");
  }

  /** The agents {@code tenant} may use, in listing order, and the plugin failures for administrators. */
  public Listing agents(Tenant tenant) {
    AdapterRegistry.Snapshot snapshot = registry.snapshot();
    List<Agent> agents = new ArrayList<>();
    for (LoadedAgent agent : snapshot.agents().values()) {
      if (tenant.allows(agent.id())) {
        AgentDescriptor d = agent.descriptor();
        ServerStatus server = d.has(Capability.SHARED_PROCESS) ? sharedServers.status(agent, tenant.scope()) : null;
        agents.add(new Agent(d, catalog.installed(d), catalog.version(d), catalog.resolve(d), server));
      }
    }
    List<PluginError> errors = tenant.admin()
        ? snapshot.failures().stream().map(f -> new PluginError(f.pluginId(), f.file(), f.message())).toList()
        : List.of();
    return new Listing(agents, errors);
  }

  /**
   * Installs agent {@code id}'s program for {@code tenant}, again when {@code reinstall} says so;
   * it is asked only once the agent is known to be the tenant's (it may read the request).
   *
   * @throws AgentFailure when the agent is unknown, not the tenant's, or the install fails
   */
  public Install install(Tenant tenant, String id, BooleanSupplier reinstall) {
    LoadedAgent agent = AgentAccess.usable(registry, tenant, id);
    Optional<Installer.Result> result = catalog.install(agent, reinstall.getAsBoolean(), null);
    AgentDescriptor d = agent.descriptor();
    return result
        .map(r -> new Install(d.id(), true, Optional.of(r.version()), Optional.of(r.binary()), r.source()))
        .orElseGet(() -> new Install(d.id(), false, catalog.version(d), catalog.resolve(d), null));
  }

  /**
   * Agent {@code id}'s modes.
   *
   * @throws AgentFailure when the agent is unknown or not the tenant's
   */
  public List<AgentMode> modes(Tenant tenant, String id) {
    return catalog.modes(AgentAccess.usable(registry, tenant, id));
  }

  /** Every plugin file for administrators; for a tenant, those serving its agents, with only those agents. */
  public List<Plugin> plugins(Tenant tenant) {
    // One snapshot: the files and the agents they serve come from the same scan.
    AdapterRegistry.Snapshot snapshot = registry.snapshot();
    List<String> serving = snapshot.agents().values().stream()
        .filter(a -> tenant.admin() || tenant.allows(a.id()))
        .map(a -> a.pluginId() + "/" + a.id()).toList();
    List<Plugin> plugins = new ArrayList<>();
    for (AdapterRegistry.PluginFile file : snapshot.plugins()) {
      List<String> agents = file.agents().stream()
          .filter(a -> serving.contains(a.pluginId() + "/" + a.id()))
          .map(LoadedAgent::id).toList();
      if (tenant.admin() || !agents.isEmpty()) {
        plugins.add(new Plugin(file.pluginId(), file.version(), file.path().getFileName().toString(), file.requires(),
            agents, file.error()));
      }
    }
    return plugins;
  }

  /** Loads new and replaced plugin files and drops removed ones; for administrators only (the caller checks). */
  public Changes rescan() {
    AdapterRegistry.Rescan rescan = registry.rescan();
    return new Changes(rescan.added(), rescan.removed(), rescan.replaced(), rescan.pending());
  }
}
