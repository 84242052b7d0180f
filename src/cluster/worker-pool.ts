/**
 * The workers of one app: forking them, reacting to what their processes do, retiring them.
 *
 * Every state change goes through {@link WorkerLifecycle.transition}; this file decides *which*
 * change a process event means (an exit while draining is `exited`, an exit while serving is
 * `crashed`, …) and runs the restart policy for serving workers. Operations (src/cluster/
 * app-operations.ts) wait on the pool with {@link WorkerPool.waitFor}, which re-checks their
 * condition after every transition — never on a sleep.
 */
import type { DaemonEvent, LogStream, WorkerReport, WorkerTransitionEvent, WorkerState } from '../protocol/index.js';
import { IPC_MARK, RUNTIME_ENV } from '../protocol/index.js';
import { LineSplitter } from '../platform/line-splitter.js';
import { HEARTBEAT_INTERVAL_MS, HeartbeatWatch, quietHeartbeatIntervalMs } from './heartbeat.js';
import { spawnFailure, workerEnv } from './worker-env.js';
import { settleExit, stateDeadlineMs, takenAsReady } from './worker-exit.js';
import type { ForkWorker, ListeningAddress, WorkerProcess } from './worker-host.js';
import { readWorkerMessage } from './worker-messages.js';
import type { Check } from './transition-waiters.js';
import { TransitionWaiters } from './transition-waiters.js';
import type { Clock, ManagedWorker, WorkerRole } from './worker-state.js';
import { newWorker, WorkerLifecycle } from './worker-state.js';
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
  output(worker: ManagedWorker, stream: LogStream, line: string): void;
  ports: PortClaims;
  reportIntervalMs: number;
}

export class WorkerPool {
  readonly workers: ManagedWorker[] = [];
  private readonly processes = new Map<number, WorkerProcess>();
  private readonly reports = new Map<number, WorkerReport>();
  private readonly waiters: TransitionWaiters;
  private readonly lifecycle: WorkerLifecycle;
  private readonly heartbeats: HeartbeatWatch;
  private nextId = 0;

  constructor(
    readonly app: string,
    private readonly deps: WorkerPoolDeps,
    private readonly onWorkerEvent: (event: WorkerTransitionEvent, worker: ManagedWorker) => void,
  ) {
    this.waiters = new TransitionWaiters(deps.clock);
    this.heartbeats = new HeartbeatWatch(deps.clock, (id, silentMs) => this.onSilent(id, silentMs));
    this.lifecycle = new WorkerLifecycle(deps.clock, {
      deadlineMs: (worker, state, details) => stateDeadlineMs(worker, state, details, deps.clock.now()),
      onTimeout: (worker, state) => this.onTimeout(worker, state),
      onTransition: (event, worker) => {
        if (event.to === 'ready') this.heartbeats.beat(worker.id, worker.deployed.spec.heartbeat_timeout);
        else if (event.to !== 'unresponsive') this.heartbeats.stop(worker.id);
        if (event.to === 'exited') this.remove(worker);
        this.deps.emit(event);
        this.onWorkerEvent(event, worker);
        this.waiters.recheck();
      },
    });
  }

  /** Forks a new worker for `instance` running `revision`. */
  spawn(instance: number, revision: Revision, role: WorkerRole): ManagedWorker {
    const worker = newWorker({ id: ++this.nextId, app: this.app, instance, revision, role, nowMs: this.deps.clock.now() });
    this.workers.push(worker);
    const forked = this.forkProcess(worker);
    this.lifecycle.created(worker, role === 'candidate' ? `new worker for revision ${revision.number}` : `worker for revision ${revision.number}`);
    if (!forked) this.handleExit(worker, null, null, 'fork failed');
    return worker;
  }

  /** Retires a worker gracefully: a live one drains (stops accepting, finishes in-flight requests, then exits; SIGKILL after kill_timeout), one without a process is simply done. */
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
      case 'ready':
      case 'parked': {
        this.lifecycle.transition(worker, 'draining', reason);
        const spec = worker.deployed.spec;
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

  /** Parks a ready worker (unrouted, its kept-alive clients asked to move: parking.ts), or brings a parked one back (`parked` false). */
  park(worker: ManagedWorker, parked: boolean, reason: string): void {
    if (worker.state !== (parked ? 'ready' : 'parked')) return;
    this.lifecycle.transition(worker, parked ? 'parked' : 'ready', reason);
    this.processes.get(worker.id)?.send(parked ? { hotctl: IPC_MARK, type: 'park', graceMs: worker.deployed.spec.drain_grace } : { hotctl: IPC_MARK, type: 'unpark' });
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
   * Resolves with the first value `check` returns that is not undefined; `check` runs now and after
   * every worker transition. With `afterMs`, resolves with `onTimeout()` when that time passes first.
   */
  waitFor<T>(check: Check<T>, timeout?: { afterMs: number; onTimeout: () => T }): Promise<T> {
    return this.waiters.waitFor(check, timeout);
  }

  /** The runtime's last report; none while the worker is unresponsive (its last one is stale). */
  report(workerId: number): WorkerReport | undefined {
    if (this.workers.find((w) => w.id === workerId)?.state === 'unresponsive') return undefined;
    return this.reports.get(workerId);
  }

  /** The revision `worker` runs (its own record: `worker.deployed`). */
  revisionOf(worker: ManagedWorker): Revision | undefined {
    return worker.deployed;
  }

  private forkProcess(worker: ManagedWorker): boolean {
    const revision = worker.deployed;
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
      [RUNTIME_ENV.quietHeartbeatIntervalMs]: String(quietHeartbeatIntervalMs(spec.heartbeat_timeout)),
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

  private handleExit(worker: ManagedWorker, code: number | null, signal: string | null, why?: string): void {
    settleExit(this.lifecycle, worker, this.deps.clock.now(), code, signal, why);
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
    const effect = readWorkerMessage(worker, message);
    if (effect === 'heartbeat') this.heartbeat(worker);
    else if (effect === 'drained') proc.send({ hotctl: IPC_MARK, type: 'exit' });
    else if (effect !== null && 'ready' in effect) this.markReady(worker, effect.ready);
    else if (effect !== null) {
      this.reports.set(worker.id, effect.report);
      this.heartbeat(worker);
    }
  }

  /** The worker's event loop turns (a report or a heartbeat arrived). */
  private heartbeat(worker: ManagedWorker): void {
    if (worker.state === 'ready') this.heartbeats.beat(worker.id, worker.deployed.spec.heartbeat_timeout);
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

  private onTimeout(worker: ManagedWorker, state: WorkerState): void {
    const spec = worker.deployed.spec;
    const proc = this.processes.get(worker.id);
    switch (state) {
      case 'forking':
      case 'starting':
        if (takenAsReady(worker, proc !== undefined)) {
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
      case 'backoff':
        worker.restarts += 1;
        this.lifecycle.transition(worker, 'forking', `restart ${worker.restarts}`);
        if (!this.forkProcess(worker)) this.handleExit(worker, null, null, 'fork failed');
        return;
      default:
        return;
    }
  }

  private remove(worker: ManagedWorker): void {
    const index = this.workers.indexOf(worker);
    if (index !== -1) this.workers.splice(index, 1);
  }
}
