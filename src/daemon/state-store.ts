/**
 * The daemon's state on disk: apps, specs (with env: the file is 0600 and never served),
 * revisions and history. Written atomically — temp file, fsync, rename — after every change
 * (coalesced), so a daemon killed at any moment leaves either the old or the new state, whole.
 * A file that cannot be read back is reported and kept aside, never silently discarded.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { SupervisorRecord } from '../cluster/supervisor.js';
import { HotctlError } from '../protocol/index.js';

export const STATE_VERSION = 1;

export interface StateFile {
  version: number;
  saved_at: string;
  apps: SupervisorRecord[];
}

export type LoadedState = { kind: 'none' } | { kind: 'ok'; state: StateFile } | { kind: 'corrupt'; keptAs: string; reason: string };

/**
 * Reads the state file. One that cannot be read (a directory in its place, bad permissions) or
 * parsed is renamed aside (`state.json.corrupt-<time>`) and reported; when even that fails, this
 * throws E_HOME_UNSAFE: the daemon must not run without a place to keep its state.
 */
export function loadState(path: string): LoadedState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return keepAside(path, `cannot be read: ${(err as Error).message}`);
  }
  try {
    return { kind: 'ok', state: parseState(text) };
  } catch (err) {
    return keepAside(path, (err as Error).message);
  }
}

/** The state in `text`; throws (with the reason) unless it is whole. */
export function parseState(text: string): StateFile {
  const state = JSON.parse(text) as StateFile;
  if (typeof state !== 'object' || state === null || !Array.isArray(state.apps)) throw new Error('no "apps" list');
  for (const app of state.apps) {
    if (typeof app?.name !== 'string' || typeof app.spec?.script !== 'string' || !Array.isArray(app.revisions)) throw new Error('an app record is incomplete');
  }
  return state;
}

function keepAside(path: string, reason: string): LoadedState {
  const keptAs = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(path, keptAs);
  } catch (err) {
    throw new HotctlError('E_HOME_UNSAFE', `The state file ${path} ${reason}, and it cannot be moved aside: ${(err as Error).message}.`, {
      hint: `Move ${path} away yourself (or fix its permissions), then start hotctl again.`,
      details: { path },
    });
  }
  return { kind: 'corrupt', keptAs, reason };
}

/** Writes `state` to `path` atomically, mode 0600. */
export function writeStateAtomic(path: string, state: StateFile): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Coalesces change notifications into at most one write per `delayMs`. */
export class StateWriter {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => StateFile,
    private readonly onError: (err: Error) => void,
    private readonly delayMs = 50,
  ) {}

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      writeStateAtomic(this.path, this.snapshot());
    } catch (err) {
      this.onError(err as Error);
    }
  }
}
