/**
 * The entry of every cluster worker: hotctl's runtime, which then loads the app.
 *
 *   booting ──ready──► serving ──shutdown──► draining ──► exit 0 (after `drained`)
 *      │                  │                     │
 *      └─ boot-error ─────┴─ fatal ─────────────┴──► exit 1
 *
 * Ready, without wait_ready: once a server listens AND the app's module has finished
 * evaluating. For CommonJS that is the first 'listening' (require() returns before any event
 * fires). For ESM it also waits for the top-level awaits: an app that listens and then has a
 * top-level await reject is a boot error, never ready. An ESM app whose top-level await never
 * settles must therefore use wait_ready. With wait_ready: the app's `process.send('ready')`
 * (which goes to the primary as is) or hotctl's `ready()`.
 *
 * Draining runs the app's own shutdown code (drain.ts, phase app-shutdown). An app that calls
 * `process.exit()` while the worker drains (PM2's `server.close(() => process.exit(0))`) does not
 * exit at once: the drain finishes first (in-flight requests, the primary's `exit` answer), then
 * the worker exits with the app's code.
 *
 * Fork mode (`exec_mode: "fork"`), without wait_ready: once the module has evaluated and every
 * listen() it started meanwhile has completed (src/runtime/listen-tracker.ts) — a process that
 * serves no port is ready once loaded. Its IPC channel does not keep it alive (a one-shot job
 * ends when its work is done, as under plain node), except while it drains.
 *
 * If the IPC channel goes away (the primary died), node:cluster's child exits at once
 * (lib/internal/cluster/child.js, "Unexpected disconnect"): no orphan workers. We keep that.
 */
import type util from 'node:util';
import {
  IPC_MARK,
  PM2_READY_MESSAGE,
  RUNTIME_ENV,
  isPrimaryMessage,
  type WorkerErrorInfo,
  type WorkerToPrimary,
} from '../protocol/worker-ipc.js';
import { blockingStdioOnFirstUse } from './blocking-stdio.js';
import { builtin } from './builtin.js';
import { drain, ShutdownHooks } from './drain.js';
import { setRuntime } from './global.js';
import { loadApp } from './loader.js';
import { quietHeartbeatMs } from './quiet.js';
import { reportIntervalMs, startReports } from './report.js';
import { ServerRegistry } from './servers.js';
import { ParkedState } from './park.js';
import { ListenTracker } from './listen-tracker.js';
import { installTraffic } from './traffic.js';

type RuntimeState = 'booting' | 'serving' | 'draining' | 'exiting';

/** The grace period when the worker gets SIGINT/SIGTERM itself rather than a shutdown message. */
const SIGNAL_GRACE_MS = 1000;
/** How long an exit waits for its last IPC message to be written. */
const FLUSH_TIMEOUT_MS = 1000;
/** How long a drained worker waits for the primary's `exit` before it exits alone. */
const EXIT_ANSWER_TIMEOUT_MS = 2000;

/** A message to the primary, without the mark that `send` adds. */
type Payload = WorkerToPrimary extends infer M ? (M extends unknown ? Omit<M, 'hotctl'> : never) : never;

/** The signal whose listeners run at drain start when the primary names none (PM2's default kill_signal). */
const DEFAULT_KILL_SIGNAL = 'SIGINT';
/** PM2's `shutdown_with_message` message. */
const PM2_SHUTDOWN_MESSAGE = 'shutdown';

// node:util through require(): an ES module import of it evaluates every export (parseArgs, MIMEType…),
// ~0.2 MB in every worker for the one function a dying worker needs (bench/RESULTS.md, section 16).
const { inspect } = builtin<typeof util>('node:util');
const script = process.env[RUNTIME_ENV.script];
const waitReady = process.env[RUNTIME_ENV.waitReady] === '1';
const forkMode = process.env[RUNTIME_ENV.execMode] === 'fork';
const sendRaw: typeof process.send = process.send?.bind(process);

// Blocking pipes, so that no line is lost at exit; made so on first use (blocking-stdio.ts).
blockingStdioOnFirstUse();

let state: RuntimeState = 'booting';
let listened = false;
let evaluated = false;
/** The code the app asked for with process.exit() while draining; it exits once drained. */
let appExitCode: number | undefined;
const realExit = process.exit.bind(process);

function send(payload: Payload, done?: () => void): void {
  if (!sendRaw || !process.connected) {
    done?.();
    return;
  }
  try {
    sendRaw({ hotctl: IPC_MARK, ...payload }, undefined, {}, done && (() => done()));
  } catch {
    done?.();
  }
}

/** Sends the last message, then exits, even if the message cannot be written. */
function exitAfter(payload: Payload, code: number): void {
  state = 'exiting';
  process.exitCode = code;
  let exited = false;
  const exit = (): void => {
    if (exited) return;
    exited = true;
    realExit(code);
  };
  setTimeout(exit, FLUSH_TIMEOUT_MS).unref();
  send(payload, exit);
}

function markReady(via: 'listening' | 'app' | 'evaluated'): void {
  if (state !== 'booting') return;
  state = 'serving';
  send({ type: 'ready', via });
}

function onListening(): void {
  listened = true;
  // After the other 'listening' listeners: node:cluster (or the router's worker side) sends its own
  // 'listening' message (with the address) from one added after ours, and the primary must learn
  // the address before it hears "ready" — it refuses a port another app of the daemon already
  // serves. A tick, not a turn of the event loop: the ready was a turn later (~0.5 ms on every
  // reload's path, bench/RESULTS.md section 33), and the channel keeps the two messages in order.
  if (!waitReady && !forkMode && evaluated) process.nextTick(markReady, 'listening');
}

function errorInfo(err: unknown): WorkerErrorInfo {
  if (typeof err !== 'object' || err === null) return { name: 'Error', message: inspect(err) };
  const e = err as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : inspect(err),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.stack === 'string' ? { stack: e.stack } : {}),
  };
}

/** An uncaught exception, an unhandled rejection, or a failed load: report it and exit 1. */
function die(err: unknown): void {
  // Like Node, only the first one counts (an ESM load failure may arrive by two paths).
  if (state === 'exiting') return;
  // Printed as Node prints an uncaught error, so the app's stderr log reads the same.
  process.stderr.write(`${err instanceof Error ? '' : 'Uncaught '}${inspect(err)}\n\nNode.js ${process.version}\n`);
  exitAfter({ type: state === 'booting' ? 'boot-error' : 'fatal', error: errorInfo(err) }, 1);
}

const servers = new ServerRegistry(onListening, { countRequests: process.env[RUNTIME_ENV.requestCounting] !== '0', countOutcomes: process.env[RUNTIME_ENV.requestOutcomes] !== '0' });
const hooks = new ShutdownHooks();
const parked = new ParkedState(servers);
const drainStartHooks = new ShutdownHooks();
// Reports (and heartbeats) go on while draining: the primary learns how many connections a kill
// after kill_timeout would cut, and that a draining worker is not hung.
// The heartbeat is built once: a quiet worker sends nothing else for hours (src/runtime/quiet.ts).
const HEARTBEAT = { hotctl: IPC_MARK, type: 'heartbeat' } as const satisfies WorkerToPrimary;
startReports(
  reportIntervalMs(process.env[RUNTIME_ENV.reportIntervalMs]),
  servers,
  (report) => send({ type: 'report', ...report }),
  { intervalMs: reportIntervalMs(process.env[RUNTIME_ENV.heartbeatIntervalMs]), send: () => process.connected && sendRaw?.(HEARTBEAT) },
  { heartbeatMs: quietHeartbeatMs(process.env[RUNTIME_ENV.quietHeartbeatIntervalMs]) },
);

/** How the app is told, PM2's way: the listeners of a signal, or of the 'shutdown' message. */
interface AppNotice {
  signal?: string;
  message?: boolean;
  /** The signal the worker itself received: Node has run its listeners already. */
  received?: NodeJS.Signals;
}

function notifyApp(notice: AppNotice): void {
  if (notice.message) {
    process.emit('message' as never, PM2_SHUTDOWN_MESSAGE as never);
    return;
  }
  const signal = notice.signal ?? DEFAULT_KILL_SIGNAL;
  if (signal === notice.received) return;
  process.emit(signal as never, signal as never);
}

function shutdown(graceMs: number, notice: AppNotice): void {
  if (state === 'draining' || state === 'exiting') return;
  state = 'draining';
  parked.stop();
  // The exit answer must be awaited even by a fork-mode process whose channel is unref'd.
  process.channel?.ref();
  drain({ servers, hooks, drainStartHooks, notifyApp: () => notifyApp(notice), graceMs }).then(() => {
    // Exit when the primary answers (see PrimaryToWorker in worker-ipc.ts); alone after a while
    // if no primary answers (a signal sent straight to the worker, a primary of old).
    // The final outcomes: what the worker answered since its last report counts too.
    const outcomes = servers.outcomes;
    send({ type: 'drained', served: servers.requestsServed, ...(outcomes ? { outcomes } : {}) });
    setTimeout(() => exitAfter({ type: 'bye' }, appExitCode ?? 0), EXIT_ANSWER_TIMEOUT_MS).unref();
  }, die);
}

// PM2 apps end their shutdown code with process.exit(): while draining, that waits for the drain.
process.exit = function (code?: number | string | null) {
  if (state !== 'draining') return realExit(code as number);
  appExitCode = code === undefined || code === null ? Number(process.exitCode ?? 0) : Number(code);
  return undefined as never;
} as typeof process.exit;

if (script) process.argv[1] = script;

// Unhandled rejections reach this handler too, in Node's default `--unhandled-rejections=throw`
// mode; not listening for 'unhandledRejection' ourselves keeps that flag and the app's own
// 'unhandledRejection' handlers meaning what they mean under plain node.
process.on('uncaughtException', (err) => {
  // Like Node: an app that listens for uncaught exceptions itself decides what they mean.
  if (process.listenerCount('uncaughtException') > 1) return;
  die(err);
});

if (sendRaw) {
  // Seeing the app's own PM2-style ready tells us that later errors are no longer boot errors.
  process.send = function (this: unknown, message: unknown, ...rest: unknown[]) {
    if (waitReady && message === PM2_READY_MESSAGE && state === 'booting') state = 'serving';
    return (sendRaw as (...a: unknown[]) => boolean)(message, ...rest);
  } as typeof process.send;
}

process.on('message', (message: unknown) => {
  if (!isPrimaryMessage(message)) return;
  if (message.type === 'shutdown') shutdown(message.graceMs, { signal: message.signal, message: message.message });
  else if (message.type === 'exit' && state === 'draining') exitAfter({ type: 'bye' }, appExitCode ?? 0);
  else if (message.type === 'park' && state === 'serving') parked.park(message.graceMs ?? 0);
  else if (message.type === 'unpark' && state === 'serving') parked.unpark();
});
process.on('SIGINT', () => shutdown(SIGNAL_GRACE_MS, { received: 'SIGINT' }));
process.on('SIGTERM', () => shutdown(SIGNAL_GRACE_MS, { received: 'SIGTERM' }));

setRuntime({
  version: 1,
  ready: () => {
    if (waitReady) markReady('app');
  },
  onShutdown: (hook) => hooks.add(hook),
  onDrainStart: (hook) => drainStartHooks.add(hook),
  isDraining: () => state === 'draining' || state === 'exiting',
});

servers.install();
// The primary routes this worker's listens itself when it says so (docs/traffic.md).
installTraffic();
// Fork mode: the IPC channel keeps the process alive only while it is needed — a listen() waiting
// for the primary's answer, a server listening (its socket is the primary's), a drain — so a
// job ends when its work is done, as under plain node.
const listens = new ListenTracker({
  onFirstListen: () => send({ type: 'listen-started' }),
  onChange: () => {
    if (!forkMode) return;
    holdChannel();
    // One turn later, as for 'listening' above: the primary learns the address first.
    if (!waitReady && evaluated && listens.pending === 0) setImmediate(() => markReady('evaluated'));
  },
});
function holdChannel(): void {
  if (listens.needsChannel || state === 'draining' || state === 'exiting') process.channel?.ref();
  else process.channel?.unref();
}
listens.install();
if (forkMode) holdChannel();

if (!script) {
  die(new Error(`hotctl runtime: ${RUNTIME_ENV.script} is not set`));
} else {
  loadApp(script).then(() => {
    evaluated = true;
    send({ type: 'evaluated' });
    if (waitReady) return;
    if (forkMode) {
      if (listens.pending === 0) markReady('evaluated');
    } else if (listened) markReady('listening');
  }, die);
}
