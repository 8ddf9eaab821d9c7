package dev.sandboxagent.api.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void figuresAddUpAndOnesNobodyReportedStayUnknown() {
    Usage a = new Usage(100L, 20L, null, 3L, 0.25, null);
    Usage b = new Usage(50L, null, 7L, null, 0.5, 1200L);

    assertThat(a.plus(b)).isEqualTo(new Usage(150L, 20L, 7L, 3L, 0.75, 1200L));
    assertThat(Usage.NONE.plus(Usage.NONE)).isEqualTo(Usage.NONE);
    assertThat(Usage.NONE.isEmpty()).isTrue();
    assertThat(b.isEmpty()).isFalse();
  }

  @Test
  void theJsonHoldsOnlyTheReportedFiguresAndAStatusWithoutUsageIsUnchanged() throws Exception {
    ContentPart.Status turn = new ContentPart.Status("turn.completed", null, new Usage(10L, 5L, 0L, null, null, 42L));

    assertThat(MAPPER.writeValueAsString(turn)).isEqualTo("{\"type\":\"status\",\"label\":\"turn.completed\","
        + "\"detail\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":5,\"cache_read_tokens\":0,\"duration_ms\":42}}");
    assertThat(MAPPER.writeValueAsString(new ContentPart.Status("turn.completed", "x", Usage.NONE)))
        .isEqualTo("{\"type\":\"status\",\"label\":\"turn.completed\",\"detail\":\"x\"}");
    UniversalItem item = UniversalItem.status("s1", "turn.completed", null, turn.usage());
    assertThat(MAPPER.readValue(MAPPER.writeValueAsString(item), UniversalItem.class).content())
        .isEqualTo(List.of(turn));
  }
}
