import t from 'tap';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { app, freePort, Harness, within } from './harness-client.js';

function echo(socket: Socket, text: string): Promise<string> {
  const answer = new Promise<string>((resolve) => {
    socket.once('data', (data) => resolve(data.toString()));
    socket.write(text);
  });
  return within(answer, `the echo of '${text}'`);
}

t.test('a raw TCP server stops accepting; its open connection keeps working until the client ends it', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  await h.fork('w1', app('tcp-echo.cjs'), { env: { PORT: String(port) } });
  t.same(await h.waitForMessage('w1', 'ready'), { hotctl: 1, type: 'ready', via: 'listening' }, 'a TCP server counts for readiness');

  const socket = connect(port, '127.0.0.1');
  t.teardown(() => void socket.destroy());
  await within(once(socket, 'connect'), 'the connection');
  t.equal(await echo(socket, 'before'), 'before');

  h.shutdown('w1', 50);
  await h.waitForAppMessage('w1', 'saw-shutdown');
  t.equal(await echo(socket, 'during'), 'during', 'the connection survives the drain and its grace period');

  socket.end();
  t.match(await h.waitForMessage('w1', 'drained'), { hotctl: 1, type: 'drained', served: 0 });
  t.same(await h.waitForExit('w1'), { code: 0, signal: null });
});
