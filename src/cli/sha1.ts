/**
 * SHA-1 of a short string, base64: what the WebSocket opening handshake checks
 * (Sec-WebSocket-Accept, RFC 6455 §4.2.2). Here so the CLI need not import `node:crypto`: an
 * ES module import of it evaluates all of its exports (webcrypto, ciphers, keys…), 10–18 ms on
 * the loaded bench machine for one 60-byte hash (bench/RESULTS.md, section 12).
 * test/unit/cli/sha1.test.ts compares it with node:crypto.
 */
export function sha1Base64(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const blocks = Math.ceil((bytes.length + 9) / 64);
  // The message, 0x80, zeros, then its length in bits (big-endian), as 32-bit words.
  const words = new Int32Array(blocks * 16);
  for (let i = 0; i < bytes.length; i++) words[i >> 2]! |= bytes[i]! << (24 - (i & 3) * 8);
  words[bytes.length >> 2]! |= 0x80 << (24 - (bytes.length & 3) * 8);
  words[words.length - 2] = Math.floor(bytes.length / 0x2000_0000);
  words[words.length - 1] = (bytes.length * 8) | 0;
  // One pass of plain integer arithmetic: no arrays made per round (in a fresh CLI this runs
  // interpreted, where each allocation and destructuring costs more than the round itself).
  const h = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const w = new Int32Array(80);
  for (let block = 0; block < words.length; block += 16) {
    for (let i = 0; i < 16; i++) w[i] = words[block + i]!;
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? (b & c) | (~b & d) : i < 40 || i >= 60 ? b ^ c ^ d : (b & c) | (b & d) | (c & d);
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
  }
  const digest = Buffer.alloc(20);
  for (let i = 0; i < 5; i++) digest.writeInt32BE(h[i]!, i * 4);
  return digest.toString('base64');
}

/** `n` bytes from Math.random: for the handshake key and frame masks of a local socket (see unix-websocket.ts). */
export function looseRandomBytes(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(Math.random() * 256);
  return out;
}
