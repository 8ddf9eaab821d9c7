package dev.sandboxagent.host.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a real plugin JAR the way a third party would: compiles Java sources with javac against the
 * plugin API (and its one dependency, pf4j, whose annotation processor writes the extension index),
 * then packages classes and a pf4j manifest.
 */
final class PluginJarBuilder {

  private final Path workDir;
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final Map<String, String> manifest = new LinkedHashMap<>();

  PluginJarBuilder(Path workDir) {
    this.workDir = workDir;
  }

  PluginJarBuilder source(String className, String code) {
    sources.put(className, code);
    return this;
  }

  PluginJarBuilder manifest(String key, String value) {
    manifest.put(key, value);
    return this;
  }

  /** The classpath a plugin author compiles against: plugin-api and its dependencies only. */
  static String apiClasspath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).toString();
      if (name.contains("plugin-api") || name.matches(".*(pf4j|jackson-annotations)-[0-9.]+\\.jar")) {
        entries.add(entry);
      }
    }
    assertThat(entries).as("plugin-api and its dependencies on the test classpath").hasSize(3);
    return String.join(File.pathSeparator, entries);
  }

  Path build(Path jar) throws IOException {
    Path src = Files.createDirectories(workDir.resolve("src"));
    Path classes = Files.createDirectories(workDir.resolve("classes"));
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      files.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of(
        "--release", "21", "-proc:full", "-classpath", apiClasspath(), "-d", classes.toString()));
    args.addAll(files);
    int status = javac.run(null, null, null, args.toArray(String[]::new));
    assertThat(status).as("javac exit status").isZero();
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out, mf);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        jos.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
        jos.write(Files.readAllBytes(p));
        jos.closeEntry();
      }
    }
    return jar;
  }

  /** Source of an adapter for agent {@code id} that echoes every message back as an assistant reply. */
  static String echoAdapter(String pkg, String id, String constructorBody) {
    return echoAdapter(pkg, id, constructorBody, "");
  }

  /** As {@link #echoAdapter(String, String, String)}, with more builder calls on its descriptor. */
  static String echoAdapter(String pkg, String id, String constructorBody, String descriptorCalls) {
    return """
        package %1$s;

        import dev.sandboxagent.api.*;
        import dev.sandboxagent.api.event.*;
        import java.util.List;

        @org.pf4j.Extension
        public class EchoAdapter implements AgentAdapter {
          public EchoAdapter() { %3$s }

          @Override public AgentDescriptor descriptor() {
            return AgentDescriptor.builder("%2$s").displayName("Echo")
                .capabilities(Capability.TEXT_MESSAGES, Capability.ITEM_STARTED)
                .mode("build", "Build", "Echo mode").permissionModes(PermissionMode.DEFAULT)
                .builtin(true)%4$s.build();
          }

          @Override public AgentSession open(SessionContext ctx) {
            return new AgentSession() {
              private int n;
              @Override public String nativeSessionId() { return "echo-" + ctx.sessionId(); }
              @Override public void send(String message) {
                int k = ++n;
                ctx.runInBackground("echo", () -> ctx.events().emit(List.of(
                    AgentEvent.of(new EventData.ItemCompleted(UniversalItem.of("echo_" + k, ItemKind.MESSAGE,
                        ItemRole.ASSISTANT, List.of(new ContentPart.Text("echo: " + message)), ItemStatus.COMPLETED))))));
              }
              @Override public void close() {}
            };
          }
        }
        """.formatted(pkg, id, constructorBody, descriptorCalls);
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
