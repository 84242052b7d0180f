/**
 * The daemon: composes the state directory, the pid lock, the app registry and the parts that
 * serve it. It alone owns sockets, files and the lock. Each part is a module of its own:
 *
 * | part                            | module                                     |
 * |---------------------------------|--------------------------------------------|
 * | its settings (HOTCTL_*)         | daemon-env.ts                              |
 * | one event bus, one subscriber policy | event-bus.ts, subscriber-outlet.ts    |
 * | apps' output: files, subscribers| app-output.ts                              |
 * | metrics, max_memory_restart     | daemon-metrics.ts, cluster/memory-policy.ts|
 * | request outcomes per revision   | revision-outcomes.ts, outcomes-report.ts   |
 * | state on disk, restore          | durable-state.ts, state-restore.ts         |
 * | requests on the socket          | request-handlers.ts, operation-table.ts    |
 * | fd shares of the listeners      | control-plane.ts                           |
 * | signals, shutdown phases        | signals.ts, shutdown.ts                    |
 * | `hotctl update`: hand-off       | handoff/ (give.ts, take.ts, wiring.ts)     |
 *
 * `hotctl run` runs the same thing in the foreground (mode `run`): same socket, so `hotctl
 * status` and `hotctl reload` work against it too; worker output is echoed to stdout/stderr.
 */
import { join } from 'node:path';
import type { DaemonEvent, DaemonInfo, DaemonMode, StatusSnapshot } from '../protocol/index.js';
import { ensureStateDir, homePaths, PROTOCOL_VERSION } from '../protocol/index.js';
import { judgeReadiness } from '../cluster/readiness.js';
import { systemClock } from '../cluster/worker-state.js';
import { forkClusterWorker } from '../cluster/worker-host.js';
import { HOTCTL_VERSION } from '../version.js';
import { AppOutput } from './app-output.js';
import { AppRegistry, PortRegistry } from './app-registry.js';
import { governCompiler } from './compiler-governor.js';
import { ControlPlane } from './control-plane.js';
import { ControlServer } from './control-server.js';
import { daemonSettings } from './daemon-env.js';
import { DaemonLog } from './daemon-log.js';
import { DaemonMetrics } from './daemon-metrics.js';
import { DurableState } from './durable-state.js';
import { EventBus } from './event-bus.js';
import type { TakeOver } from './handoff/take.js';
import { giveDeps, takeOver as completeTakeOver, type HandoffParts } from './handoff/wiring.js';
import type { HttpServer } from './http-server.js';
import { runOperation } from './operation-table.js';
import { acquirePidLock } from './pid-lock.js';
import { operationContext, requestHandlers } from './request-handlers.js';
import { inspectScript } from './script-inspector.js';
import { drainApps, runShutdown } from './shutdown.js';
import { handleSignals, reloadEveryApp } from './signals.js';
import { RevisionOutcomes } from './revision-outcomes.js';
import { withOutcomes } from './outcomes-report.js';
import { restoreState } from './state-restore.js';
import { canaryShareOf, withTraffic } from './traffic-report.js';
import { TrafficWiring } from './traffic-wiring.js';
import { loadState, removeStaleTempFiles, STATE_VERSION, type LoadedState } from './state-store.js';
import { WatchManager } from './watch-manager.js';
import { isoNow } from '../platform/iso-time.js';

export { STATUS_COALESCE_MS } from './event-bus.js';
export { SHUTDOWN_LIMIT_MS } from './shutdown.js';

export interface DaemonOptions {
  home: string;
  mode: DaemonMode;
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
  const { settings, warnings } = daemonSettings(process.env, options);
  for (const warning of warnings) log(warning);

  let control: ControlServer | null = null;
  let http: HttpServer | null = null;
  let httpUrl: string | null = null;
  const notices: string[] = [];
  const bus = new EventBus(() => statusEvent());
  const output = new AppOutput({ logsDir: paths.logsDir, mode: options.mode, bus, find: (app) => registry.list().find((s) => s.name === app), log });
  const traffic = new TrafficWiring(process.env, takeOver?.sockets, (app) => canaryShareOf(registry.list().find((sup) => sup.name === app)));
  // Request outcomes per revision (issue 12), read from the workers' reports; kept while the
  // revision is in the app's history or run by one of its workers.
  const outcomes = new RevisionOutcomes((app) => {
    const sup = registry.list().find((s) => s.name === app);
    return sup ? [...sup.revisions.map((r) => r.number), ...sup.pool.workers.map((w) => w.revision)] : null;
  }, () => bus.statusChanged());
  const emit = (event: DaemonEvent) => {
    traffic.onEvent(event);
    state.settle(event);
    if (event.kind === 'worker') log(`${event.app}#${event.worker_id} r${event.revision} pid ${event.pid ?? '-'}: ${event.from ?? 'new'} → ${event.to} (${event.reason})`);
    else if (event.kind === 'operation' && event.message !== undefined) log(`${event.app} ${event.operation.kind} ${event.operation.id}: ${event.operation.state}: ${event.message}`);
    bus.publish(event);
    state.settled(event);
    if (event.kind === 'worker' || event.kind === 'operation') bus.statusChanged();
  };
  const forkWorker = outcomes.fork(traffic.fork(forkClusterWorker));
  const registry: AppRegistry = new AppRegistry({
    clock: systemClock,
    // Each worker's reports also time the metrics tick (daemon-metrics.ts); metrics is set before any fork.
    fork: (spec, env, cwd) => metrics.sampleOnReports(forkWorker(spec, env, cwd)),
    emit,
    ports: new PortRegistry(),
    reportIntervalMs: 1000,
    inspect: inspectScript,
    changed: () => {
      state.changed();
      watches.changed();
    },
    metricsOf: (app, workerId) => metrics.summary(app, workerId),
    outcomesOf: outcomes.outcomesOf,
    routed: (app) => traffic.routes(app),
    output: (worker, stream, text) => output.write(worker, stream, text),
  });
  const metrics = new DaemonMetrics({ intervalMs: settings.metricsIntervalMs, apps: () => registry.list(), traffic: (app) => traffic.report(app), outcomesOf: outcomes.outcomesOf, bus, startedMs, log, onTick: governCompiler(settings.metricsIntervalMs, log) });
  metrics.start();
  const controlPlane = new ControlPlane(log);
  const watches = new WatchManager(() => registry.list(), log);
  const state = new DurableState(
    paths.stateFile,
    () => ({ version: STATE_VERSION, saved_at: isoNow(), mode: options.mode, apps: registry.list().map((sup) => sup.record()) }),
    log,
    () => bus.statusChanged(),
  );
  // Until it has taken over, a new daemon (hotctl update) leaves the state to the running one.
  state.frozen = takeOver !== null;
  const handoffParts: HandoffParts = { log, state, traffic, registry, control: () => control };

  const info = (): DaemonInfo => ({
    pid: process.pid,
    version: HOTCTL_VERSION,
    protocol: PROTOCOL_VERSION,
    home: paths.home,
    mode: options.mode,
    uptime_ms: Date.now() - startedMs,
    http: httpUrl,
    notices: [...notices, ...output.notices(), ...[controlPlane.notice, state.notice, daemonLog.notice()].filter((n): n is string => n !== null)],
    control_plane: controlPlane.info(control?.stats() ?? null, http?.stats() ?? null),
  });
  const status = (): StatusSnapshot => ({ daemon: info(), apps: registry.list().map((sup) => withOutcomes(withTraffic({ ...sup.status(), log_files: output.files.filesOf(sup.spec) }, traffic.report(sup.name)), outcomes.outcomesOf(sup.name))) });
  const statusEvent = (): DaemonEvent => ({ kind: 'status', at: isoNow(), status: status() });

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let stopping: Promise<void> | null = null;
  let forgetSignals = () => {};
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log(`stopping (${reason}): draining every app`);
      await runShutdown(
        {
          'drain-apps': () => drainApps(registry, log),
          'persist-state': () => {
            state.flush();
            state.stop();
          },
          'stop-watching': () => watches.close(),
          'stop-sampling': () => metrics.stop(),
          'close-http': () => http?.close(),
          'close-control': () => control?.close(),
          'close-logs': () => output.logs.close(),
          'release-lock': () => lock.release(),
          'forget-signals': () => forgetSignals(),
        },
        { onError: (phase, err) => log(`shutdown phase ${phase} failed: ${(err as Error)?.stack ?? String(err)}`) },
      );
      log('stopped');
      resolveDone(0);
    })();
    return stopping;
  };

  const handlerDeps = {
    registry,
    logs: output.logs,
    logFiles: output.files,
    info,
    status,
    statusEvent,
    dumpFile: join(paths.home, 'dump.json'),
    stopping: () => stopping !== null,
    shutdown,
    log,
    flushState: () => void state.flush(),
    handoff: giveDeps(
      handoffParts,
      paths.daemonLog,
      () => (http?.rawHandle ? { host: settings.httpHost, port: settings.httpPort, handle: http.rawHandle } : null),
      async () => {
        const closing = http;
        http = null;
        await closing?.handOver();
      },
    ),
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
  control = new ControlServer(takeOver ? takeOver.controlPath(paths.socket) : paths.socket, requestHandlers(handlerDeps), log, bus, controlPlane.socketCap);
  try {
    await control.listen();
  } catch (err) {
    lock.release();
    throw err;
  }

  // After a hand-off, the HTTP listener starts on the old daemon's socket (or once it has closed its own).
  const startHttp = async (): Promise<void> => {
    if (settings.httpPort === 0 || http !== null) return;
    const adopted = takeOver?.http?.handle ?? null;
    const operations = operationContext(handlerDeps);
    // Loaded only when it listens: a daemon without it (HOTCTL_HTTP_PORT=0) never loads the
    // listener, the dashboard's assets or its WebSocket feed.
    const { HttpServer } = await import('./http-server.js');
    http = new HttpServer({
      host: settings.httpHost,
      port: settings.httpPort,
      allowRemote: settings.httpAllowRemote,
      token: settings.httpToken,
      act: async (method, name) => (await runOperation(method, { name }, operations)).operation,
      status,
      metricsText: () => metrics.text(),
      history: () => metrics.history.history(),
      ready: () => judgeReadiness(registry.list()),
      connectionCap: controlPlane.httpCap,
      subscribe: (topics, send) => {
        const wanted = new Set(topics);
        return bus.add({ wants: (topic) => wanted.has(topic), deliver: send });
      },
      log,
    });
    try {
      httpUrl = await http.listen(adopted);
    } catch (err) {
      // The daemon serves its socket without the listener rather than not at all; status says so.
      const notice = `HTTP listener off: ${(err as Error).message}`;
      notices.push(notice);
      log(notice);
      http = null;
    }
  };
  if (!takeOver) await startHttp();
  else takeOver.keepHttp(settings.httpPort === 0 ? '' : settings.httpHost, settings.httpPort);

  forgetSignals = handleSignals({ stop: (signal) => void shutdown(signal), reload: () => reloadEveryApp(registry.list(), log) });
  try {
    const restored = restoreState(loaded, { restore: (record) => registry.restore(record, takeOver !== null), inheritedEnv: options.inheritedEnv, log, notice: (text) => notices.push(text) });
    if (takeOver) await completeTakeOver(takeOver, handoffParts, { socket: paths.socket, restored, lock: handoffLock!, startHttp });
  } catch (err) {
    // Started fully or not at all: nothing may keep serving without its state. A new daemon
    // that did not take over stops, and the running one keeps serving (handoff/give.ts).
    log(takeOver ? `hand-off failed: ${(err as Error).message}` : `cannot restore the apps: ${(err as Error).stack ?? String(err)}`);
    await shutdown(takeOver ? 'hand-off failed' : 'start-up failed');
    throw err;
  }
  log(`hotctl ${HOTCTL_VERSION} ${options.mode} listening on ${paths.socket}`);
  return { socketPath: paths.socket, done, shutdown };
}
