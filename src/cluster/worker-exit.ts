/**
 * What a worker's process ending means, and how long each state may last: the decisions the
 * pool takes about one worker, apart from the process wiring (worker-pool.ts). An exit while
 * draining is `exited`; an exit of a reload's candidate is `crashed → exited` (never restarted);
 * an exit while serving is a crash that the restart policy answers.
 */
import type { WorkerState } from '../protocol/index.js';
import { decideExit, decideRestart } from './restart-policy.js';
import type { ManagedWorker, TransitionDetails, WorkerLifecycle } from './worker-state.js';
import { LIVE_STATES } from './worker-state.js';

/** Moves `worker` after its process ended (or could not be forked: `why`). */
export function settleExit(lifecycle: WorkerLifecycle, worker: ManagedWorker, nowMs: number, code: number | null, signal: string | null, why?: string): void {
  const how = why ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
  const details: TransitionDetails = { exitCode: code, signal };
  const state: WorkerState = worker.state;
  if (state === 'draining') {
    const killed = worker.forcedKill;
    if (killed === null) {
      lifecycle.transition(worker, 'exited', how, details);
      return;
    }
    const cut = killed.connectionsOpen === null ? 'connections open unknown' : `${killed.connectionsOpen} connection${killed.connectionsOpen === 1 ? '' : 's'} cut`;
    lifecycle.transition(worker, 'exited', `${how}: ${killed.why}, ${cut}`, { ...details, connectionsCut: killed.connectionsOpen });
    return;
  }
  if (!LIVE_STATES.includes(state)) return;
  const spec = worker.deployed.spec;
  const outcome = decideExit(spec, code, signal);
  if (outcome === 'done') {
    // Not a crash: a job that finished, or a code the app uses to say "stop me".
    worker.failure = null;
    const because = spec.autorestart ? 'its code is in stop_exit_codes' : 'autorestart is false';
    lifecycle.transition(worker, 'exited', `${how}: ended on purpose (${because}); not restarted`, details);
    return;
  }
  if (worker.failure === null) {
    worker.failure = { code: 'E_WORKER_EXITED', message: state === 'ready' || state === 'parked' ? `exited (${how})` : `exited before it was ready (${how})` };
  }
  // The system refused the process (E2BIG: env too large): the next fork would fail the same way.
  const spawnFailed = worker.failure.code === 'E_SPAWN_FAILED';
  const uptimeMs = worker.processStartedMs === null ? null : nowMs - worker.processStartedMs;
  lifecycle.transition(worker, 'crashed', how, details);
  if (worker.role === 'candidate') {
    lifecycle.transition(worker, 'exited', 'a new worker is not restarted: the operation fails instead');
    return;
  }
  if (state === 'parked') {
    lifecycle.transition(worker, 'exited', 'a parked worker is not restarted: the rollback window ends');
    return;
  }
  if (worker.failure.code === 'E_PORT_IN_USE' || spawnFailed) {
    lifecycle.transition(worker, 'errored', worker.failure.message);
    return;
  }
  if (outcome === 'failed') {
    lifecycle.transition(worker, 'errored', 'autorestart is false: not restarted', details);
    return;
  }
  const decision = decideRestart(spec, worker.unstableRestarts, uptimeMs);
  worker.unstableRestarts = decision.unstableRestarts;
  if (decision.action === 'give-up') {
    lifecycle.transition(worker, 'errored', `${decision.unstableRestarts - 1} unstable restarts in a row (max_restarts ${spec.max_restarts})`);
    return;
  }
  lifecycle.transition(worker, 'backoff', `restart in ${decision.delayMs} ms`, { delayMs: decision.delayMs });
}

/** How long `worker` may stay in `state` before the pool's onTimeout runs; null: no limit. */
export function stateDeadlineMs(worker: ManagedWorker, state: WorkerState, details: TransitionDetails, nowMs: number): number | null {
  const spec = worker.deployed.spec;
  switch (state) {
    case 'forking':
    case 'starting': {
      const elapsed = worker.processStartedMs === null ? 0 : nowMs - worker.processStartedMs;
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

/**
 * A worker still forking or starting at listen_timeout. One that has loaded its app and called
 * no listen() at all serves no port (a queue consumer, a job): it is taken as ready rather than
 * killed. One whose listen() is pending or failed is a server that is not up: that still fails;
 * so does a cluster worker still loading its app (a slow server may be about to listen, or to
 * throw). A fork-mode one is taken as ready even then (an ESM consumer whose top-level await
 * never settles).
 */
export function takenAsReady(worker: ManagedWorker, hasProcess: boolean): boolean {
  const spec = worker.deployed.spec;
  const loaded = worker.evaluated || spec.exec_mode.startsWith('fork');
  return !spec.wait_ready && !worker.listenStarted && loaded && worker.failure === null && hasProcess;
}
