import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { hostAllowed, isLoopback, originAllowed, TokenGate } from '../../../src/daemon/http-access.js';

const req = (headers: Record<string, string>, remoteAddress = '127.0.0.1') => ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;
const at = { host: '127.0.0.1', port: 9716, allowRemote: false };

t.test('loopback names and addresses', async (t) => {
  for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) t.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '10.0.0.1', '::', 'example.com', '128.0.0.1']) t.notOk(isLoopback(h), h);
});

t.test('Host: a loopback name with our port, or none; anything else refused unless remote is allowed', async (t) => {
  for (const host of ['127.0.0.1:9716', 'localhost:9716', 'LOCALHOST:9716', '[::1]:9716']) t.ok(hostAllowed(req({ host }), at), host);
  t.ok(hostAllowed(req({}), at), 'absent: not a browser');
  for (const host of ['evil.example:9716', 'localhost:80', 'localhost']) t.notOk(hostAllowed(req({ host }), at), host);
  t.ok(hostAllowed(req({ host: 'localhost' }), { ...at, port: 80 }), 'port 80 may be left out');
  t.ok(hostAllowed(req({ host: 'evil.example' }), { ...at, allowRemote: true }));
});

t.test("Origin: absent or the listener's own", async (t) => {
  t.ok(originAllowed(req({}), at));
  t.ok(originAllowed(req({ origin: 'http://localhost:9716' }), at));
  t.notOk(originAllowed(req({ origin: 'http://evil.example' }), at));
  t.notOk(originAllowed(req({ origin: 'https://localhost:9716' }), at), 'not a scheme we serve');
  t.ok(originAllowed(req({ origin: 'https://dash.example', host: 'dash.example' }), { ...at, allowRemote: true }), 'remote: its own Host');
});

t.test('token gate: none configured, missing, wrong, right, and too many wrong guesses', async (t) => {
  t.same(new TokenGate(null).check(req({ authorization: 'Bearer x' })), { reason: 'actions_disabled' });
  const gate = new TokenGate('s3cret');
  t.equal(gate.check(req({ authorization: 'Bearer s3cret' })), null);
  t.match(gate.check(req({})), { reason: 'token_required', headers: { 'www-authenticate': 'Bearer realm="hotctl"' } });
  t.same(gate.check(req({ authorization: 'Bearer nope' })), { reason: 'token_invalid' });
  let last = null;
  for (let i = 0; i < 20 && last?.reason !== 'too_many_attempts'; i++) last = gate.check(req({ authorization: 'Bearer nope' }));
  t.match(last, { reason: 'too_many_attempts', headers: { 'retry-after': /^\d+$/ } });
  t.equal(gate.check(req({ authorization: 'Bearer s3cret' }, '127.0.0.2')), null, 'another address is not held back');
});
