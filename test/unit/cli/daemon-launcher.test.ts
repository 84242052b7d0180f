/** Starting the daemon on demand, with stand-in daemon scripts (the real one is tested by the lead's integration tests). */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import t from 'tap';
import { connectDaemon } from '../../../src/cli/daemon-launcher.js';
import { isProcessAlive as processAlive } from '../../../src/platform/process-alive.js';
import { createOutput } from '../../../src/cli/output.js';
import { HotctlError, PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { HOTCTL_VERSION } from '../../../src/version.js';
import { tempHome } from './fixtures/fake-daemon.js';

const wsPath = createRequire(import.meta.url).resolve('ws');
const quiet = createOutput({ stdout: { write: () => true }, stderr: { write: () => true }, env: {} }, false);

/** A stand-in daemon: listens on HOTCTL_HOME/daemon.sock and answers hello. */
const GOOD_DAEMON = `
const { createServer } = require('node:http');
const { join } = require('node:path');
const { WebSocketServer } = require(${JSON.stringify(wsPath)});
const home = process.env.HOTCTL_HOME;
const http = createServer();
const wss = new WebSocketServer({ server: http });
wss.on('connection', (ws) => ws.on('message', (data) => {
  const req = JSON.parse(String(data));
  ws.send(JSON.stringify({ id: req.id, ok: true, result: { pid: process.pid, version: ${JSON.stringify(HOTCTL_VERSION)}, protocol: ${PROTOCOL_VERSION}, home, mode: 'daemon', uptime_ms: 1, http: null } }));
}));
console.log('stand-in daemon starting');
// Listen a little later, so the CLI has to retry.
setTimeout(() => http.listen(join(home, 'daemon.sock')), 150);
setTimeout(() => process.exit(0), 20000).unref();
`;

const BAD_DAEMON = `console.error('boom: cannot open the state file'); process.exit(1);`;

function setUp(t: { teardown(fn: () => void): void }, script: string) {
  const dir = tempHome();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const entry = join(dir, 'daemon.cjs');
  writeFileSync(entry, script);
  const home = join(dir, 'home');
  return { home, entry, env: { ...process.env, HOTCTL_HOME: home } };
}

t.test('without a daemon and start: false, nothing is started', async (t) => {
  const { home, entry, env } = setUp(t, GOOD_DAEMON);
  t.equal(await connectDaemon({ home, start: false, out: quiet, env, daemonEntry: entry }), null);
  t.notOk(existsSync(home));
});

t.test('a daemon is spawned detached, waited for, and greeted', async (t) => {
  const { home, entry, env } = setUp(t, GOOD_DAEMON);
  const conn = await connectDaemon({ home, start: true, out: quiet, env, daemonEntry: entry });
  t.ok(conn);
  t.teardown(() => {
    conn!.client.close();
    if (processAlive(conn!.info.pid)) process.kill(conn!.info.pid, 'SIGKILL');
  });
  t.equal(conn!.started, true);
  t.not(conn!.info.pid, process.pid);
  t.equal(statSync(home).mode & 0o777, 0o700, 'HOTCTL_HOME is created with mode 0700');
  t.match(readFileSync(join(home, 'daemon.log'), 'utf8'), /stand-in daemon starting/, 'its output goes to daemon.log');
  // A second CLI finds the running daemon.
  const again = await connectDaemon({ home, start: true, out: quiet, env, daemonEntry: entry });
  t.equal(again!.started, false);
  t.equal(again!.info.pid, conn!.info.pid);
  again!.client.close();
});

t.test('a daemon that exits before listening: E_DAEMON_START_FAILED with the log tail', async (t) => {
  const { home, entry, env } = setUp(t, BAD_DAEMON);
  const err = (await connectDaemon({ home, start: true, out: quiet, env, daemonEntry: entry }).catch((e: unknown) => e)) as HotctlError;
  t.ok(err instanceof HotctlError);
  t.equal(err.code, 'E_DAEMON_START_FAILED');
  t.equal(err.exitCode, 3);
  const log = err.details?.log as string[];
  t.ok(log.some((line) => line.includes('boom')), 'the daemon log tail is in the error');
});

t.test('a daemon that never listens: E_DAEMON_START_FAILED after the start timeout', async (t) => {
  const { home, entry, env } = setUp(t, 'setTimeout(() => {}, 5000);');
  const err = (await connectDaemon({ home, start: true, out: quiet, env, daemonEntry: entry, startTimeoutMs: 300 }).catch((e: unknown) => e)) as HotctlError;
  t.equal(err.code, 'E_DAEMON_START_FAILED');
  const pid = err.details?.pid as number;
  t.type(pid, 'number');
  // It was sent SIGTERM; wait for it to be gone (its exit is not ours to observe: it is detached).
  const deadline = Date.now() + 5000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.notOk(processAlive(pid), 'the daemon that never answered was stopped');
});
