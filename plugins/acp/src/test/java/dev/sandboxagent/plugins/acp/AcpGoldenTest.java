package dev.sandboxagent.plugins.acp;

import dev.sandboxagent.testkit.GoldenFiles;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** The recorded ACP streams: checked-in translations and the invariants. */
class AcpGoldenTest {

  @TestFactory
  Stream<DynamicNode> goldenFiles() {
    return GoldenFiles.forAdapter(AcpTestEntries.adapter("copilot")).tests();
  }
}
