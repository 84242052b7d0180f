/**
 * The daemon: composes the state directory, the pid lock, the app registry, the log writer
 * and the control server. It alone owns sockets, files and the lock.
 *
 * `hotctl run` runs the same thing in the foreground (mode `run`): same socket, so `hotctl
 * status` and `hotctl reload` work against it too; worker output is echoed to stdout/stderr.
 */
import type { DaemonEvent, DaemonInfo, StatusSnapshot } from '../protocol/index.js';
import { HotctlError, homePaths, PROTOCOL_VERSION } from '../protocol/index.js';
import { systemClock } from '../cluster/worker-state.js';
import { forkClusterWorker } from '../cluster/worker-host.js';
import { LogWriter, formatLogLine } from '../logs/log-writer.js';
import { HOTCTL_VERSION } from '../version.js';
import { AppRegistry, PortRegistry } from './app-registry.js';
import { ControlServer, type Handlers } from './control-server.js';
import { acquirePidLock } from './pid-lock.js';
import { inspectScript } from './script-inspector.js';
import { ensureStateDir } from './state-dir.js';
import { compareVersions } from './version-compare.js';

export interface DaemonOptions {
  home: string;
  mode: 'daemon' | 'run';
}

export interface DaemonHandle {
  socketPath: string;
  /** Resolves with the exit code once the daemon has stopped. */
  done: Promise<number>;
  /** Stops every app gracefully, then the daemon. */
  shutdown(reason: string): Promise<void>;
}

/** Status subscribers receive at most one snapshot per this many ms. */
export const STATUS_COALESCE_MS = 100;

/** A daemon shutdown waits this long for apps to drain before it kills what is left. */
export const SHUTDOWN_LIMIT_MS = 60_000;

export async function startDaemon(options: DaemonOptions): Promise<DaemonHandle> {
  const paths = homePaths(options.home);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} hotctl[${process.pid}] ${line}\n`);
  ensureStateDir(paths.home, [paths.logsDir]);
  const lock = acquirePidLock(paths.pidFile, log);
  const startedMs = Date.now();

  let control: ControlServer | null = null;
  const logs = new LogWriter(paths.logsDir, (path, err) => log(`cannot write log file ${path}: ${err.message}`));
  const emit = (event: DaemonEvent) => {
    if (event.kind === 'worker') log(`${event.app}#${event.worker_id} r${event.revision} pid ${event.pid ?? '-'}: ${event.from ?? 'new'} → ${event.to} (${event.reason})`);
    else if (event.kind === 'operation' && event.message !== undefined) log(`${event.app} ${event.operation.kind} ${event.operation.id}: ${event.operation.state}: ${event.message}`);
    control?.broadcast(event);
    if (event.kind === 'worker' || event.kind === 'operation') statusChanged();
  };
  // Status subscribers get a full snapshot after changes, coalesced so a burst of transitions
  // (a reload of 16 workers) costs one snapshot, not sixty.
  let statusTimer: NodeJS.Timeout | null = null;
  const statusChanged = () => {
    if (statusTimer !== null || !control?.wants('status')) return;
    statusTimer = setTimeout(() => {
      statusTimer = null;
      control?.broadcast(statusEvent());
    }, STATUS_COALESCE_MS);
    statusTimer.unref();
  };
  const registry = new AppRegistry({
    clock: systemClock,
    fork: forkClusterWorker,
    emit,
    ports: new PortRegistry(),
    reportIntervalMs: 1000,
    inspect: inspectScript,
    changed: () => {},
    output: (worker, stream, text) => {
      const sup = registry.list().find((s) => s.name === worker.app);
      const line = { app: worker.app, workerId: worker.id, revision: worker.revision, stream, text, atMs: Date.now() };
      logs.write(line, sup?.spec ?? {});
      if (control?.wants('logs')) {
        control.broadcast({ kind: 'log', at: new Date(line.atMs).toISOString(), app: line.app, worker_id: line.workerId, revision: line.revision, stream, text });
      }
      if (options.mode === 'run') (stream === 'out' ? process.stdout : process.stderr).write(formatLogLine(line));
    },
  });

  const info = (): DaemonInfo => ({
    pid: process.pid,
    version: HOTCTL_VERSION,
    protocol: PROTOCOL_VERSION,
    home: paths.home,
    mode: options.mode,
    uptime_ms: Date.now() - startedMs,
    http: null,
  });
  const status = (): StatusSnapshot => ({ daemon: info(), apps: registry.list().map((sup) => sup.status()) });
  const statusEvent = (): DaemonEvent => ({ kind: 'status', at: new Date().toISOString(), status: status() });

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let stopping: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log(`stopping (${reason}): draining every app`);
      const limit = setTimeout(() => {
        log(`apps still running after ${SHUTDOWN_LIMIT_MS} ms: killing them`);
        registry.killAll();
      }, SHUTDOWN_LIMIT_MS);
      try {
        await registry.stopAll();
      } finally {
        clearTimeout(limit);
      }
      await control?.close();
      await logs.close();
      lock.release();
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onTerm);
      process.off('SIGHUP', onHup);
      log('stopped');
      resolveDone(0);
    })();
    return stopping;
  };

  const handlers: Handlers = {
    hello: async ({ client_version, protocol }) => {
      const order = compareVersions(HOTCTL_VERSION, client_version);
      if (order < 0 || (order === 0 && protocol > PROTOCOL_VERSION)) {
        throw new HotctlError('E_DAEMON_VERSION_MISMATCH', `The daemon runs hotctl ${HOTCTL_VERSION}; this CLI is ${client_version}.`, {
          details: { daemon_version: HOTCTL_VERSION, client_version, daemon_pid: process.pid },
        });
      }
      if (order > 0 || protocol < PROTOCOL_VERSION) {
        throw new HotctlError('E_DAEMON_NEWER', `The daemon runs hotctl ${HOTCTL_VERSION}, newer than this CLI (${client_version}).`, {
          details: { daemon_version: HOTCTL_VERSION, client_version, daemon_pid: process.pid },
        });
      }
      return info();
    },
    status: async () => status(),
    start: async ({ apps, follow }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      const ops = await registry.start(apps);
      if (follow) for (const op of ops) ctx.follow(op.id, op.app);
      return { operations: ops.map((op) => op.snapshot()) };
    },
    reload: async ({ name, spec, follow, wait, strategy, batch, canary }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      const op = await registry.operate('reload', name, { spec, wait, strategy, batch, canary });
      if (follow) ctx.follow(op.id, op.app);
      return { operation: op.snapshot() };
    },
    promote: async ({ name, follow, wait }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      const op = await registry.operate('promote', name, { wait });
      if (follow) ctx.follow(op.id, op.app);
      return { operation: op.snapshot() };
    },
    rollback: async ({ name, to, force, follow, wait }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      const op = await registry.operate('rollback', name, { to, force, wait });
      if (follow) ctx.follow(op.id, op.app);
      return { operation: op.snapshot() };
    },
    scale: async ({ name, instances, follow, wait }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      const op = await registry.operate('scale', name, { instances, wait });
      if (follow) ctx.follow(op.id, op.app);
      return { operation: op.snapshot() };
    },
    history: async ({ name }) => {
      const sup = registry.get(name);
      return { app: name, active: sup.activeRevision, revisions: sup.history() };
    },
    apply: async ({ apps, prune, dry_run, follow, wait }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      const { plan, operations } = await registry.apply(apps, { prune, dryRun: dry_run, wait });
      if (follow) for (const op of operations) ctx.follow(op.id, op.app);
      return { plan, operations: operations.map((op) => op.snapshot()) };
    },
    restart: async ({ name, follow, wait }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      const op = await registry.operate('restart', name, { wait });
      if (follow) ctx.follow(op.id, op.app);
      return { operation: op.snapshot() };
    },
    stop: async ({ name, follow, wait }, ctx) => {
      const op = await registry.operate('stop', name, { wait });
      if (follow) ctx.follow(op.id, op.app);
      return { operation: op.snapshot() };
    },
    delete: async ({ name, follow, wait }, ctx) => {
      const op = await registry.operate('delete', name, { wait });
      if (follow) ctx.follow(op.id, op.app);
      return { operation: op.snapshot() };
    },
    operation: async ({ id }) => {
      const found = registry.findOperation(id);
      if (!found) throw new HotctlError('E_USAGE', `No operation with id ${id} (only the current and the last one per app are kept).`);
      return found;
    },
    subscribe: async ({ topics, apps }, ctx) => {
      ctx.subscribe(topics, apps);
      if (topics.includes('status')) setImmediate(() => ctx.push(statusEvent()));
      return { topics };
    },
    kill: async () => {
      const apps = registry.list().map((sup) => sup.name);
      setImmediate(() => void shutdown('hotctl kill'));
      return { pid: process.pid, apps };
    },
  };

  control = new ControlServer(paths.socket, handlers, log);
  try {
    await control.listen();
  } catch (err) {
    lock.release();
    throw err;
  }

  const onTerm = (signal: NodeJS.Signals) => void shutdown(signal);
  const onHup = () => {
    log('SIGHUP: reloading every app');
    for (const sup of registry.list()) void sup.begin('reload', { wait: true }).catch((err: Error) => log(`reload of ${sup.name} refused: ${err.message}`));
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onTerm);
  process.on('SIGHUP', onHup);
  log(`hotctl ${HOTCTL_VERSION} ${options.mode} listening on ${paths.socket}`);
  return { socketPath: paths.socket, done, shutdown };
}
