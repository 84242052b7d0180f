/**
 * The daemon's state on disk: apps, specs (with env: the file is 0600 and never served),
 * revisions and history. Written atomically — temp file, fsync, rename — after every change
 * (coalesced), so a daemon killed at any moment leaves either the old or the new state, whole.
 * A file that cannot be read back is reported and kept aside, never silently discarded.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SupervisorRecord } from '../cluster/supervisor.js';
import { HotctlError, type DaemonMode } from '../protocol/index.js';
import { isoNow } from '../platform/iso-time.js';

export const STATE_VERSION = 1;

export interface StateFile {
  version: number;
  saved_at: string;
  /**
   * Who wrote it: a background daemon, or `hotctl run` in the foreground. A `run` state is not
   * restored by a CLI command in a daemon of its own (src/cli/daemon-launcher.ts): what runs
   * `hotctl run` (systemd, a container) starts it again, and must find the directory free.
   * Absent in files of earlier versions: taken as `daemon`.
   */
  mode?: DaemonMode;
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
  const keptAs = `${path}.corrupt-${isoNow().replace(/[:.]/g, '-')}`;
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

/**
 * Writes `state` to `path` atomically, mode 0600. On failure the temp file is removed.
 * `fsync: false` replaces the file without waiting for the disk: the new state is what any
 * process reads from then on (a daemon that dies and starts again included), and `syncState`
 * makes it durable against a power loss (durable-state.ts: after an operation's answer).
 */
export function writeStateAtomic(path: string, state: StateFile, { fsync = true } = {}): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(state)}\n`);
      if (fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Flushes the state file written with `fsync: false` to the disk. */
export function syncState(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Temp files left by a writer that died mid-write (`<name>.tmp-<pid>` of another pid), removed at start. */
export function removeStaleTempFiles(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = /\.json(?:\.bak)?\.tmp-(\d+)$/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** A failed write is retried this often until it succeeds. */
export const STATE_RETRY_MS = 1000;

/**
 * Coalesces change notifications into at most one write per `delayMs`. A write that fails
 * (disk full, directory gone) is reported once, retried every STATE_RETRY_MS, and the recovery
 * reported: the state in memory is never lost for a failed write, only not yet durable.
 */
export class StateWriter {
  private timer: NodeJS.Timeout | null = null;
  /** The error of the last write, or null when the state on disk is the latest. */
  failure: Error | null = null;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => StateFile,
    private readonly onError: (err: Error) => void,
    private readonly delayMs = 50,
    private readonly onRecovered: () => void = () => {},
  ) {}

  /** `hotctl update`: the daemon that does not (yet, or any more) own the state writes nothing. */
  frozen = false;

  changed(): void {
    if (this.timer || this.frozen) return;
    this.timer = setTimeout(() => this.flush(), this.failure ? STATE_RETRY_MS : this.delayMs);
    this.timer.unref();
  }

  /** The state file was replaced without fsync (`flush({ fsync: false })`) and not synced since. */
  private unsynced = false;

  /**
   * Writes now; true when the state on disk is the latest. `fsync: false`: replaced in the page
   * cache only (what a restarted daemon reads), until `sync()`.
   */
  flush({ fsync = true } = {}): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.frozen) return true;
    try {
      writeStateAtomic(this.path, this.snapshot(), { fsync });
      this.unsynced = !fsync;
    } catch (err) {
      const first = this.failure === null || this.failure.message !== (err as Error).message;
      this.failure = err as Error;
      if (first) this.onError(err as Error);
      this.changed();
      return false;
    }
    if (this.failure !== null) {
      this.failure = null;
      this.onRecovered();
    }
    return true;
  }

  /** Makes a `flush({ fsync: false })` durable; a failure is reported and the state written again. */
  sync(): void {
    if (!this.unsynced || this.frozen) return;
    this.unsynced = false;
    try {
      syncState(this.path);
    } catch (err) {
      const first = this.failure === null || this.failure.message !== (err as Error).message;
      this.failure = err as Error;
      if (first) this.onError(err as Error);
      this.changed();
    }
  }

  /** Stops retrying (daemon shutdown). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
