package dev.sandboxagent.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFilesTest {

  @TempDir
  Path dir;

  @Test
  void anObjectIsReadAndAnythingElseIsNothing() throws Exception {
    Files.writeString(dir.resolve("ok.json"), "{\"apiKey\":\"k\"}");
    Files.writeString(dir.resolve("array.json"), "[1]");
    Files.writeString(dir.resolve("broken.json"), "{\"apiKey\":");
    Files.createDirectories(dir.resolve("dir.json"));

    assertThat(JsonFiles.object(dir.resolve("ok.json")).get("apiKey").asText()).isEqualTo("k");
    assertThat(JsonFiles.object(dir.resolve("array.json"))).isNull();
    assertThat(JsonFiles.object(dir.resolve("broken.json"))).isNull();
    assertThat(JsonFiles.object(dir.resolve("dir.json"))).isNull();
    assertThat(JsonFiles.object(dir.resolve("missing.json"))).isNull();
  }
}
