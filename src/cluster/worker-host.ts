/**
 * The adapter between the supervisor and `node:cluster`: the only place that forks.
 *
 * `cluster.setupPrimary()` sets what the next `fork()` runs, so it is called right before each
 * fork with that app's settings. Workers run hotctl's runtime (src/runtime/worker.ts), which
 * loads the app. `silent: true` hands us each worker's stdout and stderr for the log writer.
 * Scheduling stays round-robin: the primary owns each listening socket and deals connections
 * to the workers that share it, so new and old workers serve side by side during a reload.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Readable } from 'node:stream';
import type { AppSpec } from '../protocol/index.js';
import { RUNTIME_ENV } from '../protocol/index.js';
import { preferBundle } from '../platform/prefer-bundle.js';
import { guardHandoffs } from './handoff-guard.js';

/**
 * The worker runtime's entry: dist/bundle/worker.cjs (scripts/bundle.mjs) when built, else the
 * CommonJS entry next to this file once compiled (runtime/entry.cts).
 */
export const RUNTIME_ENTRY = preferBundle(new URL('../../bundle/worker.cjs', import.meta.url), new URL('../runtime/entry.cjs', import.meta.url));

export interface ListeningAddress {
  address: string | null;
  port: number;
  addressType: number | string;
}

/** One worker process, as the supervisor sees it. */
export interface WorkerProcess {
  readonly pid: number;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Sends over IPC; returns false when the channel is gone. */
  send(message: unknown): boolean;
  kill(signal: NodeJS.Signals): void;
  onOnline(fn: () => void): void;
  onMessage(fn: (message: unknown) => void): void;
  onListening(fn: (address: ListeningAddress) => void): void;
  onExit(fn: (code: number | null, signal: string | null) => void): void;
}

export type ForkWorker = (spec: AppSpec, env: Record<string, string>, cwd: string) => WorkerProcess;

export const forkClusterWorker: ForkWorker = (spec, env, cwd) => {
  cluster.setupPrimary({
    exec: RUNTIME_ENTRY,
    args: spec.args,
    execArgv: spec.node_args,
    cwd,
    silent: true,
  });
  const worker = forkWithOnly(env);
  // 'error' (e.g. a failed IPC write) is always followed by 'exit'; without a listener it would throw.
  worker.on('error', () => {});
  guardHandoffs(worker);
  return wrap(worker);
};

/**
 * `cluster.fork(env)` gives the worker `{ ...process.env, ...env }`
 * (lib/internal/cluster/primary.js, createWorkerProcess): the daemon's own environment —
 * HOTCTL_HTTP_TOKEN, the first shell's secrets — would reach every app. The env built by
 * worker-env.ts is the worker's whole env, so the primary's is swapped out for the
 * (synchronous) fork. The daemon's HOTCTL_REQUEST_COUNTING, a documented switch, is passed on
 * unless the app sets its own.
 */
function forkWithOnly(env: Record<string, string>): Worker {
  const own = process.env;
  const counting = own[RUNTIME_ENV.requestCounting];
  const workerEnv = counting === undefined || env[RUNTIME_ENV.requestCounting] !== undefined ? env : { ...env, [RUNTIME_ENV.requestCounting]: counting };
  process.env = {};
  try {
    return cluster.fork(workerEnv);
  } finally {
    process.env = own;
  }
}

function wrap(worker: Worker): WorkerProcess {
  const child = worker.process;
  return {
    pid: child.pid ?? -1,
    stdout: child.stdout ?? null,
    stderr: child.stderr ?? null,
    send(message) {
      if (!worker.isConnected()) return false;
      try {
        return worker.send(message as never);
      } catch {
        return false;
      }
    },
    kill(signal) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    },
    onOnline: (fn) => void worker.on('online', fn),
    onMessage: (fn) => void worker.on('message', fn),
    onListening: (fn) => void worker.on('listening', fn),
    onExit: (fn) => void worker.on('exit', fn),
  };
}
