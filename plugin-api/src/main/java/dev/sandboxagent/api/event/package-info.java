/**
 * The universal event model: the envelope {@link dev.sandboxagent.api.event.UniversalEvent}, one
 * {@link dev.sandboxagent.api.event.EventData} record per event type, items and their content parts.
 *
 * <p>Everything here is immutable data whose Jackson serialization is exactly the wire format of the
 * v1 API (snake_case inside events, nullable keys always present). Arbitrary JSON values (raw native
 * payloads, metadata, details, {@code json} content parts) are typed {@code Object}: a {@code null},
 * {@code Boolean}, {@code Number}, {@code String}, {@code List}, {@code Map}, or any object Jackson
 * can serialize, such as a {@code JsonNode}.
 */
package dev.sandboxagent.api.event;
