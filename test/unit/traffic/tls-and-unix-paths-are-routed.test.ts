import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterPrimary, tally } from './router-client.js';

t.test('an HTTPS server is routed: the primary sends raw TCP handles, TLS runs in the worker', async (t) => {
  const p = await RouterPrimary.start(t);
  const { port } = (await p.fork(1, 1, { MODE: 'https', PORT: '0' })) as { port: number };
  await p.fork(2, 1, { MODE: 'https', PORT: '0' });
  p.routable(1, true);
  p.routable(2, true);
  t.same(Object.fromEntries(await tally({ port, tls: true }, 40)), { 1: 20, 2: 20 });
});

t.test('a unix path is routed, and server.address() is the path', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotctl-tr-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 's.sock');
  const p = await RouterPrimary.start(t);
  t.equal(await p.fork(1, 1, { MODE: 'unix', SOCK: sock }), sock);
  t.equal(await p.fork(2, 1, { MODE: 'unix', SOCK: sock }), sock);
  p.routable(1, true);
  p.routable(2, true);
  t.same(Object.fromEntries(await tally({ socketPath: sock }, 40)), { 1: 20, 2: 20 });
});
