package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An answer reformatted token by token reads the same as rendered from the mapper's tree. */
class PrettyJsonTest {

  @Test
  void reformattingIsRenderingTheTree() throws Exception {
    for (String json : List.of("{}", "[]", "0", "-12", "\"text\"", "true", "null",
        "{\"a\":{},\"b\":[],\"c\":[{}],\"d\":[[1,2],[]],\"e\":{\"f\":{\"g\":null}}}",
        "{\"int\":2147483647,\"long\":9223372036854775807,\"big\":123456789012345678901234567890,"
            + "\"neg\":-1,\"float\":1.5,\"exp\":1e10,\"small\":1.25E-7,\"zero\":0.0,\"frac\":0.1}",
        "{\"s\":\"quote \\\" backslash \\\\ tab \\t newline \\n ctrl \\u0001 unicode \u00e9\u4e2d\ud83d\ude00 "
            + "escaped \\u00e9 slash \\/\"}",
        "  {\"spaced\" :  [ 1 , 2 ] }  ", "{\"a\":1} trailing", "[1,{\"x\":[true,false,null]},\"y\"]")) {
      assertThat(PrettyJson.reformat(json)).as(json)
          .isEqualTo(PrettyJson.render(PrettyJson.mapper().readTree(json)));
    }
    assertThat(PrettyJson.reformat("{\"a\":[1],\"b\":{}}")).isEqualTo("{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}");
  }

  @Test
  void textThatIsNotJsonIsRefused() {
    for (String text : List.of("", "   ", "not json", "{\"a\":", "<html></html>", "{\"a\" 1}")) {
      assertThatThrownBy(() -> PrettyJson.reformat(text)).as(text).isInstanceOf(IOException.class);
    }
  }
}
