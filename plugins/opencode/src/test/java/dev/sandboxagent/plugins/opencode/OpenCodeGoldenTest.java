package dev.sandboxagent.plugins.opencode;

import dev.sandboxagent.testkit.GoldenFiles;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** The recorded {@code opencode serve} event streams: checked-in translations and the invariants. */
class OpenCodeGoldenTest {

  @TestFactory
  Stream<DynamicNode> goldenFiles() {
    return GoldenFiles.forAdapter(new OpenCodeAdapter()).tests();
  }
}
