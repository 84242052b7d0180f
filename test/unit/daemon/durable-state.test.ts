import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Operation } from '../../../src/cluster/operation.js';
import type { DaemonEvent } from '../../../src/protocol/index.js';
import { DurableState } from '../../../src/daemon/durable-state.js';
import { STATE_VERSION } from '../../../src/daemon/state-store.js';

const snapshot = () => ({ version: STATE_VERSION, saved_at: new Date().toISOString(), apps: [] });

function ended(): DaemonEvent {
  const op = new Operation('api', 'stop', 1, () => {});
  op.transition('draining_old');
  op.transition('succeeded');
  return { kind: 'operation', at: new Date().toISOString(), app: 'api', operation: op.snapshot() };
}

t.test('an operation that ends is written at once; its steps say nothing more when the write worked', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hds-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'state.json');
  const state = new DurableState(file, snapshot, () => {}, () => {});
  t.teardown(() => state.stop());
  const event = ended();
  const steps = event.kind === 'operation' ? event.operation.steps.length : -1;
  state.settle(event);
  t.equal(JSON.parse(readFileSync(file, 'utf8')).version, STATE_VERSION, 'written');
  t.equal(event.kind === 'operation' && event.operation.steps.length, steps);
  t.equal(state.notice, null);
});

t.test('a state that cannot be written: a notice, said once, and a warning in the ended operation', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hds-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  let told = 0;
  const state = new DurableState(join(dir, 'missing', 'state.json'), snapshot, (l) => lines.push(l), () => told++);
  t.teardown(() => state.stop());
  const event = ended();
  state.settle(event);
  t.match(state.notice, /^Cannot write .*state\.json/);
  t.equal(told, 1);
  t.equal(lines.length, 1);
  t.match(event.kind === 'operation' && event.operation.steps.at(-1)?.message, /^warning: Cannot write /);
});

t.test('events other than an ended operation are left alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hds-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const state = new DurableState(join(dir, 'missing', 'state.json'), snapshot, () => {}, () => {});
  t.teardown(() => state.stop());
  const running = new Operation('api', 'reload', 1, () => {});
  running.transition('starting');
  state.settle({ kind: 'operation', at: '', app: 'api', operation: running.snapshot() });
  state.settle({ kind: 'log', at: '', app: 'api', worker_id: 1, revision: 1, stream: 'out', text: 'x' });
  t.equal(state.notice, null, 'nothing was written, so nothing failed');
});

// The answer of an operation does not wait for the disk: the file is replaced before the event
// goes out (what a daemon started again after a crash reads), its fsync comes after.
t.test('an ended operation: the state file replaced before its event is published, fsynced after', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hds-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
  const fsync = fs.fsyncSync;
  const synced: number[] = [];
  fs.fsyncSync = (fd: number) => {
    synced.push(fd);
    fsync(fd);
  };
  syncBuiltinESMExports();
  t.teardown(() => {
    fs.fsyncSync = fsync;
    syncBuiltinESMExports();
  });
  const file = join(dir, 'state.json');
  const state = new DurableState(file, snapshot, () => {}, () => {});
  t.teardown(() => state.stop());
  const event = ended();
  state.settle(event);
  t.equal(JSON.parse(readFileSync(file, 'utf8')).version, STATE_VERSION, 'the file is replaced before the event is published');
  t.equal(synced.length, 0, 'without waiting for the disk');
  state.settled(event);
  t.equal(synced.length, 0, 'not in the tick that publishes the event');
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(synced.length, 1, 'fsynced on the next turn');
  state.settled(event);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(synced.length, 1, 'once');
  state.flush();
  t.equal(synced.length, 2, 'any other write is fsynced before the file is replaced, as before');
});
