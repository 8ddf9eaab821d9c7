package dev.sandboxagent.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conformance install check passes a careful installer and catches careless ones. */
class AdapterConformanceInstallTest {

  /** How an installer writes its program. */
  enum Style { ATOMIC, LEAVES_PART_FILE, NOT_EXECUTABLE, APPENDS }

  static final class Installing implements AgentAdapter {
    private final Style style;

    Installing(Style style) {
      this.style = style;
    }

    @Override
    public AgentDescriptor descriptor() {
      return AgentDescriptor.builder("installing").displayName("Installing").mode("build", "Build", "b")
          .permissionModes(PermissionMode.DEFAULT).binaryName("installing-agent").builtin(false).build();
    }

    @Override
    public AgentSession open(SessionContext context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void install(InstallContext context) {
      Path program = context.installDir().resolve("installing-agent");
      try {
        if (Files.exists(program) && !context.reinstall() && style != Style.APPENDS) {
          return;
        }
        Path part = context.installDir().resolve("installing-agent." + System.nanoTime() + ".part");
        Files.writeString(part, "#!/bin/sh\necho hi\n");
        if (style != Style.NOT_EXECUTABLE) {
          part.toFile().setExecutable(true);
        }
        switch (style) {
          case LEAVES_PART_FILE -> Files.copy(part, program, StandardCopyOption.REPLACE_EXISTING);
          case APPENDS -> Files.writeString(program, Files.readString(part),
              java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
          default -> Files.move(part, program, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        if (style == Style.APPENDS) {
          Files.delete(part);
          program.toFile().setExecutable(true);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static final class Check extends AdapterConformance {
    private final Style style;

    Check(Style style) {
      this.style = style;
    }

    @Override
    protected AgentAdapter adapter() {
      return new Installing(style);
    }
  }

  @Test
  void passesAnAtomicIdempotentInstaller(@TempDir Path dir) {
    assertThatCode(() -> new Check(Style.ATOMIC).installsIdempotently(dir)).doesNotThrowAnyException();
  }

  @Test
  void catchesLeftoverFiles(@TempDir Path dir) {
    assertThatThrownBy(() -> new Check(Style.LEAVES_PART_FILE).installsIdempotently(dir))
        .isInstanceOf(AssertionError.class).hasMessageContaining("files after a");
  }

  @Test
  void catchesANonExecutableProgram(@TempDir Path dir) {
    assertThatThrownBy(() -> new Check(Style.NOT_EXECUTABLE).installsIdempotently(dir))
        .isInstanceOf(AssertionError.class).hasMessageContaining("the installed program");
  }

  @Test
  void catchesAProgramThatChangesOnASecondInstall(@TempDir Path dir) {
    assertThatThrownBy(() -> new Check(Style.APPENDS).installsIdempotently(dir))
        .isInstanceOf(AssertionError.class).hasMessageContaining("the program after a second install");
  }
}
