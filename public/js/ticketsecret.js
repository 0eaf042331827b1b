// A ticket's secret, read and checked in the browser, for the scanner's offline decisions (the format is the server's:
// base64url of payload ‖ Ed25519 signature (64 bytes); payload = format byte (1), varint event id, 16 bytes booking uuid,
// varint ticket ordinal n, kind byte (0 seat, 1 pool), varint seat or pool id, varint version; varint = unsigned LEB128).

/** base64url text → bytes, or null when it is not base64url. */
export function fromBase64url(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  const plain = text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (plain.length % 4 === 1) return null;
  try {
    return Uint8Array.from(atob(plain + "=".repeat((4 - (plain.length % 4)) % 4)), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The fields of a secret, or null when it does not parse: { format, eventId, bookingId, n, kind, seat, pool, version,
 * ticketId, payload, signature }. */
export function parseSecret(secret) {
  const bytes = fromBase64url(String(secret).trim());
  if (!bytes || bytes.length < 64 + 1 + 1 + 16 + 1 + 1 + 1 + 1) return null;
  const payload = bytes.subarray(0, bytes.length - 64);
  const signature = bytes.subarray(bytes.length - 64);
  let at = 0;
  const varint = () => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i += 1) {
      if (at >= payload.length) throw new Error("cut off");
      const byte = payload[at++];
      value += (byte & 0x7f) * scale;
      if (!(byte & 0x80)) return value;
      scale *= 128;
    }
    throw new Error("varint too long");
  };
  try {
    const format = payload[at++];
    if (format !== 1) return null;
    const eventId = varint();
    if (at + 16 > payload.length) return null;
    const hex = Array.from(payload.subarray(at, at + 16), (byte) => byte.toString(16).padStart(2, "0")).join("");
    at += 16;
    const bookingId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const n = varint();
    const kind = payload[at++];
    if (kind !== 0 && kind !== 1) return null;
    const place = varint();
    const version = varint();
    if (at !== payload.length) return null;
    return { format, eventId, bookingId, n, kind, seat: kind === 0 ? place : null, pool: kind === 1 ? place : null, version,
      ticketId: `${bookingId}.${n}`, payload, signature };
  } catch {
    return null;
  }
}

const keys = new Map();
/** Whether a parsed secret's signature is the event key's (base64url of the 32 raw bytes of an Ed25519 public key);
 * null when this browser's WebCrypto has no Ed25519 (or no crypto.subtle: not a secure context). */
export async function verifySecret(parsed, publicKey) {
  if (!globalThis.crypto?.subtle) return null;
  let key;
  try {
    if (!keys.has(publicKey)) {
      const raw = fromBase64url(publicKey);
      if (!raw || raw.length !== 32) return false;
      keys.set(publicKey, crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]));
    }
    key = await keys.get(publicKey);
  } catch (error) {
    keys.delete(publicKey);
    return error?.name === "NotSupportedError" ? null : false;
  }
  try {
    return await crypto.subtle.verify({ name: "Ed25519" }, key, parsed.signature, parsed.payload);
  } catch {
    return false;
  }
}
