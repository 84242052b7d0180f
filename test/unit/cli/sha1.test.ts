import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { looseRandomBytes, sha1Base64 } from '../../../src/cli/sha1.js';

t.test('sha1Base64 equals node:crypto for the handshake input and for lengths around the block edges', async (t) => {
  // RFC 6455 §1.3's example: key "dGhlIHNhbXBsZSBub25jZQ==" → accept "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
  t.equal(sha1Base64('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11'), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 200]) {
    const text = randomBytes(length).toString('latin1').replace(/[^\x20-\x7e]/g, 'x');
    t.equal(sha1Base64(text), createHash('sha1').update(text).digest('base64'), `${length} characters`);
  }
  t.equal(sha1Base64('é€'), createHash('sha1').update('é€').digest('base64'), 'utf8');
});

t.test('looseRandomBytes gives n bytes that vary', async (t) => {
  t.equal(looseRandomBytes(16).length, 16);
  t.not(looseRandomBytes(16).toString('hex'), looseRandomBytes(16).toString('hex'));
});
