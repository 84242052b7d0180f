import t from 'tap';
import { encodeFrame, framePayload, OP, readFrameHead } from '../../../src/protocol/ws-frames.js';

t.test('a frame encoded is read back, masked or not, at each length encoding (7, 16 and 64 bits)', async (t) => {
  const mask = Buffer.from([0xa1, 0x02, 0xf3, 0x44]);
  for (const length of [0, 1, 125, 126, 65_535, 65_536, 200_000]) {
    const payload = Buffer.alloc(length, 0x5a);
    for (let i = 0; i < length; i += 7) payload[i] = i & 0xff;
    for (const masked of [false, true]) {
      const frame = encodeFrame(OP.text, payload, masked ? mask : undefined);
      const head = readFrameHead(frame);
      if (typeof head === 'number') throw new Error(`head not read: needs ${head}`);
      t.same({ fin: head.fin, rsv: head.rsv, opcode: head.opcode, length: head.length, masked: head.mask !== null }, { fin: true, rsv: 0, opcode: OP.text, length, masked }, `${length} bytes, masked: ${masked}`);
      t.equal(head.offset + length, frame.length, 'the payload ends the frame');
      t.ok(framePayload(frame, head).equals(payload), 'the payload, unmasked');
      if (masked && length > 0) t.notOk(frame.subarray(head.offset).equals(payload), 'what is sent is masked');
    }
  }
});

t.test('a head that is not all there asks for the bytes it needs', async (t) => {
  const masked = encodeFrame(OP.binary, Buffer.alloc(70_000), Buffer.from([1, 2, 3, 4]));
  t.equal(readFrameHead(masked.subarray(0, 1)), 2);
  t.equal(readFrameHead(masked.subarray(0, 5)), 10, 'a 64-bit length');
  t.equal(readFrameHead(masked.subarray(0, 12)), 14, 'and its mask');
  t.equal(readFrameHead(encodeFrame(OP.ping, Buffer.alloc(300)).subarray(0, 3)), 4, 'a 16-bit length');
});

t.test('RSV bits and a length past what a number holds exactly are reported, not guessed', async (t) => {
  const rsv = Buffer.from([0x80 | 0x40 | OP.text, 0]);
  t.equal((readFrameHead(rsv) as { rsv: number }).rsv, 0x40);
  const huge = Buffer.from([0x80 | OP.text, 127, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  t.equal((readFrameHead(huge) as { length: number }).length, Infinity);
});
