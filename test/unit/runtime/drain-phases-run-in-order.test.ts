// In-process: the drain's phases against a real HTTP server, without node:cluster.
import t from 'tap';
import { Agent, createServer } from 'node:http';
import { once } from 'node:events';
import { DRAIN_PHASES, drain, ShutdownHooks, type DrainPhase } from '../../../src/runtime/drain.js';
import { ServerRegistry } from '../../../src/runtime/servers.js';
import { get, within } from './harness-client.js';

const registry = new ServerRegistry(() => {});
registry.install();

t.test('the phases are, in order: stop accepting, the app shutdown code, finish in-flight, close idle, hooks', async (t) => {
  t.same(DRAIN_PHASES, ['stop-accepting', 'app-shutdown', 'finish-in-flight', 'close-idle', 'shutdown-hooks']);
});

t.test('a drain runs every phase in order, closes the idle keep-alive connection, then runs the hooks', async (t) => {
  const server = createServer((req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await within(once(server, 'listening'), 'the server to listen');
  t.ok(registry.listening.has(server), 'the listening server is tracked');
  const port = (server.address() as { port: number }).port;

  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  t.equal((await get(port, '/', { agent })).status, 200);
  t.equal(registry.requestsServed, 1);
  t.equal(registry.requestsInFlight, 0);
  const idle = Object.values(agent.freeSockets).flat();
  t.equal(idle.length, 1, 'one idle kept-alive connection');
  const clientSawClose = once(idle[0]!, 'close');

  const seen: string[] = [];
  const hooks = new ShutdownHooks();
  hooks.add(() => void seen.push(`hook, server still listening: ${server.listening}`));
  const removed = hooks.add(() => void seen.push('removed hook'));
  removed();
  await within(drain({ servers: registry, hooks, graceMs: 50, onPhase: (phase: DrainPhase) => void seen.push(phase) }), 'the drain');
  t.same(seen, [...DRAIN_PHASES, 'hook, server still listening: false']);
  t.equal(registry.listening.size, 0, 'the closed server is no longer tracked');
  await within(clientSawClose, 'the client to see its connection close');
  t.pass('the server closed the idle connection');
});

t.test('hooks: in order; a throwing or hung hook does not stop the others', async (t) => {
  const hooks = new ShutdownHooks();
  const seen: number[] = [];
  hooks.add(async () => void seen.push(1));
  hooks.add(() => {
    throw new Error('hook 2 fails');
  });
  hooks.add(() => new Promise<void>(() => void seen.push(3)));
  hooks.add(() => void seen.push(4));
  const stderr = process.stderr.write;
  const written: string[] = [];
  process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    await within(hooks.run(30), 'the hooks');
  } finally {
    process.stderr.write = stderr;
  }
  t.same(seen, [1, 3, 4]);
  t.match(written.join(''), /a shutdown hook failed: Error: hook 2 fails/);
  t.match(written.join(''), /did not finish within 30 ms/);
});
