/**
 * Finds the daemon of a state directory, and starts it on demand: detached, its stdout and
 * stderr appended to HOTCTL_HOME/daemon.log, then waited for until its socket answers.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import type { DaemonInfo, DaemonMode } from '../protocol/index.js';
import { EXIT_CODES, HotctlError } from '../protocol/errors.js';
import { checkStateDir, homePaths, type HomePaths } from '../protocol/home.js';
import { preferBundle } from '../platform/prefer-bundle.js';
import { HOTCTL_VERSION } from '../version.js';
import { ConnectError, ControlClient } from './client.js';
import type { Output } from './output.js';

/** Socket errors that mean "no daemon listens there" (as opposed to "not allowed" etc.). */
const NOT_RUNNING = new Set(['ENOENT', 'ECONNREFUSED']);
/** How long a freshly spawned daemon may take to answer on its socket. */
const START_TIMEOUT_MS = 10_000;
/** Lines of daemon.log shown when the daemon did not start. */
const LOG_TAIL_LINES = 20;

export interface DaemonConnection {
  client: ControlClient;
  info: DaemonInfo;
  /** True when this call started the daemon. */
  started: boolean;
}

export interface ConnectOptions {
  home: string;
  /** Start a daemon when none runs. When false and none runs, resolves with null. */
  start: boolean;
  /** Where the "started the daemon" note goes; a function when the output is loaded only if needed (fast-operation.ts). */
  out: Output | (() => Promise<Output>);
  env?: NodeJS.ProcessEnv;
  /** The daemon's entry script; default dist/bundle/daemon.cjs, or dist/src/daemon/main.js (defaultDaemonEntry). */
  daemonEntry?: string;
  startTimeoutMs?: number;
  /**
   * Sends requests right behind the hello, in the connection's first write with it (one round
   * trip; see one-trip.ts). A request that changes something must be sent `afterHello` (the daemon
   * carries it out only if it accepted the hello). When the hello fails, its error is thrown and
   * these requests' outcomes are dropped. Called again for each connection tried (a daemon being
   * started is tried until it answers): what it sets must be those of the last call.
   */
  alongside?: (client: ControlClient) => Promise<unknown>;
}

/** dist/bundle/daemon.cjs when built (scripts/bundle.mjs), else dist/src/daemon/main.js. */
export function defaultDaemonEntry(env: NodeJS.ProcessEnv = process.env): string {
  return preferBundle(new URL('../../bundle/daemon.cjs', import.meta.url), new URL('../daemon/main.js', import.meta.url), env);
}

/**
 * The daemon's own environment: the CLI's, less NODE_EXTRA_CA_CERTS. With it, Node 20 parses
 * every root CA before the daemon runs (bin/hotctl says why), 75 ms of its start and ~1.8 MB it
 * holds for good, for a process that opens no TLS connection. Apps do not inherit the daemon's
 * env (worker-env.ts builds theirs from the CLI's, `inherited_env`), so they still get it.
 */
export function daemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.NODE_EXTRA_CA_CERTS === undefined) return env;
  const { NODE_EXTRA_CA_CERTS: _parsedAtStart, ...rest } = env;
  return rest;
}

/** Connects to the daemon of `home` and says hello; starts it first when asked and needed. */
export async function connectDaemon(options: ConnectOptions): Promise<DaemonConnection | null> {
  const paths = homePaths(options.home);
  // A state directory others can write to could hold a planted socket or log link: refuse it
  // before touching anything in it (E_HOME_UNSAFE), rather than let a daemon fail there.
  if (existsSync(paths.home)) checkStateDir(paths.home);
  let greeting = await tryConnect(paths.socket, options.alongside);
  let started = false;
  if (!greeting) {
    // A daemon that died with apps running (even kill -9) is started again by any command: it
    // restores those apps from its state file. Not the apps of a `hotctl run` that died: its
    // service manager starts it again, and a daemon started here would hold the directory.
    if (!options.start && lastRun(paths.stateFile) !== 'daemon') return null;
    greeting = await startAndConnect(paths, options);
    started = true;
  }
  const { client } = greeting;
  const info = await greet(greeting);
  if (started) {
    const out = typeof options.out === 'function' ? await options.out() : options.out;
    if (!out.json) out.note(out.colours.dim(`started the hotctl daemon (pid ${info.pid}, HOTCTL_HOME=${info.home})`));
  }
  return { client, info, started };
}

/** Connects to a socket and says hello (used by `hotctl run` for its own supervisor). */
export async function connectSocket(socketPath: string): Promise<DaemonConnection> {
  const greeting = await tryConnect(socketPath);
  if (!greeting) throw new HotctlError('E_DAEMON_UNREACHABLE', `Nothing listens on ${socketPath}.`);
  return { client: greeting.client, info: await greet(greeting), started: false };
}

/** An open connection, and the answer to the hello it opened with. */
interface Greeting {
  client: ControlClient;
  hello: Promise<DaemonInfo>;
}

async function greet({ client, hello }: Greeting): Promise<DaemonInfo> {
  try {
    return await hello;
  } catch (err) {
    client.close();
    throw err;
  }
}

/**
 * Connects with the hello (and `alongside`'s requests) in the first write. Resolves with null when
 * no daemon listens; rejects when the socket is there but unusable.
 */
async function tryConnect(socketPath: string, alongside?: ConnectOptions['alongside']): Promise<Greeting | null> {
  let hello: Promise<DaemonInfo> | undefined;
  const early = (client: ControlClient): void => {
    hello = client.hello();
    // Awaited by greet once connected; when connecting fails, the ConnectError is the answer.
    hello.catch(() => {});
    alongside?.(client).catch(() => {});
  };
  try {
    const client = await ControlClient.connect(socketPath, { early });
    return { client, hello: hello! };
  } catch (err) {
    if (err instanceof ConnectError && err.code !== undefined && NOT_RUNNING.has(err.code)) return null;
    throw new HotctlError('E_DAEMON_UNREACHABLE', `Cannot connect to the daemon at ${socketPath}: ${(err as Error).message}`);
  }
}

async function startAndConnect(paths: HomePaths, options: ConnectOptions): Promise<Greeting> {
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  const logOffset = fileSize(paths.daemonLog);
  // Loaded only to start a daemon: every other command starts without them.
  const [{ spawn }, { setTimeout: sleep }] = await Promise.all([import('node:child_process'), import('node:timers/promises')]);
  const fd = openSync(paths.daemonLog, 'a', 0o600);
  let exit: { code: number | null; signal: string | null; error?: Error } | null = null;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [options.daemonEntry ?? defaultDaemonEntry(options.env)], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: daemonEnv(options.env ?? process.env),
    });
    child.once('exit', (code, signal) => (exit = { code, signal }));
    child.once('error', (error) => (exit = { code: null, signal: null, error }));
    child.unref();
  } finally {
    closeSync(fd);
  }

  const deadline = Date.now() + (options.startTimeoutMs ?? START_TIMEOUT_MS);
  let delayMs = 20;
  for (;;) {
    const greeting = await tryConnect(paths.socket, options.alongside);
    if (greeting) return greeting;
    const ended = exit as { code: number | null; signal: string | null; error?: Error } | null;
    // A daemon that exits with the "conflict" code lost a start race to another one, which
    // is about to listen: keep trying that one.
    if (ended && ended.code !== EXIT_CODES.conflict) {
      const how = ended.error ? `could not be spawned: ${ended.error.message}` : `exited with ${ended.signal ? `signal ${ended.signal}` : `code ${ended.code}`} before it listened`;
      throw startFailed(paths, logOffset, `The hotctl daemon ${how}.`, child.pid);
    }
    if (Date.now() >= deadline) {
      // Do not leave a half-started daemon behind that may come up later, unasked.
      child.kill('SIGTERM');
      throw startFailed(paths, logOffset, `The hotctl daemon did not answer on ${paths.socket} within ${Math.round((options.startTimeoutMs ?? START_TIMEOUT_MS) / 1000)} s; it was stopped.`, child.pid);
    }
    await sleep(Math.min(delayMs, Math.max(1, deadline - Date.now())));
    delayMs = Math.min(delayMs * 2, 250);
  }
}

function startFailed(paths: HomePaths, logOffset: number, message: string, pid: number | undefined): HotctlError {
  return new HotctlError('E_DAEMON_START_FAILED', message, {
    hint: `Read the daemon log above (${paths.daemonLog}). This CLI is hotctl ${HOTCTL_VERSION}.`,
    details: { log_file: paths.daemonLog, log: logTail(paths.daemonLog, logOffset), pid: pid ?? null },
  });
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The last lines written to the log since `offset` (or the file's last lines if it shrank). */
export function logTail(path: string, offset: number, lines = LOG_TAIL_LINES): string[] {
  let text: string;
  try {
    const all = readFileSync(path);
    text = (all.length >= offset ? all.subarray(offset) : all).toString('utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line, i, arr) => line !== '' || i < arr.length - 1).slice(-lines);
}

/**
 * Whether the state file lists an app that was running when its daemon went away, and which
 * kind of daemon that was (`run`: `hotctl run` in the foreground); null when none was running.
 */
export function lastRun(stateFile: string): DaemonMode | null {
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { mode?: unknown; apps?: Array<{ running?: unknown }> };
    if (!Array.isArray(state.apps) || !state.apps.some((app) => app?.running === true)) return null;
    return state.mode === 'run' ? 'run' : 'daemon';
  } catch {
    return null;
  }
}
