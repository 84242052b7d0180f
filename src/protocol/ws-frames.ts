/**
 * RFC 6455 frames, for both ends of the control socket: the CLI's client (src/cli/unix-websocket.ts)
 * and the daemon's server (src/daemon/control-websocket.ts). What each end accepts differs (a
 * server takes masked frames only and bounds a message; a client reads what its daemon sends);
 * how a frame is laid out does not, and is here once.
 *
 * Bytes are moved with Uint8Array's own methods and indexing, not Buffer's copy/readUInt16BE/
 * writeUInt16BE: those are JavaScript in Node that a fresh process compiles on first use, ~0.1–0.15
 * ms each on the path of every CLI command, for a few bytes (bench/RESULTS.md, section 37).
 */

/** The GUID of the opening handshake's accept key: base64(sha1(key + WS_GUID)). */
export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** A frame's head, read off the start of a buffer. */
export interface FrameHead {
  fin: boolean;
  /** The RSV1-3 bits: no extension is ever negotiated, so a peer must leave them 0. */
  rsv: number;
  opcode: number;
  /** The 4-byte masking key (a client's frame), or null. */
  mask: Buffer | null;
  /** The payload's length; Infinity when the 64-bit length is beyond what a number holds exactly. */
  length: number;
  /** Where the payload starts. */
  offset: number;
}

/** The head of the frame that `b` starts with, or the number of bytes needed to read it. */
export function readFrameHead(b: Buffer): FrameHead | number {
  if (b.length < 2) return 2;
  const masked = (b[1]! & 0x80) !== 0;
  let length = b[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (b.length < 4) return 4;
    length = (b[2]! << 8) | b[3]!;
    offset = 4;
  } else if (length === 127) {
    if (b.length < 10) return 10;
    const high = b.readUInt32BE(2);
    length = high > 0x1fffff ? Infinity : high * 2 ** 32 + b.readUInt32BE(6);
    offset = 10;
  }
  if (masked && b.length < offset + 4) return offset + 4;
  return { fin: (b[0]! & 0x80) !== 0, rsv: b[0]! & 0x70, opcode: b[0]! & 0x0f, mask: masked ? b.subarray(offset, offset + 4) : null, length, offset: masked ? offset + 4 : offset };
}

/** The frame's payload (all of it must be in `b`), copied and unmasked. */
export function framePayload(b: Buffer, head: FrameHead): Buffer {
  const payload = Buffer.allocUnsafe(head.length);
  payload.set(b.subarray(head.offset, head.offset + head.length));
  const mask = head.mask;
  if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
  return payload;
}

/** One final frame: unmasked (a server's), or masked with the 4 bytes of `mask` (a client's). */
export function encodeFrame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const length = payload.length;
  const headLength = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const at = headLength + (mask ? 4 : 0);
  const out = Buffer.allocUnsafe(at + length);
  out[0] = 0x80 | opcode;
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) out[1] = maskBit | length;
  else if (length < 0x10000) {
    out[1] = maskBit | 126;
    out[2] = length >> 8;
    out[3] = length & 0xff;
  } else {
    out[1] = maskBit | 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  if (!mask) {
    out.set(payload, at);
    return out;
  }
  out.set(mask.subarray(0, 4), headLength);
  for (let i = 0; i < length; i++) out[at + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}
