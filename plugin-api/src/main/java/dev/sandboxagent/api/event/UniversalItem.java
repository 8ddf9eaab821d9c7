package dev.sandboxagent.api.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A snapshot of one item of a conversation: a message, a tool call, a tool result, a status...
 *
 * <p>Translators usually leave {@code itemId} empty and set {@code nativeItemId}; the host's
 * normalizer then assigns a daemon id ({@code itm_<n>}). A non-empty {@code itemId} is kept as is.
 * {@code parentId} may name a daemon id ({@code itm_...}) or a native id, which the host maps.
 *
 * @param itemId daemon item id, or {@code ""} to let the host assign one
 * @param nativeItemId the agent's id for the item, or null
 * @param parentId id of the parent item, or null
 * @param kind the item kind
 * @param role the role, or null
 * @param content ordered content parts (copied)
 * @param status lifecycle status of this snapshot
 */
@JsonPropertyOrder({"item_id", "native_item_id", "parent_id", "kind", "role", "content", "status"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UniversalItem(
    @JsonProperty("item_id") String itemId,
    @JsonProperty("native_item_id") String nativeItemId,
    @JsonProperty("parent_id") String parentId,
    ItemKind kind,
    ItemRole role,
    List<ContentPart> content,
    ItemStatus status) {

  /** Validates and copies. */
  public UniversalItem {
    requireNonNull(itemId, "itemId is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(content, "content is null");
    requireNonNull(status, "status is null");
    content = List.copyOf(content);
  }

  /** Creates an item without a daemon id, to be assigned by the host. */
  public static UniversalItem of(
      String nativeItemId, ItemKind kind, ItemRole role, List<ContentPart> content, ItemStatus status) {
    return new UniversalItem("", nativeItemId, null, kind, role, content, status);
  }

  /** A completed status item of the system: {@code [status: label, detail]}. */
  public static UniversalItem status(String nativeItemId, String label, String detail) {
    return of(nativeItemId, ItemKind.STATUS, ItemRole.SYSTEM, List.of(new ContentPart.Status(label, detail)),
        ItemStatus.COMPLETED);
  }

  /**
   * A completed status item of {@code label} carrying a turn's {@code usage}.
   *
   * @since 1.3
   */
  public static UniversalItem status(String nativeItemId, String label, String detail, Usage usage) {
    return of(nativeItemId, ItemKind.STATUS, ItemRole.SYSTEM, List.of(new ContentPart.Status(label, detail, usage)),
        ItemStatus.COMPLETED);
  }

  /** Returns a copy with another daemon id. */
  public UniversalItem withItemId(String newItemId) {
    return new UniversalItem(newItemId, nativeItemId, parentId, kind, role, content, status);
  }

  /** Returns a copy with another native id. */
  public UniversalItem withNativeItemId(String newNativeItemId) {
    return new UniversalItem(itemId, newNativeItemId, parentId, kind, role, content, status);
  }

  /** Returns a copy with another parent id. */
  public UniversalItem withParentId(String newParentId) {
    return new UniversalItem(itemId, nativeItemId, newParentId, kind, role, content, status);
  }

  /** Returns a copy with another status. */
  public UniversalItem withStatus(ItemStatus newStatus) {
    return new UniversalItem(itemId, nativeItemId, parentId, kind, role, content, newStatus);
  }
}
