/**
 * The daemon: composes the state directory, the pid lock, the app registry, the log writer
 * and the control server. It alone owns sockets, files and the lock.
 *
 * `hotctl run` runs the same thing in the foreground (mode `run`): same socket, so `hotctl
 * status` and `hotctl reload` work against it too; worker output is echoed to stdout/stderr.
 */
import type { AppSpec, ControlPlaneInfo, DaemonEvent, DaemonInfo, MetricsEvent, StatusSnapshot, SubscriptionTopic, WorkerMetricsSummary } from '../protocol/index.js';
import { EVENT_TOPIC, HotctlError, homePaths, parseSignal, PROTOCOL_VERSION } from '../protocol/index.js';
import { MetricsSampler } from '../metrics/sampler.js';
import { MetricsHistory } from '../metrics/history.js';
import { renderPrometheus } from '../metrics/prometheus.js';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, HttpServer } from './http-server.js';
import { systemClock } from '../cluster/worker-state.js';
import { forkClusterWorker } from '../cluster/worker-host.js';
import { LogWriter, formatLogLine } from '../logs/log-writer.js';
import { AppLogFilesRouter } from './app-log-files.js';
import { HOTCTL_VERSION } from '../version.js';
import { AppRegistry, PortRegistry, recordWithInheritedEnv } from './app-registry.js';
import { ControlServer, type Handlers } from './control-server.js';
import { acquirePidLock } from './pid-lock.js';
import { inspectScript } from './script-inspector.js';
import { ensureStateDir } from './state-dir.js';
import { WatchManager } from './watch-manager.js';
import { loadState, removeStaleTempFiles, STATE_VERSION, StateWriter, type LoadedState, type StateFile } from './state-store.js';
import { DaemonLog } from './daemon-log.js';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { compareVersions } from './version-compare.js';
import { loadDump, saveDump } from './dump-file.js';
import { ConnectionCap, fdBudget, openFilesLimit } from './connection-cap.js';
import { TrafficWiring } from './traffic-wiring.js';
import { handOver } from './handoff/give.js';
import { completeTakeOver, type TakeOver } from './handoff/take.js';

export interface DaemonOptions {
  home: string;
  mode: 'daemon' | 'run';
  /** The HTTP listener's port (default HOTCTL_HTTP_PORT, else 9716); 0 turns it off. */
  httpPort?: number;
  httpHost?: string;
  /** Allows a non-loopback httpHost. */
  httpAllowRemote?: boolean;
  /** Actions over HTTP need this token; null (default): none possible. */
  httpToken?: string | null;
  /**
   * `hotctl run`: the environment of its shell (without HOTCTL_*). Apps restored from the last
   * run get it, as the file applied over them does: a restart with the same file is no reload,
   * whatever per-start variables (systemd's INVOCATION_ID) changed.
   */
  inheritedEnv?: Record<string, string>;
  /** `hotctl update`: the running daemon's sockets; this one takes over once its apps are ready (handoff/take.ts). */
  handoff?: TakeOver | null;
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
  const daemonLog = new DaemonLog(options.mode);
  const log = daemonLog.line;
  ensureStateDir(paths.home, [paths.logsDir]);
  const takeOver = options.handoff ?? null;
  const handoffLock = takeOver?.lock(paths.pidFile) ?? null;
  const lock = handoffLock ?? acquirePidLock(paths.pidFile, log);
  for (const name of removeStaleTempFiles(paths.home)) log(`removed ${name}, left by a write that did not finish`);
  const startedMs = Date.now();

  let control: ControlServer | null = null;
  // Subscribers of the HTTP listener's /ws, each with the topics it wants.
  const httpSubscribers = new Map<(event: DaemonEvent) => void, Set<SubscriptionTopic>>();
  const httpWants = (topic: SubscriptionTopic) => [...httpSubscribers.values()].some((topics) => topics.has(topic));
  const publish = (event: DaemonEvent) => {
    control?.broadcast(event);
    const topic = EVENT_TOPIC[event.kind];
    for (const [send, topics] of httpSubscribers) if (topics.has(topic)) send(event);
  };
  // A log file that cannot be written is a notice in status until writing works again.
  const logNotices = new Map<string, string>();
  const logs = new LogWriter({
    onError: (path, err) => {
      const notice = `Cannot write log file ${path}: ${err.message}. The apps keep running; their lines are not stored until it can be written again (tried every second).`;
      logNotices.set(path, notice);
      log(notice);
      statusChanged();
    },
    onResume: (path, dropped) => {
      logNotices.delete(path);
      log(`log file ${path} is writable again; ${dropped} line(s) could not be stored meanwhile`);
      statusChanged();
    },
  });
  const logFiles = new AppLogFilesRouter(logs, { logsDir: paths.logsDir, homeDir: homedir() });
  // The spec each app's lines were last written with: a worker's last line may arrive after its app was deleted.
  const lastLogSpec = new Map<string, AppSpec>();
  const traffic = new TrafficWiring(process.env, takeOver?.sockets);
  const emit = (event: DaemonEvent) => {
    traffic.onEvent(event);
    // The end of an operation is where its result is known durable or not: write now and say so.
    if (event.kind === 'operation' && (event.operation.state === 'succeeded' || event.operation.state === 'failed') && !stateWriter.flush()) {
      const message = `warning: ${stateNotice ?? 'the state could not be written to disk'}`;
      event.operation.steps.push({ at: new Date().toISOString(), message, elapsed_ms: event.operation.duration_ms });
    }
    if (event.kind === 'worker') log(`${event.app}#${event.worker_id} r${event.revision} pid ${event.pid ?? '-'}: ${event.from ?? 'new'} → ${event.to} (${event.reason})`);
    else if (event.kind === 'operation' && event.message !== undefined) log(`${event.app} ${event.operation.kind} ${event.operation.id}: ${event.operation.state}: ${event.message}`);
    publish(event);
    if (event.kind === 'worker' || event.kind === 'operation') statusChanged();
  };
  // Status subscribers get a full snapshot after changes, coalesced so a burst of transitions
  // (a reload of 16 workers) costs one snapshot, not sixty.
  let statusTimer: NodeJS.Timeout | null = null;
  const statusChanged = () => {
    if (statusTimer !== null || !(control?.wants('status') || httpWants('status'))) return;
    statusTimer = setTimeout(() => {
      statusTimer = null;
      publish(statusEvent());
    }, STATUS_COALESCE_MS);
    statusTimer.unref();
  };
  const registry = new AppRegistry({
    clock: systemClock,
    fork: traffic.fork(forkClusterWorker),
    emit,
    ports: new PortRegistry(),
    reportIntervalMs: 1000,
    inspect: inspectScript,
    changed: () => {
      stateWriter.changed();
      watches.changed();
    },
    metricsOf: (app: string, workerId: number): WorkerMetricsSummary | null => {
      const m = sampler.latest(app, workerId);
      return m ? { cpu_percent: m.cpu_percent, rss_bytes: m.rss_bytes, requests_per_sec: m.requests_per_sec, requests_total: m.requests_total } : null;
    },
    output: (worker, stream, text) => {
      const sup = registry.list().find((s) => s.name === worker.app);
      const line = { app: worker.app, workerId: worker.id, revision: worker.revision, stream, text, atMs: Date.now() };
      // A worker's lines go where its own revision's spec says (a reload may move the files).
      const spec = sup ? (sup.pool.revisionOf(worker)?.spec ?? sup.spec) : lastLogSpec.get(worker.app);
      if (spec) {
        lastLogSpec.set(worker.app, spec);
        logs.write(line, logFiles.targetsFor(spec, worker.instance, stream));
      }
      if (control?.wants('logs')) {
        control.broadcast({ kind: 'log', at: new Date(line.atMs).toISOString(), app: line.app, worker_id: line.workerId, revision: line.revision, stream, text });
      }
      if (options.mode === 'run') (stream === 'out' ? process.stdout : process.stderr).write(formatLogLine(line, sup?.spec.log_date_format));
    },
  });

  // What is known of each app without a sample: the sampler's apps, and /metrics at once after a start.
  const appInfo = () =>
    registry.list().map((sup) => {
      const nowMs = Date.now();
      const started = sup.pool.workers.flatMap((w) => (w.processStartedMs === null ? [] : [w.processStartedMs]));
      return {
        app: sup.name,
        revision: sup.activeRevision,
        restarts: sup.restarts(),
        uptime_ms: started.length === 0 ? 0 : nowMs - Math.min(...started),
        reloads: sup.reloadCounts(),
      };
    });

  // HOTCTL_METRICS_INTERVAL_MS: the sampler's period (default 1000 ms); 0 turns sampling off (the
  // sampler is built but never ticks: CPU and memory read as absent, max_memory_restart is inert).
  const metricsIntervalMs = metricsIntervalFromEnv(process.env.HOTCTL_METRICS_INTERVAL_MS, log);
  const sampler: MetricsSampler = new MetricsSampler({
    intervalMs: metricsIntervalMs || 1000,
    targets: () =>
      registry.list().flatMap((sup) =>
        sup.pool.workers.flatMap((w) => (w.pid === null ? [] : [{ app: sup.name, workerId: w.id, pid: w.pid, revision: w.revision, report: sup.pool.report(w.id) }])),
      ),
    apps: () => appInfo(),
    log,
  });
  const history = new MetricsHistory();
  sampler.onTick((event) => {
    history.record(event);
    enforceMemoryLimits(event);
    if (control?.wants('metrics') || httpWants('metrics')) publish(event);
  });
  if (metricsIntervalMs > 0) sampler.start();

  // max_memory_restart: a worker above its app's limit is replaced, its successor ready first.
  const enforceMemoryLimits = (event: MetricsEvent) => {
    for (const m of event.workers) {
      const sup = registry.list().find((s) => s.name === m.app);
      const limit = sup?.spec.max_memory_restart;
      if (!sup || limit === undefined || m.rss_bytes <= limit) continue;
      const worker = sup.pool.workers.find((w) => w.id === m.worker_id);
      if (!worker) continue;
      const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
      void sup.replaceWorker(worker, `max_memory_restart: resident memory ${mb(m.rss_bytes)} is above ${mb(limit)}`);
    }
  };

  // The control plane's share of the fds (connection-cap.ts); a listener at its cap closes its oldest.
  const budget = fdBudget(openFilesLimit());
  log(`file descriptors: limit ${budget.open_files}; control socket ≤ ${budget.socket_connections} connections, HTTP ≤ ${budget.http_connections}, ${budget.reserve} kept for the apps`);
  let capNotice: string | null = null;
  let capLoggedMs = 0;
  const onEvict = () => {
    const evicted = socketCap.evicted + httpCap.evicted;
    capNotice = `Connection cap reached: ${evicted} control connection(s) closed, oldest first (control socket ≤ ${budget.socket_connections}, HTTP ≤ ${budget.http_connections}), to keep ${budget.reserve} of ${budget.open_files} file descriptors for the apps.`;
    // Said once a minute at most: a flood must not flood the log too.
    if (Date.now() - capLoggedMs >= 60_000) {
      capLoggedMs = Date.now();
      log(capNotice);
    }
  };
  const socketCap = new ConnectionCap(budget.socket_connections, onEvict);
  const httpCap = new ConnectionCap(budget.http_connections, onEvict);
  const controlPlane = (): ControlPlaneInfo => {
    const socket = control?.stats() ?? { connections: 0, buffered_bytes: 0, dropped_log_lines: 0 };
    const web = http?.stats() ?? { connections: 0, buffered_bytes: 0, dropped_log_lines: 0 };
    return {
      limits: budget,
      socket_connections: socketCap.open,
      http_connections: httpCap.open,
      evicted_connections: socketCap.evicted + httpCap.evicted,
      buffered_bytes: socket.buffered_bytes + web.buffered_bytes,
      dropped_log_lines: socket.dropped_log_lines + web.dropped_log_lines,
    };
  };

  let httpUrl: string | null = null;
  let http: HttpServer | null = null;
  const notices: string[] = [];
  const watches = new WatchManager(() => registry.list(), log);
  const snapshotState = (): StateFile => ({ version: STATE_VERSION, saved_at: new Date().toISOString(), apps: registry.list().map((sup) => sup.record()) });
  // A state that cannot be made durable is a notice until a retry succeeds (state-store.ts).
  let stateNotice: string | null = null;
  const stateWriter = new StateWriter(
    paths.stateFile,
    snapshotState,
    (err) => {
      stateNotice = `Cannot write ${paths.stateFile}: ${err.message}. The apps run as asked, but the state is only in memory: a daemon killed now would come back at the state on disk. Retried every second.`;
      log(stateNotice);
      statusChanged();
    },
    50,
    () => {
      stateNotice = null;
      log(`${paths.stateFile} is written again: the state on disk is the latest`);
      statusChanged();
    },
  );
  // Until it has taken over, a new daemon (hotctl update) leaves the state to the running one.
  stateWriter.frozen = takeOver !== null;
  const dumpFile = join(paths.home, 'dump.json');

  const info = (): DaemonInfo => ({
    pid: process.pid,
    version: HOTCTL_VERSION,
    protocol: PROTOCOL_VERSION,
    home: paths.home,
    mode: options.mode,
    uptime_ms: Date.now() - startedMs,
    http: httpUrl,
    notices: [...notices, ...logNotices.values(), ...[capNotice, stateNotice, daemonLog.notice()].filter((n): n is string => n !== null)],
    control_plane: controlPlane(),
  });
  const status = (): StatusSnapshot => ({ daemon: info(), apps: registry.list().map((sup) => ({ ...sup.status(), log_files: logFiles.filesOf(sup.spec) })) });
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
      stateWriter.flush();
      stateWriter.stop();
      watches.close();
      sampler.stop();
      await http?.close();
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
      logFiles.check(apps);
      const ops = await registry.start(apps);
      if (follow) for (const op of ops) ctx.follow(op.id, op.app);
      return { operations: ops.map((op) => op.snapshot()) };
    },
    reload: async ({ name, spec, follow, wait, strategy, batch, canary }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      // The files are checked (and one removed by hand opened again) at every reload.
      logFiles.check([spec ?? registry.get(name).spec]);
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
    apply: async ({ apps, prune, dry_run, follow, wait, changed_only, update_env }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      if (!dry_run) logFiles.check(apps);
      const { plan, operations } = await registry.apply(apps, { prune, dryRun: dry_run, wait, changedOnly: changed_only, updateEnv: update_env });
      if (follow) for (const op of operations) ctx.follow(op.id, op.app);
      return { plan, operations: operations.map((op) => op.snapshot()) };
    },
    restart: async ({ name, follow, wait, spec }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      // A spec without `inherited_env` (restart <file> without --update-env) keeps the deployed one.
      const deployed = registry.get(name).spec;
      const given: AppSpec | undefined = spec && spec.inherited_env === undefined && deployed.inherited_env !== undefined ? { ...spec, inherited_env: deployed.inherited_env } : spec;
      logFiles.check([given ?? deployed]);
      const op = await registry.operate('restart', name, { wait, ...(given ? { spec: given } : {}) });
      if (follow) ctx.follow(op.id, op.app);
      return { operation: op.snapshot() };
    },
    stop: async ({ name, follow, wait }, ctx) => {
      const op = await registry.operate('stop', name, { wait });
      if (follow) ctx.follow(op.id, op.app);
      return { operation: op.snapshot() };
    },
    delete: async ({ name, follow, wait }, ctx) => {
      const spec = registry.get(name).spec;
      const op = await registry.operate('delete', name, { wait });
      // Its files are closed: removed by hand, they are created again at the next start.
      void op.finished.then((done) => done.state === 'succeeded' && logFiles.release(spec, registry.list().map((sup) => sup.spec)));
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
    logs: async ({ app, lines, stream }) => {
      const apps = app === undefined ? registry.list() : [registry.get(app)];
      return logs.tail(
        apps.map((sup) => logFiles.tailSources(sup.spec)),
        { lines: lines ?? 20, stream },
      );
    },
    flush: async ({ app }) => {
      const apps = app === undefined ? registry.list() : [registry.get(app)];
      return logFiles.flush(
        apps.map((sup) => sup.spec),
        registry.list().map((sup) => sup.spec),
      );
    },
    save: async () => {
      const running = registry.list().filter((sup) => sup.wanted === 'running');
      try {
        saveDump(dumpFile, { version: STATE_VERSION, saved_at: new Date().toISOString(), apps: running.map((sup) => sup.record()) });
      } catch (err) {
        throw new HotctlError('E_STATE_WRITE_FAILED', `Cannot write ${dumpFile}: ${(err as Error).message}. Nothing was saved; the previous save is unchanged.`, { details: { file: dumpFile } });
      }
      return { file: dumpFile, apps: running.map((sup) => sup.name) };
    },
    resurrect: async ({ follow }, ctx) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      const saved = loadDump(dumpFile);
      if (saved.notice !== null) log(saved.notice);
      const ops = await registry.resurrect(saved.state.apps);
      if (follow) for (const op of ops) ctx.follow(op.id, op.app);
      return { file: saved.file, operations: ops.map((op) => op.snapshot()), ...(saved.notice === null ? {} : { notice: saved.notice }) };
    },
    signal: async ({ name, signal }) => {
      const parsed = parseSignal(signal);
      if (parsed === null) throw new HotctlError('E_UNKNOWN_SIGNAL', `There is no signal named ${JSON.stringify(signal.slice(0, 40))}.`, { details: { signal: signal.slice(0, 40) } });
      const sup = registry.get(name);
      return { app: sup.name, signal: parsed, workers: sup.pool.signal(parsed) };
    },
    handoff: async (params) => {
      if (stopping) throw new HotctlError('E_SHUTTING_DOWN');
      stateWriter.flush();
      const result = await handOver(
        {
          logPath: paths.daemonLog,
          log,
          sockets: () => traffic.listeningSockets(),
          release: async () => {
            stateWriter.frozen = true;
            await traffic.stopAccepting();
            control?.moveTo(null);
            const closing = http;
            http = null;
            await closing?.close();
          },
        },
        params,
      );
      setImmediate(() => void shutdown(`handed over to pid ${result.pid}`));
      return result;
    },
    kill: async () => {
      const apps = registry.list().map((sup) => sup.name);
      setImmediate(() => void shutdown('hotctl kill'));
      return { pid: process.pid, apps };
    },
  };

  // Read before anything listens: a state that can be neither read nor moved aside stops the
  // start here, with the lock released, rather than leave a daemon that cannot persist.
  let loaded: LoadedState;
  try {
    loaded = loadState(paths.stateFile);
  } catch (err) {
    lock.release();
    throw err;
  }
  control = new ControlServer(takeOver ? takeOver.controlPath(paths.socket) : paths.socket, handlers, log, socketCap);
  try {
    await control.listen();
  } catch (err) {
    lock.release();
    throw err;
  }

  // A daemon that died (even kill -9) comes back with every app it ran, at its last spec.
  const restored: Promise<{ app: string; state: string; error: string | null } | null>[] = [];
  function restoreState(): void {
    if (loaded.kind === 'corrupt') {
      const notice = `The state file was unreadable (${loaded.reason}); it was kept as ${loaded.keptAs} and the daemon started empty.`;
      notices.push(notice);
      log(notice);
      return;
    }
    if (loaded.kind === 'none') return;
    for (const saved of loaded.state.apps) {
      const record = options.inheritedEnv ? recordWithInheritedEnv(saved, options.inheritedEnv) : saved;
      const restoring = registry.restore(record).then(
        async (op) => {
          if (!op) return null;
          log(`restored ${record.name} (starting revision ${op.toRevision ?? '?'})`);
          const done = await op.finished;
          return { app: record.name, state: done.state, error: done.error?.message ?? null };
        },
        (err: Error) => {
          log(`could not restore ${record.name}: ${err.message}`);
          return { app: record.name, state: 'failed', error: err.message };
        },
      );
      restored.push(restoring);
    }
  }

  const onTerm = (signal: NodeJS.Signals) => void shutdown(signal);
  const onHup = () => {
    log('SIGHUP: reloading every app');
    for (const sup of registry.list()) void sup.begin('reload', { wait: true }).catch((err: Error) => log(`reload of ${sup.name} refused: ${err.message}`));
  };
  const httpPort = options.httpPort ?? httpPortFromEnv(process.env.HOTCTL_HTTP_PORT, log);
  // After a hand-off, the HTTP listener starts once the old daemon has closed its own.
  const startHttp = async (): Promise<void> => {
    if (httpPort === 0) return;
    http = new HttpServer({
      host: options.httpHost ?? (process.env.HOTCTL_HTTP_HOST || DEFAULT_HTTP_HOST),
      port: httpPort,
      allowRemote: options.httpAllowRemote ?? process.env.HOTCTL_HTTP_ALLOW_REMOTE === '1',
      token: options.httpToken ?? (process.env.HOTCTL_HTTP_TOKEN || null),
      act: async (method, name) => (await registry.operate(method, name)).snapshot(),
      status,
      metricsText: () => {
        const last = sampler.snapshot();
        return renderPrometheus({ workers: last?.workers ?? [], apps: appInfo(), daemon: { version: HOTCTL_VERSION, uptime_ms: Date.now() - startedMs } });
      },
      history: () => history.history(),
      ready: () => {
        const apps = registry
          .list()
          .filter((sup) => sup.wanted === 'running')
          .map((sup) => ({ name: sup.name, ready: sup.pool.workers.filter((w) => w.state === 'ready').length, wanted: sup.spec.instances }));
        // No app to run is not ready: a pod whose supervisor has not started its apps yet serves nothing.
        return { ready: apps.length > 0 && apps.every((a) => a.ready > 0 && a.ready >= a.wanted), apps };
      },
      connectionCap: httpCap,
      subscribe: (topics, send) => {
        httpSubscribers.set(send, new Set(topics));
        return () => void httpSubscribers.delete(send);
      },
      log,
    });
    try {
      httpUrl = await http.listen();
    } catch (err) {
      // The daemon serves its socket without the listener rather than not at all; status says so.
      const notice = `HTTP listener off: ${(err as Error).message}`;
      notices.push(notice);
      log(notice);
      http = null;
    }
  };
  if (!takeOver) await startHttp();

  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onTerm);
  process.on('SIGHUP', onHup);
  try {
    restoreState();
  } catch (err) {
    // Started fully or not at all: nothing may keep serving without its state.
    log(`cannot restore the apps: ${(err as Error).stack ?? String(err)}`);
    await shutdown('start-up failed');
    throw err;
  }
  if (takeOver) {
    try {
      await completeTakeOver(
        takeOver,
        {
          restored,
          notReady: () => registry.list().filter((sup) => sup.wanted === 'running' && sup.pool.workers.filter((w) => w.state === 'ready').length < sup.spec.instances).map((sup) => sup.name),
          apps: () => registry.list().map((sup) => sup.name),
          acceptAdopted: () => traffic.acceptAdopted(),
          moveControl: () => control?.moveTo(paths.socket),
          takeLock: () => handoffLock?.take(),
          writeState: () => {
            stateWriter.frozen = false;
            stateWriter.flush();
          },
          startHttp,
        },
        log,
      );
    } catch (err) {
      log(`hand-off failed: ${(err as Error).message}`);
      await shutdown('hand-off failed');
      throw err;
    }
  }
  log(`hotctl ${HOTCTL_VERSION} ${options.mode} listening on ${paths.socket}`);
  return { socketPath: paths.socket, done, shutdown };
}

/** HOTCTL_HTTP_PORT: a port number, 0 for off; anything else is reported and the default used. */
function httpPortFromEnv(value: string | undefined, log: (line: string) => void): number {
  if (value === undefined || value === '') return DEFAULT_HTTP_PORT;
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  log(`HOTCTL_HTTP_PORT=${JSON.stringify(value)} is not a port (0-65535); using ${DEFAULT_HTTP_PORT}`);
  return DEFAULT_HTTP_PORT;
}

/** HOTCTL_METRICS_INTERVAL_MS: the metrics sampler's period in ms, 0 for off; anything else is reported and 1000 used. */
function metricsIntervalFromEnv(value: string | undefined, log: (line: string) => void): number {
  if (value === undefined || value === '') return 1000;
  const ms = Number(value);
  if (Number.isInteger(ms) && ms >= 0) return ms;
  log(`HOTCTL_METRICS_INTERVAL_MS=${JSON.stringify(value)} is not a whole number of ms (0 = off); using 1000`);
  return 1000;
}
