/**
 * The workers of one app: forking them, reacting to what their processes do, retiring them.
 *
 * Every state change goes through {@link WorkerLifecycle.transition}; this file decides *which*
 * change a process event means (an exit while draining is `exited`, an exit while serving is
 * `crashed`, …) and runs the restart policy for serving workers. Operations (src/cluster/
 * app-operations.ts) wait on the pool with {@link WorkerPool.waitFor}, which re-checks their
 * condition after every transition — never on a sleep.
 */
import type { AppSpec, DaemonEvent, WorkerReport, WorkerTransitionEvent, WorkerState } from '../protocol/index.js';
import { isWorkerMessage, IPC_MARK, PM2_READY_MESSAGE, RUNTIME_ENV } from '../protocol/index.js';
import { LineSplitter } from '../logs/line-splitter.js';
import { decideExit, decideRestart } from './restart-policy.js';
import { HEARTBEAT_INTERVAL_MS, HeartbeatWatch } from './heartbeat.js';
import { workerEnv } from './worker-env.js';
import type { ForkWorker, ListeningAddress, WorkerProcess } from './worker-host.js';
import type { Clock, ManagedWorker, TransitionDetails, WorkerRole } from './worker-state.js';
import { LIVE_STATES, newWorker, WorkerLifecycle } from './worker-state.js';
import type { Revision } from './revision.js';

/** Lines of stderr kept per worker for failure reports. */
export const STDERR_TAIL_LINES = 30;

export interface PortClaims {
  /** Claims `key` for `app`; returns the app that holds it already, if another does. */
  claim(key: string, app: string, workerId: number): string | null;
  release(app: string, workerId: number): void;
}

export interface WorkerPoolDeps {
  clock: Clock;
  fork: ForkWorker;
  emit(event: DaemonEvent): void;
  output(worker: ManagedWorker, stream: 'out' | 'err', line: string): void;
  ports: PortClaims;
  reportIntervalMs: number;
}

type Check<T> = () => T | undefined;

/** The reason of the move to `ready`, by what the runtime saw. */
const READY_REASONS = {
  listening: 'listening',
  app: 'the app signalled ready',
  evaluated: 'module evaluated, no listen() pending (fork mode)',
} as const;

interface Waiter {
  check(): boolean;
}

export class WorkerPool {
  readonly workers: ManagedWorker[] = [];
  private readonly processes = new Map<number, WorkerProcess>();
  private readonly revisionsById = new Map<number, Revision>();
  private readonly reports = new Map<number, WorkerReport>();
  private readonly waiters = new Set<Waiter>();
  private readonly lifecycle: WorkerLifecycle;
  private readonly heartbeats: HeartbeatWatch;
  private nextId = 0;

  constructor(
    readonly app: string,
    private readonly deps: WorkerPoolDeps,
    private readonly onWorkerEvent: (event: WorkerTransitionEvent, worker: ManagedWorker) => void,
  ) {
    this.heartbeats = new HeartbeatWatch(deps.clock, (id, silentMs) => this.onSilent(id, silentMs));
    this.lifecycle = new WorkerLifecycle(deps.clock, {
      deadlineMs: (worker, state, details) => this.deadlineMs(worker, state, details),
      onTimeout: (worker, state) => this.onTimeout(worker, state),
      onTransition: (event, worker) => {
        if (event.to === 'ready') this.heartbeats.beat(worker.id, this.specOf(worker).heartbeat_timeout);
        else if (event.to !== 'unresponsive') this.heartbeats.stop(worker.id);
        if (event.to === 'exited') this.remove(worker);
        this.deps.emit(event);
        this.onWorkerEvent(event, worker);
        this.recheckWaiters();
      },
    });
  }

  /** Forks a new worker for `instance` running `revision`. */
  spawn(instance: number, revision: Revision, role: WorkerRole): ManagedWorker {
    const worker = newWorker({ id: ++this.nextId, app: this.app, instance, revision: revision.number, role, nowMs: this.deps.clock.now() });
    this.workers.push(worker);
    this.revisionsById.set(worker.id, revision);
    const forked = this.forkProcess(worker, revision);
    this.lifecycle.created(worker, role === 'candidate' ? `new worker for revision ${revision.number}` : `worker for revision ${revision.number}`);
    if (!forked) this.handleExit(worker, null, null, 'fork failed');
    return worker;
  }

  /**
   * Retires a worker gracefully: a live one drains (stops accepting, finishes in-flight requests,
   * then exits; SIGKILL after kill_timeout), one without a process is simply done.
   */
  retire(worker: ManagedWorker, reason: string): void {
    switch (worker.state) {
      case 'forking':
      case 'starting':
      case 'unresponsive': {
        // Its event loop is blocked: it could not drain. Its successor serves already.
        this.lifecycle.transition(worker, 'draining', reason);
        worker.forcedKill = { why: `unresponsive`, connectionsOpen: this.reports.get(worker.id)?.connectionsOpen ?? null };
        this.processes.get(worker.id)?.kill('SIGKILL');
        return;
      }
      case 'ready': {
        this.lifecycle.transition(worker, 'draining', reason);
        const spec = this.specOf(worker);
        const proc = this.processes.get(worker.id);
        const shutdown = { hotctl: IPC_MARK, type: 'shutdown', graceMs: spec.drain_grace, signal: spec.kill_signal, message: spec.shutdown_with_message } as const;
        if (!proc || !proc.send(shutdown)) proc?.kill('SIGTERM');
        return;
      }
      case 'crashed':
      case 'backoff':
      case 'errored':
        this.lifecycle.transition(worker, 'exited', reason);
        return;
      case 'draining':
      case 'exited':
        return;
    }
  }

  /** Sends `signal` to every live process (hotctl signal); returns the workers it went to. */
  signal(signal: NodeJS.Signals): Array<{ id: number; pid: number }> {
    const sent: Array<{ id: number; pid: number }> = [];
    for (const worker of this.workers) {
      const proc = this.processes.get(worker.id);
      if (!proc) continue;
      proc.kill(signal);
      sent.push({ id: worker.id, pid: proc.pid });
    }
    return sent;
  }

  /** Kills every live process at once (daemon exit, last resort). */
  killAll(signal: NodeJS.Signals): void {
    for (const proc of this.processes.values()) proc.kill(signal);
  }

  /**
   * Resolves with the first value `check` returns that is not undefined; `check` runs now and
   * after every worker transition. With `afterMs`, resolves with `onTimeout()` when that time
   * passes first.
   */
  waitFor<T>(check: Check<T>, timeout?: { afterMs: number; onTimeout: () => T }): Promise<T> {
    return new Promise<T>((resolve) => {
      let timer: ReturnType<Clock['setTimer']> | null = null;
      const waiter: Waiter = {
        check: () => {
          const value = check();
          if (value === undefined) return false;
          finish(value);
          return true;
        },
      };
      const finish = (value: T) => {
        this.waiters.delete(waiter);
        if (timer !== null) this.deps.clock.clearTimer(timer);
        resolve(value);
      };
      if (waiter.check()) return;
      this.waiters.add(waiter);
      if (timeout) timer = this.deps.clock.setTimer(() => finish(timeout.onTimeout()), Math.max(0, timeout.afterMs));
    });
  }

  /** The runtime's last report; none while the worker is unresponsive (its last one is stale). */
  report(workerId: number): WorkerReport | undefined {
    if (this.workers.find((w) => w.id === workerId)?.state === 'unresponsive') return undefined;
    return this.reports.get(workerId);
  }

  revisionOf(worker: ManagedWorker): Revision | undefined {
    return this.revisionsById.get(worker.id);
  }

  private specOf(worker: ManagedWorker): AppSpec {
    const revision = this.revisionsById.get(worker.id);
    if (!revision) throw new Error(`hotctl bug: worker ${this.app}#${worker.id} has no revision`);
    return revision.spec;
  }

  private forkProcess(worker: ManagedWorker, revision: Revision): boolean {
    const spec = revision.spec;
    const env = workerEnv(spec, worker.instance, {
      [RUNTIME_ENV.script]: revision.script,
      [RUNTIME_ENV.waitReady]: spec.wait_ready ? '1' : '0',
      [RUNTIME_ENV.execMode]: spec.exec_mode.startsWith('fork') ? 'fork' : 'cluster',
      [RUNTIME_ENV.app]: this.app,
      [RUNTIME_ENV.workerId]: String(worker.id),
      [RUNTIME_ENV.revision]: String(revision.number),
      [RUNTIME_ENV.reportIntervalMs]: String(this.deps.reportIntervalMs),
      [RUNTIME_ENV.heartbeatIntervalMs]: String(HEARTBEAT_INTERVAL_MS),
    });
    let proc: WorkerProcess;
    try {
      proc = this.deps.fork(spec, env, revision.cwd);
    } catch (err) {
      worker.failure = spawnFailure(err, env, spec.args);
      worker.stderrTail = [`hotctl: ${worker.failure.message}`];
      return false;
    }
    worker.pid = proc.pid;
    worker.lastPid = proc.pid;
    worker.processStartedMs = this.deps.clock.now();
    worker.failure = null;
    worker.listenStarted = false;
    worker.evaluated = false;
    worker.stderrTail = [];
    this.processes.set(worker.id, proc);
    this.pipe(worker, proc);
    proc.onOnline(() => {
      if (worker.state === 'forking' && this.processes.get(worker.id) === proc) this.lifecycle.transition(worker, 'starting', 'process online');
    });
    proc.onMessage((message) => this.onMessage(worker, proc, message));
    proc.onListening((address) => this.onListening(worker, proc, address));
    proc.onExit((code, signal) => {
      if (this.processes.get(worker.id) !== proc) return;
      this.processes.delete(worker.id);
      this.reports.delete(worker.id);
      this.deps.ports.release(this.app, worker.id);
      this.handleExit(worker, code, signal);
    });
    return true;
  }

  private pipe(worker: ManagedWorker, proc: WorkerProcess): void {
    const out = new LineSplitter((line) => this.deps.output(worker, 'out', line));
    const err = new LineSplitter((line) => {
      worker.stderrTail.push(line);
      if (worker.stderrTail.length > STDERR_TAIL_LINES) worker.stderrTail.shift();
      this.deps.output(worker, 'err', line);
    });
    proc.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    proc.stdout?.on('end', () => out.end());
    proc.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    proc.stderr?.on('end', () => err.end());
  }

  private onMessage(worker: ManagedWorker, proc: WorkerProcess, message: unknown): void {
    if (this.processes.get(worker.id) !== proc) return;
    const spec = this.specOf(worker);
    if (message === PM2_READY_MESSAGE) {
      if (spec.wait_ready) this.markReady(worker, 'the app signalled ready');
      return;
    }
    if (!isWorkerMessage(message)) return;
    switch (message.type) {
      case 'ready':
        this.markReady(worker, READY_REASONS[message.via]);
        return;
      case 'listen-started':
        worker.listenStarted = true;
        return;
      case 'evaluated':
        worker.evaluated = true;
        return;
      case 'boot-error':
      case 'fatal':
        worker.failure =
          message.error.code === 'EADDRINUSE'
            ? { code: 'E_PORT_IN_USE', message: message.error.message }
            : { code: 'E_WORKER_EXITED', message: `${message.error.name}: ${message.error.message}` };
        return;
      case 'report': {
        const { hotctl: _mark, type: _type, ...report } = message;
        this.reports.set(worker.id, report);
        this.heartbeat(worker);
        return;
      }
      case 'heartbeat':
        this.heartbeat(worker);
        return;
      case 'drained':
        // Answered after every connection handed to this worker so far (see worker-ipc.ts).
        proc.send({ hotctl: IPC_MARK, type: 'exit' });
        return;
      case 'bye':
        return;
    }
  }

  /** The worker's event loop turns (a report or a heartbeat arrived). */
  private heartbeat(worker: ManagedWorker): void {
    if (worker.state === 'ready') this.heartbeats.beat(worker.id, this.specOf(worker).heartbeat_timeout);
    else if (worker.state === 'unresponsive') this.lifecycle.transition(worker, 'ready', 'heartbeats resumed');
  }

  /** No heartbeat for heartbeat_timeout: the worker no longer counts as ready (the supervisor replaces it). */
  private onSilent(workerId: number, silentMs: number): void {
    const worker = this.workers.find((w) => w.id === workerId);
    if (worker?.state !== 'ready') return;
    this.lifecycle.transition(worker, 'unresponsive', `no heartbeat for ${silentMs} ms (heartbeat_timeout): its event loop is blocked`);
  }

  private markReady(worker: ManagedWorker, reason: string): void {
    // A worker already condemned (its port belongs to another app, it was not ready in time, it
    // reported a fatal error) may still have a "ready" in the pipe: it never counts as serving.
    if (worker.failure !== null) return;
    if (worker.state === 'forking') this.lifecycle.transition(worker, 'starting', 'process online');
    if (worker.state === 'starting') this.lifecycle.transition(worker, 'ready', reason);
  }

  private onListening(worker: ManagedWorker, proc: WorkerProcess, address: ListeningAddress): void {
    const key = `${address.addressType}:${address.address ?? '*'}:${address.port}`;
    const holder = this.deps.ports.claim(key, this.app, worker.id);
    if (holder === null) return;
    // Round-robin would deal this port's connections to both apps; the newcomer is stopped.
    worker.failure = { code: 'E_PORT_IN_USE', message: `port ${address.port} is already used by app "${holder}"` };
    worker.stderrTail.push(`hotctl: ${worker.failure.message}`);
    proc.kill('SIGKILL');
  }

  private handleExit(worker: ManagedWorker, code: number | null, signal: string | null, why?: string): void {
    const how = why ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
    const details: TransitionDetails = { exitCode: code, signal };
    const state: WorkerState = worker.state;
    if (state === 'draining') {
      const killed = worker.forcedKill;
      if (killed === null) {
        this.lifecycle.transition(worker, 'exited', how, details);
        return;
      }
      const cut = killed.connectionsOpen === null ? 'connections open unknown' : `${killed.connectionsOpen} connection${killed.connectionsOpen === 1 ? '' : 's'} cut`;
      this.lifecycle.transition(worker, 'exited', `${how}: ${killed.why}, ${cut}`, { ...details, connectionsCut: killed.connectionsOpen });
      return;
    }
    if (!LIVE_STATES.includes(state)) return;
    const spec = this.specOf(worker);
    const outcome = decideExit(spec, code, signal);
    if (outcome === 'done') {
      // Not a crash: a job that finished, or a code the app uses to say "stop me".
      worker.failure = null;
      const why = spec.autorestart ? 'its code is in stop_exit_codes' : 'autorestart is false';
      this.lifecycle.transition(worker, 'exited', `${how}: ended on purpose (${why}); not restarted`, details);
      return;
    }
    if (worker.failure === null) {
      worker.failure = { code: 'E_WORKER_EXITED', message: state === 'ready' ? `exited (${how})` : `exited before it was ready (${how})` };
    }
    // The system refused the process (E2BIG: env too large): the next fork would fail the same way.
    const spawnFailed = worker.failure.code === 'E_SPAWN_FAILED';
    const uptimeMs = worker.processStartedMs === null ? null : this.deps.clock.now() - worker.processStartedMs;
    this.lifecycle.transition(worker, 'crashed', how, details);
    if (worker.role === 'candidate') {
      this.lifecycle.transition(worker, 'exited', 'a new worker is not restarted: the operation fails instead');
      return;
    }
    if (worker.failure.code === 'E_PORT_IN_USE' || spawnFailed) {
      this.lifecycle.transition(worker, 'errored', worker.failure.message);
      return;
    }
    if (outcome === 'failed') {
      this.lifecycle.transition(worker, 'errored', 'autorestart is false: not restarted', details);
      return;
    }
    const decision = decideRestart(spec, worker.unstableRestarts, uptimeMs);
    worker.unstableRestarts = decision.unstableRestarts;
    if (decision.action === 'give-up') {
      this.lifecycle.transition(worker, 'errored', `${decision.unstableRestarts - 1} unstable restarts in a row (max_restarts ${spec.max_restarts})`);
      return;
    }
    this.lifecycle.transition(worker, 'backoff', `restart in ${decision.delayMs} ms`, { delayMs: decision.delayMs });
  }

  private deadlineMs(worker: ManagedWorker, state: WorkerState, details: TransitionDetails): number | null {
    const spec = this.specOf(worker);
    switch (state) {
      case 'forking':
      case 'starting': {
        const elapsed = worker.processStartedMs === null ? 0 : this.deps.clock.now() - worker.processStartedMs;
        return Math.max(0, spec.listen_timeout - elapsed);
      }
      case 'ready':
        return spec.min_uptime;
      case 'draining':
        return spec.kill_timeout;
      case 'backoff':
        return details.delayMs ?? 0;
      default:
        return null;
    }
  }

  private onTimeout(worker: ManagedWorker, state: WorkerState): void {
    const spec = this.specOf(worker);
    const proc = this.processes.get(worker.id);
    switch (state) {
      case 'forking':
      case 'starting':
        // A worker that has loaded its app and called no listen() at all serves no port (a queue
        // consumer, a job): it is taken as ready rather than killed. One whose listen() is pending
        // or failed is a server that is not up: that still fails; so does a cluster worker still
        // loading its app (a slow server may be about to listen, or to throw). A fork-mode one is
        // taken as ready even then (an ESM consumer whose top-level await never settles).
        const loaded = worker.evaluated || spec.exec_mode.startsWith('fork');
        if (!spec.wait_ready && !worker.listenStarted && loaded && worker.failure === null && proc) {
          this.markReady(worker, `no listen() within listen_timeout (${spec.listen_timeout} ms): taken as a process that serves no port`);
          return;
        }
        worker.failure = { code: 'E_READY_TIMEOUT', message: `not ready within listen_timeout (${spec.listen_timeout} ms)` };
        if (worker.role === 'candidate') this.retire(worker, worker.failure.message);
        else proc?.kill('SIGKILL');
        return;
      case 'ready':
        // Up past min_uptime: the next crash starts a fresh backoff sequence.
        worker.unstableRestarts = 0;
        return;
      case 'draining':
        worker.forcedKill = { why: `still draining after kill_timeout (${spec.kill_timeout} ms)`, connectionsOpen: this.reports.get(worker.id)?.connectionsOpen ?? null };
        proc?.kill('SIGKILL');
        return;
      case 'backoff': {
        const revision = this.revisionsById.get(worker.id);
        if (!revision) return;
        worker.restarts += 1;
        this.lifecycle.transition(worker, 'forking', `restart ${worker.restarts}`);
        if (!this.forkProcess(worker, revision)) this.handleExit(worker, null, null, 'fork failed');
        return;
      }
      default:
        return;
    }
  }

  private remove(worker: ManagedWorker): void {
    const index = this.workers.indexOf(worker);
    if (index !== -1) this.workers.splice(index, 1);
    this.revisionsById.delete(worker.id);
  }

  private recheckWaiters(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }
}

/** What a failed fork means: the system error, with the size of what the process would have got. */
function spawnFailure(err: unknown, env: Record<string, string>, args: string[]): { code: 'E_SPAWN_FAILED'; message: string; errno?: string } {
  const errno = typeof (err as { code?: unknown })?.code === 'string' ? ((err as { code: string }).code) : undefined;
  const message = (err as Error)?.message ?? String(err);
  if (errno !== 'E2BIG') return { code: 'E_SPAWN_FAILED', message: `could not start a process: ${message}`, ...(errno ? { errno } : {}) };
  const sizes = Object.entries(env).map(([k, v]) => ({ key: k, bytes: Buffer.byteLength(k) + Buffer.byteLength(v) + 2 }));
  const total = sizes.reduce((n, s) => n + s.bytes, 0) + args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
  const largest = sizes.sort((a, b) => b.bytes - a.bytes)[0];
  const kib = (n: number) => `${Math.round(n / 1024)} KiB`;
  return {
    code: 'E_SPAWN_FAILED',
    errno,
    message: `could not start a process: E2BIG, its environment and arguments are too large (${kib(total)} in all${largest ? `; the largest, ${largest.key}, ${kib(largest.bytes)}` : ''})`,
  };
}
