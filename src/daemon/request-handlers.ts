/**
 * What the daemon answers on its control socket: one handler per method of the protocol. The
 * seven that start one operation on one app are rows of operation-table.ts, behind one handler;
 * the others (queries, start and apply of several apps, logs, save and resurrect, and the
 * `hotctl update` hand-off, whose sequence is in handoff/) are here.
 */
import type { DaemonEvent, DaemonInfo, StatusSnapshot } from '../protocol/index.js';
import { HotctlError, parseSignal, PROTOCOL_VERSION } from '../protocol/index.js';
import type { LogWriter } from '../logs/log-writer.js';
import { HOTCTL_VERSION } from '../version.js';
import type { AppLogFilesRouter } from './app-log-files.js';
import type { AppRegistry } from './app-registry.js';
import type { Handlers } from './control-server.js';
import { loadDump, saveDump } from './dump-file.js';
import type { GiveDeps } from './handoff/give.js';
import { runOperation, SINGLE_APP_OPERATIONS, type OperationContext, type SingleAppOperation } from './operation-table.js';
import { STATE_VERSION } from './state-store.js';
import { compareVersions } from './version-compare.js';
import { isoNow } from '../platform/iso-time.js';

export interface HandlerDeps {
  registry: AppRegistry;
  logs: LogWriter;
  logFiles: AppLogFilesRouter;
  info(): DaemonInfo;
  status(): StatusSnapshot;
  statusEvent(): DaemonEvent;
  /** HOTCTL_HOME/dump.json */
  dumpFile: string;
  stopping(): boolean;
  shutdown(reason: string): Promise<void>;
  log(line: string): void;
  /** Writes the state now (the new daemon of `hotctl update` restores from it). */
  flushState(): void;
  /** `hotctl update`: what handing this daemon over needs (handoff/give.ts). */
  handoff: GiveDeps;
}

/** The operation table's view of the daemon. */
export function operationContext(d: Pick<HandlerDeps, 'registry' | 'logFiles' | 'stopping'>): OperationContext {
  return {
    specOf: (name) => d.registry.get(name).spec,
    operate: (kind, name, request) => d.registry.operate(kind, name, request),
    checkLogFiles: (specs) => d.logFiles.check(specs),
    releaseLogFiles: (spec) =>
      d.logFiles.release(
        spec,
        d.registry.list().map((sup) => sup.spec),
      ),
    stopping: d.stopping,
  };
}

export function requestHandlers(d: HandlerDeps): Handlers {
  const { registry, logFiles } = d;
  const refuseWhileStopping = () => {
    if (d.stopping()) throw new HotctlError('E_SHUTTING_DOWN');
  };
  const operations = operationContext(d);
  const oneAppOperations = Object.fromEntries(
    SINGLE_APP_OPERATIONS.map((method) => [method, (params: never, ctx: Parameters<Handlers[SingleAppOperation]>[1]) => runOperation(method, params, operations, ctx.follow)]),
  ) as Pick<Handlers, SingleAppOperation>;

  return {
    ...oneAppOperations,
    hello: async ({ client_version, protocol }) => {
      const order = compareVersions(HOTCTL_VERSION, client_version);
      const details = { daemon_version: HOTCTL_VERSION, client_version, daemon_pid: process.pid };
      if (order < 0 || (order === 0 && protocol > PROTOCOL_VERSION)) {
        throw new HotctlError('E_DAEMON_VERSION_MISMATCH', `The daemon runs hotctl ${HOTCTL_VERSION}; this CLI is ${client_version}.`, { details });
      }
      if (order > 0 || protocol < PROTOCOL_VERSION) {
        throw new HotctlError('E_DAEMON_NEWER', `The daemon runs hotctl ${HOTCTL_VERSION}, newer than this CLI (${client_version}).`, { details });
      }
      return d.info();
    },
    status: async () => d.status(),
    start: async ({ apps, follow }, ctx) => {
      refuseWhileStopping();
      logFiles.check(apps);
      const ops = await registry.start(apps);
      if (follow) for (const op of ops) ctx.follow(op.id, op.app);
      return { operations: ops.map((op) => op.snapshot()) };
    },
    history: async ({ name }) => {
      const sup = registry.get(name);
      return { app: name, active: sup.activeRevision, revisions: sup.history() };
    },
    apply: async ({ apps, prune, dry_run, follow, wait, changed_only, update_env }, ctx) => {
      refuseWhileStopping();
      if (!dry_run) logFiles.check(apps);
      const { plan, operations } = await registry.apply(apps, { prune, dryRun: dry_run, wait, changedOnly: changed_only, updateEnv: update_env });
      if (follow) for (const op of operations) ctx.follow(op.id, op.app);
      return { plan, operations: operations.map((op) => op.snapshot()) };
    },
    operation: async ({ id }) => {
      const found = registry.findOperation(id);
      if (!found) throw new HotctlError('E_USAGE', `No operation with id ${id} (only the current and the last one per app are kept).`);
      return found;
    },
    subscribe: async ({ topics, apps }, ctx) => {
      ctx.subscribe(topics, apps);
      if (topics.includes('status')) setImmediate(() => ctx.push(d.statusEvent()));
      return { topics };
    },
    logs: async ({ app, lines, stream }) => {
      const apps = app === undefined ? registry.list() : [registry.get(app)];
      return d.logs.tail(
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
        saveDump(d.dumpFile, { version: STATE_VERSION, saved_at: isoNow(), apps: running.map((sup) => sup.record()) });
      } catch (err) {
        throw new HotctlError('E_STATE_WRITE_FAILED', `Cannot write ${d.dumpFile}: ${(err as Error).message}. Nothing was saved; the previous save is unchanged.`, { details: { file: d.dumpFile } });
      }
      return { file: d.dumpFile, apps: running.map((sup) => sup.name) };
    },
    resurrect: async ({ follow }, ctx) => {
      refuseWhileStopping();
      const saved = loadDump(d.dumpFile);
      if (saved.notice !== null) d.log(saved.notice);
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
      refuseWhileStopping();
      // A canary analysis does not survive the hand-over: its canary is rolled back first, and that recorded.
      await registry.abandonAnalyses('hotctl update replaces the daemon');
      d.flushState();
      // Loaded for `hotctl update` only.
      const { handOver } = await import('./handoff/give.js');
      const result = await handOver(d.handoff, params);
      setImmediate(() => void d.shutdown(`handed over to pid ${result.pid}`));
      return result;
    },
    kill: async () => {
      const apps = registry.list().map((sup) => sup.name);
      setImmediate(() => void d.shutdown('hotctl kill'));
      return { pid: process.pid, apps };
    },
  };
}
