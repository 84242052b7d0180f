/**
 * A supervisor over fake worker processes and a FakeClock, for unit tests of the reload
 * machinery that run in milliseconds. Each fake process emits what a real worker's runtime
 * does (online, `ready` over IPC, `drained` after a shutdown, an exit), on the next turn of the
 * event loop; what each fork does is decided by `behave(revision, instance)`.
 */
import type { AppSpec, DaemonEvent, WorkerTransitionEvent } from '../../src/protocol/index.js';
import { appDefaults, IPC_MARK, RUNTIME_ENV } from '../../src/protocol/index.js';
import type { ForkWorker, ListeningAddress, WorkerProcess } from '../../src/cluster/worker-host.js';
import type { Operation } from '../../src/cluster/operation.js';
import type { OperationRequest } from '../../src/cluster/op-steps.js';
import type { ScriptFacts } from '../../src/cluster/revision.js';
import { Supervisor } from '../../src/cluster/supervisor.js';
import type { ManagedWorker } from '../../src/cluster/worker-state.js';
import { FakeClock } from './fake-clock.js';

/**
 * What a forked process does: `ready` (online, then ready), `crash` (online, then exits 1
 * before ready), `hang` (online, calls listen() and never gets ready), `exit0` (a job that
 * ends on purpose), `stuck-drain` (ready, but never exits when asked to drain).
 */
export type Behaviour = 'ready' | 'crash' | 'hang' | 'exit0' | 'stuck-drain';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FakeProcess implements WorkerProcess {
  readonly stdout = null;
  readonly stderr = null;
  alive = true;
  readonly received: unknown[] = [];
  private readonly on = { online: [] as Array<() => void>, message: [] as Array<(m: unknown) => void>, exit: [] as Array<(c: number | null, s: string | null) => void> };

  constructor(
    readonly pid: number,
    readonly revision: number,
    readonly instance: number,
    readonly behaviour: Behaviour,
  ) {}

  send(message: unknown): boolean {
    if (!this.alive) return false;
    this.received.push(message);
    const type = (message as { type?: string }).type;
    if (type === 'shutdown' && this.behaviour !== 'stuck-drain') setImmediate(() => this.emitMessage({ hotctl: IPC_MARK, type: 'drained', served: 0 }));
    if (type === 'exit') setImmediate(() => this.exit(0, null));
    return true;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) setImmediate(() => this.exit(null, signal));
  }

  onOnline(fn: () => void): void {
    this.on.online.push(fn);
  }
  onMessage(fn: (message: unknown) => void): void {
    this.on.message.push(fn);
  }
  onListening(_fn: (address: ListeningAddress) => void): void {}
  onExit(fn: (code: number | null, signal: string | null) => void): void {
    this.on.exit.push(fn);
  }

  /** Plays the fork's behaviour: called on the turn after the fork. */
  start(): void {
    if (!this.alive) return;
    for (const fn of this.on.online) fn();
    switch (this.behaviour) {
      case 'ready':
      case 'stuck-drain':
        this.emitMessage({ hotctl: IPC_MARK, type: 'ready', via: 'listening' });
        return;
      case 'crash':
        this.exit(1, null);
        return;
      case 'hang':
        this.emitMessage({ hotctl: IPC_MARK, type: 'listen-started' });
        return;
      case 'exit0':
        this.exit(0, null);
        return;
    }
  }

  /** The process dies (a crash after ready: `crash()` with the defaults). */
  exit(code: number | null = 1, signal: string | null = null): void {
    if (!this.alive) return;
    this.alive = false;
    for (const fn of this.on.exit) fn(code, signal);
  }

  emitMessage(message: unknown): void {
    if (this.alive) for (const fn of this.on.message) fn(message);
  }
}

export interface Rig {
  clock: FakeClock;
  sup: Supervisor;
  events: DaemonEvent[];
  processes: FakeProcess[];
  /** Decides each fork's behaviour; change it between steps. */
  behave: (revision: number, instance: number) => Behaviour;
  /** Runs an operation to its end, moving the clock `stepMs` at a time while it waits. */
  run(kind: Operation['kind'], request?: OperationRequest & { wait?: boolean }): Promise<Operation>;
  /** Lets pending process events and operation steps happen (no clock movement). */
  settle(): Promise<void>;
  /** Moves the clock by `ms` in steps, letting events happen in between. */
  advance(ms: number): Promise<void>;
  /** Worker transition events so far. */
  transitions(): WorkerTransitionEvent[];
  processOf(worker: ManagedWorker): FakeProcess;
  /** Live workers (a process that serves or may serve: not exited, errored or draining). */
  serving(): ManagedWorker[];
}

export const STEP_MS = 50;

export function appSpec(extra: Partial<AppSpec> = {}): AppSpec {
  return {
    ...appDefaults(),
    name: 'api',
    script: '/srv/api/server.js',
    cwd: '/srv/api',
    instances: 2,
    listen_timeout: 3000,
    reload_hold: 1000,
    kill_timeout: 1600,
    min_uptime: 1000,
    ...extra,
  } as AppSpec;
}

/** `routed`: the primary routes the app's listens (a surge reload may then park the old generation); false by default. */
export function rig(spec: AppSpec = appSpec(), options: { routed?: boolean } = {}): Rig {
  const clock = new FakeClock();
  const events: DaemonEvent[] = [];
  const processes: FakeProcess[] = [];
  let pid = 1000;
  const fork: ForkWorker = (_spec, env) => {
    const revision = Number(env[RUNTIME_ENV.revision]);
    const instance = Number(env.NODE_APP_INSTANCE);
    const proc = new FakeProcess(++pid, revision, instance, r.behave(revision, instance));
    processes.push(proc);
    setImmediate(() => proc.start());
    return proc;
  };
  const inspect = async (s: AppSpec): Promise<ScriptFacts> => ({ script: s.script, cwd: s.cwd ?? '/', script_sha256: 'sha', app_version: null, git_commit: null });
  const sup = new Supervisor(spec, {
    clock,
    fork,
    emit: (event) => events.push(event),
    output: () => {},
    ports: { claim: () => null, release: () => {} },
    reportIntervalMs: 0,
    inspect,
    changed: () => {},
    routed: () => options.routed ?? false,
  });
  const settle = async () => {
    for (let i = 0; i < 20; i++) await turn();
  };
  const r: Rig = {
    clock,
    sup,
    events,
    processes,
    behave: () => 'ready',
    settle,
    async advance(ms) {
      for (let t = 0; t < ms; t += STEP_MS) {
        clock.advance(STEP_MS);
        await settle();
      }
    },
    async run(kind, request = {}) {
      const op = await sup.begin(kind, request);
      for (let i = 0; i < 2000 && !op.terminal; i++) {
        await settle();
        if (!op.terminal) clock.advance(STEP_MS);
      }
      if (!op.terminal) throw new Error(`${kind} did not end: ${op.state}`);
      await settle();
      return op;
    },
    transitions: () => events.filter((e): e is WorkerTransitionEvent => e.kind === 'worker'),
    processOf(worker) {
      const proc = processes.find((p) => p.pid === worker.lastPid);
      if (!proc) throw new Error(`no process for worker ${worker.id}`);
      return proc;
    },
    serving: () => sup.pool.workers.filter((w) => w.state === 'ready'),
  };
  return r;
}
