/**
 * SHA-1 of a short string, base64: what the WebSocket opening handshake checks
 * (Sec-WebSocket-Accept, RFC 6455 §4.2.2). Here so the CLI need not import `node:crypto`: an
 * ES module import of it evaluates all of its exports (webcrypto, ciphers, keys…), 10–18 ms on
 * the loaded bench machine for one 60-byte hash (bench/RESULTS.md, section 12).
 * test/unit/cli/sha1.test.ts compares it with node:crypto.
 */
export function sha1Base64(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const bitLength = bytes.length * 8;
  const padded = Buffer.alloc(Math.ceil((bytes.length + 9) / 64) * 64);
  bytes.copy(padded);
  padded[bytes.length] = 0x80;
  padded.writeUInt32BE(Math.floor(bitLength / 0x1_0000_0000), padded.length - 8);
  padded.writeUInt32BE(bitLength >>> 0, padded.length - 4);
  let [h0, h1, h2, h3, h4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Uint32Array(80);
  const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = padded.readUInt32BE(block + i * 4);
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
    let [a, b, c, d, e] = [h0, h1, h2, h3, h4];
    for (let i = 0; i < 80; i++) {
      const [f, k] = i < 20 ? [(b & c) | (~b & d), 0x5a827999] : i < 40 ? [b ^ c ^ d, 0x6ed9eba1] : i < 60 ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc] : [b ^ c ^ d, 0xca62c1d6];
      const temp = (rotl(a, 5) + f + e + k + w[i]!) >>> 0;
      [e, d, c, b, a] = [d, c, rotl(b, 30) >>> 0, a, temp];
    }
    [h0, h1, h2, h3, h4] = [(h0 + a) >>> 0, (h1 + b) >>> 0, (h2 + c) >>> 0, (h3 + d) >>> 0, (h4 + e) >>> 0];
  }
  const digest = Buffer.alloc(20);
  [h0, h1, h2, h3, h4].forEach((h, i) => digest.writeUInt32BE(h, i * 4));
  return digest.toString('base64');
}

/** `n` bytes from Math.random: for the handshake key and frame masks of a local socket (see unix-websocket.ts). */
export function looseRandomBytes(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(Math.random() * 256);
  return out;
}
