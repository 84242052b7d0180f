'use strict';
// The floor of any Node CLI asking the daemon its status (bench/RESULTS.md section 31c): connect to
// $HOTCTL_HOME/daemon.sock, write the upgrade request, the hello and `status` in one write, print
// the answer's frame, exit. No checks, no rendering: what Node itself costs for one question.
const net = require('node:net');

const socket = net.connect(`${process.env.HOTCTL_HOME}/daemon.sock`);
const frame = (text) => {
  const payload = Buffer.from(text);
  const out = Buffer.alloc(6 + payload.length); // a zero mask: payload bytes unchanged
  out[0] = 0x81;
  out[1] = 0x80 | payload.length;
  payload.copy(out, 6);
  return out;
};
socket.on('connect', () =>
  socket.write(
    Buffer.concat([
      Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'),
      frame('{"id":1,"method":"hello","params":{"client_version":"0.1.0","protocol":1}}'), // refused or not, status is answered
      frame('{"id":2,"method":"status","params":{}}'),
    ]),
  ),
);
let got = Buffer.alloc(0);
// The answer's frames follow the 101's head; the second text frame is status's answer.
socket.on('data', (chunk) => {
  got = Buffer.concat([got, chunk]);
  let at = got.indexOf('\r\n\r\n');
  if (at === -1) return;
  at += 4;
  for (let frames = 0; at + 2 <= got.length; frames++) {
    const short = got[at + 1] & 0x7f;
    const head = short === 126 ? 4 : short === 127 ? 10 : 2;
    const length = short === 126 ? got.readUInt16BE(at + 2) : short === 127 ? Number(got.readBigUInt64BE(at + 2)) : short;
    if (at + head + length > got.length) return;
    if (frames === 1) {
      process.stdout.write(got.subarray(at + head, at + head + length));
      process.exit(0);
    }
    at += head + length;
  }
});
