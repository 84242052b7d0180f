import t from 'tap';
import { createServer } from 'node:net';
import { RouterPrimary, tally } from './router-client.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

t.test("a second app's listen on the first app's port fails with EADDRINUSE; the first keeps serving", async (t) => {
  const port = String(await freePort());
  const p = await RouterPrimary.start(t);
  await p.fork(1, 1, { PORT: port, HOTCTL_APP: 'a' });
  p.command({ op: 'routable', app: 'a', id: 1, on: true });
  await t.rejects(p.fork(2, 1, { PORT: port, HOTCTL_APP: 'b' }), { code: 'EADDRINUSE' });
  t.same([...(await tally({ port: Number(port) }, 10))], [['1', 10]]);
});

t.test('listen(0) in two apps: two sockets, two ports', async (t) => {
  const p = await RouterPrimary.start(t);
  const a = (await p.fork(1, 1, { PORT: '0', HOTCTL_APP: 'a' })) as { port: number };
  const b = (await p.fork(2, 1, { PORT: '0', HOTCTL_APP: 'b' })) as { port: number };
  t.not(a.port, b.port);
});
