// The waiting room's proof of work, off the page's thread: finds a nonce such that SHA-256 of the UTF-8 bytes of
// challenge + nonce starts with `difficulty` zero bits. SHA-256 is written out here (crypto.subtle answers each hash
// with a promise, far too slowly for the hundreds of thousands a proof may take); the challenge's whole 64-byte
// blocks are hashed once, and each try hashes only the last one or two blocks.
//
// In:  { challenge, difficulty }  → out: { type: "progress", tried } now and then, then { type: "solved", nonce, tried }.
// In:  { hash: "text" }           → out: { type: "hash", hex } (SHA-256 of the text's UTF-8 bytes, to check the hash).

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);

/** Runs the compression function on the 64 bytes of `bytes` at `offset`, updating the eight words of `state`. */
function compress(state, bytes, offset) {
  for (let i = 0; i < 16; i += 1) {
    const at = offset + i * 4;
    W[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
  }
  for (let i = 16; i < 64; i += 1) {
    const x = W[i - 15];
    const y = W[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
  for (let i = 0; i < 64; i += 1) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
}

/**
 * Hashes `prefix` (whole blocks of it once) followed by a short suffix that changes: `tail` is a buffer of up to two
 * blocks whose first `tailLength` bytes are the prefix's last partial block; `finish(suffixLength)` pads and hashes.
 */
class Hasher {
  constructor(prefix) {
    this.midstate = INITIAL.slice();
    const whole = prefix.length - (prefix.length % 64);
    for (let offset = 0; offset < whole; offset += 64) compress(this.midstate, prefix, offset);
    this.prefixLength = prefix.length;
    this.tailLength = prefix.length - whole;
    // The tail, a suffix of up to 64 bytes, the 0x80 byte and the 8 length bytes fit in three blocks.
    this.buffer = new Uint8Array(192);
    this.buffer.set(prefix.subarray(whole), 0);
    this.state = new Int32Array(8);
  }

  /** SHA-256 of the prefix and the `suffixLength` bytes written at `buffer[tailLength…]`, as eight words in `state`. */
  finish(suffixLength) {
    const buffer = this.buffer;
    const used = this.tailLength + suffixLength;
    const blocks = Math.ceil((used + 9) / 64);
    const end = blocks * 64;
    buffer[used] = 0x80;
    buffer.fill(0, used + 1, end - 8);
    // The message's length in bits, big-endian in the last 8 bytes (fits in 53 bits).
    const bits = (this.prefixLength + suffixLength) * 8;
    const high = Math.floor(bits / 0x100000000);
    buffer[end - 8] = high >>> 24;
    buffer[end - 7] = high >>> 16;
    buffer[end - 6] = high >>> 8;
    buffer[end - 5] = high;
    buffer[end - 4] = bits >>> 24;
    buffer[end - 3] = bits >>> 16;
    buffer[end - 2] = bits >>> 8;
    buffer[end - 1] = bits;
    this.state.set(this.midstate);
    for (let offset = 0; offset < end; offset += 64) compress(this.state, buffer, offset);
    return this.state;
  }
}

/** Whether the hash (eight words) starts with `bits` zero bits. */
function leadingZeros(state, bits) {
  let word = 0;
  while (bits >= 32) {
    if (state[word] !== 0) return false;
    word += 1;
    bits -= 32;
  }
  return bits === 0 || state[word] >>> (32 - bits) === 0;
}

/** SHA-256 of a text's UTF-8 bytes, in hex. */
function sha256Hex(text) {
  const bytes = new TextEncoder().encode(text);
  // Everything but the last partial block goes in as the prefix; the partial block is the tail, no suffix.
  const state = new Hasher(bytes).finish(0);
  return Array.from(state, (word) => (word >>> 0).toString(16).padStart(8, "0")).join("");
}

/** Tries nonces "0", "1", "2", … (decimal digits, counted up in place) until one gives the zero bits. */
function solve(challenge, difficulty) {
  const hasher = new Hasher(new TextEncoder().encode(challenge));
  const buffer = hasher.buffer;
  const start = hasher.tailLength;
  // The nonce's digits, most significant first, as ASCII; it starts as "0".
  let length = 1;
  buffer[start] = 0x30;
  let tried = 0;
  let reported = Date.now();
  for (;;) {
    tried += 1;
    if (leadingZeros(hasher.finish(length), difficulty)) {
      postMessage({ type: "solved", nonce: new TextDecoder().decode(buffer.subarray(start, start + length)), tried });
      return;
    }
    if ((tried & 0x3fff) === 0 && Date.now() - reported >= 100) {
      reported = Date.now();
      postMessage({ type: "progress", tried });
    }
    // The next number: add one to the last digit, carrying.
    let at = start + length - 1;
    while (at >= start && buffer[at] === 0x39) {
      buffer[at] = 0x30;
      at -= 1;
    }
    if (at >= start) {
      buffer[at] += 1;
    } else {
      // All nines: one digit more, "1" followed by zeros (at most 64 characters; 10^63 tries never happen).
      buffer[start] = 0x31;
      buffer.fill(0x30, start + 1, start + length + 1);
      length += 1;
    }
  }
}

self.onmessage = (message) => {
  const data = message.data || {};
  if (typeof data.hash === "string") {
    postMessage({ type: "hash", hex: sha256Hex(data.hash) });
    return;
  }
  solve(String(data.challenge), Math.max(0, Math.min(256, Number(data.difficulty) | 0)));
};
