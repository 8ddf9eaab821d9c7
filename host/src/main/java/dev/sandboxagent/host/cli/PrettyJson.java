package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON as the command line prints it: two-space indentation, {@code "key": value}, one member or
 * element per line, {@code {}} and {@code []} for empty containers, no trailing newline. Members
 * keep the order they arrived in.
 */
final class PrettyJson {

  private PrettyJson() {}

  static String render(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, 0, out);
    return out.toString();
  }

  private static void write(JsonNode node, int depth, StringBuilder out) {
    if (node.isObject() && !node.isEmpty()) {
      out.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> members = node.properties().iterator();
      while (members.hasNext()) {
        Map.Entry<String, JsonNode> member = members.next();
        indent(depth + 1, out);
        out.append(TextNode.valueOf(member.getKey())).append(": ");
        write(member.getValue(), depth + 1, out);
        out.append(members.hasNext() ? ",\n" : "\n");
      }
      indent(depth, out);
      out.append('}');
    } else if (node.isArray() && !node.isEmpty()) {
      out.append("[\n");
      for (int i = 0; i < node.size(); i++) {
        indent(depth + 1, out);
        write(node.get(i), depth + 1, out);
        out.append(i + 1 < node.size() ? ",\n" : "\n");
      }
      indent(depth, out);
      out.append(']');
    } else {
      out.append(node); // scalars and empty containers: Jackson's compact form is already right
    }
  }

  private static void indent(int depth, StringBuilder out) {
    out.append("  ".repeat(depth));
  }
}
