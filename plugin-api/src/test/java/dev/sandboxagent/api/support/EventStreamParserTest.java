package dev.sandboxagent.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamParserTest {

  private static List<EventStreamParser.Frame> parse(String text) throws IOException {
    EventStreamParser parser = new EventStreamParser(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    List<EventStreamParser.Frame> frames = new ArrayList<>();
    EventStreamParser.Frame f;
    while ((f = parser.next()) != null) {
      frames.add(f);
    }
    return frames;
  }

  @Test
  void readsFramesWithIdAndOneDataLine() throws IOException {
    assertThat(parse("id: 1\ndata: {\"a\":1}\n\nid: 2\ndata: {\"b\":2}\n\n")).containsExactly(
        new EventStreamParser.Frame("1", null, "{\"a\":1}"), new EventStreamParser.Frame("2", null, "{\"b\":2}"));
  }

  @Test
  void acceptsCrLfAndLoneCrLineEnds() throws IOException {
    assertThat(parse("id: 1\r\ndata: x\r\n\r\nid: 2\rdata: y\r\rdata:z\n\n")).containsExactly(
        new EventStreamParser.Frame("1", null, "x"), new EventStreamParser.Frame("2", null, "y"), new EventStreamParser.Frame(null, null, "z"));
  }

  @Test
  void skipsCommentsSuchAsKeepAlives() throws IOException {
    assertThat(parse(": keep-alive\n\n:another\nid: 7\n: inside\ndata: e\n\n: trailing\n\n"))
        .containsExactly(new EventStreamParser.Frame("7", null, "e"));
  }

  @Test
  void joinsMultiLineDataWithLineFeeds() throws IOException {
    assertThat(parse("event: message\ndata: one\ndata:two\ndata\ndata:  three\n\n"))
        .containsExactly(new EventStreamParser.Frame(null, "message", "one\ntwo\n\n three"));
  }

  @Test
  void dropsAFrameCutOffByTheEndOfTheStream() throws IOException {
    assertThat(parse("id: 1\ndata: whole\n\nid: 2\ndata: cut")).containsExactly(new EventStreamParser.Frame("1", null, "whole"));
    assertThat(parse("id: 1\ndata: whole\n\nid: 2\ndata: cut\n")).containsExactly(new EventStreamParser.Frame("1", null, "whole"));
  }

  @Test
  void readsUtf8AcrossTheFrame() throws IOException {
    assertThat(parse("data: h\u00e9llo \u2603\n\n")).containsExactly(new EventStreamParser.Frame(null, null, "h\u00e9llo \u2603"));
  }

  @Test
  void aByteOrderMarkAtTheStartIsSkipped() throws IOException {
    assertThat(parse("\uFEFFid: 1\ndata: x\n\n")).containsExactly(new EventStreamParser.Frame("1", null, "x"));
    assertThat(parse("data: \uFEFFkept\n\n")).containsExactly(new EventStreamParser.Frame(null, null, "\uFEFFkept"));
  }
}
